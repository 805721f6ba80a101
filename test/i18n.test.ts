/**
 * The message catalogues: every key of English exists in each of the six UN languages with the
 * same ICU arguments and plural/select structure; no language has keys English lacks; every key is
 * used by the code, and every key the code uses exists.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { loadCatalogue, LOCALES } from '../src/platform/i18n/index.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const catalogue = loadCatalogue(join(ROOT, 'src/web/locales'));
const en = catalogue.messages.en!;

/** Argument names and, for plural/select, their kind: the shape a translation must keep. */
function shape(message: string): string[] {
  const out = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const e of elements) {
      if (
        e.type === TYPE.argument ||
        e.type === TYPE.number ||
        e.type === TYPE.date ||
        e.type === TYPE.time
      )
        out.add(`${e.value}:${e.type}`);
      if (e.type === TYPE.plural || e.type === TYPE.select) {
        out.add(`${e.value}:${e.type}`);
        for (const option of Object.values(e.options)) walk(option.value);
      }
      if (e.type === TYPE.tag) walk(e.children);
    }
  };
  walk(parse(message, { ignoreTag: true }));
  return [...out].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'locales' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const source = sourceFiles(join(ROOT, 'src'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
// Keys built at run time: `prefix.${...}` marks every key under the prefix as used.
const dynamicPrefixes = [...source.matchAll(/`([a-zA-Z][\w-]*(?:\.[\w-]+)*\.)\$\{/g)].map(
  (m) => m[1]!,
);
const namespaces = new Set(Object.keys(en).map((k) => k.split('.')[0]!));

describe('message catalogues', () => {
  it('parse as ICU messages in every language', () => {
    const broken: string[] = [];
    for (const locale of LOCALES) {
      for (const [key, message] of Object.entries(catalogue.messages[locale] ?? {})) {
        try {
          parse(message, { ignoreTag: true });
        } catch (error) {
          broken.push(`${locale} ${key}: ${(error as Error).message}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale} has every English key, no other key, and the same arguments`, () => {
      const messages = catalogue.messages[locale] ?? {};
      const missing = Object.keys(en).filter((k) => messages[k] === undefined);
      const extra = Object.keys(messages).filter((k) => en[k] === undefined);
      const differing = Object.keys(en)
        .filter((k) => messages[k] !== undefined)
        .filter((k) => {
          try {
            return shape(en[k]!).join() !== shape(messages[k]!).join();
          } catch {
            return true;
          }
        });
      expect({ missing, extra, differing }).toEqual({ missing: [], extra: [], differing: [] });
    });
  }

  // Russian needs its three forms and Arabic its six wherever a count is shown.
  for (const locale of ['ru', 'ar'] as const) {
    it(`${locale} plurals give every form the language has`, () => {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      const lacking: string[] = [];
      const walk = (key: string, elements: MessageFormatElement[]) => {
        for (const e of elements) {
          if (e.type === TYPE.plural) {
            const missingForms = categories.filter((c) => !(c in e.options));
            if (missingForms.length) lacking.push(`${key}: lacks ${missingForms.join(', ')}`);
          }
          if (e.type === TYPE.plural || e.type === TYPE.select)
            for (const o of Object.values(e.options)) walk(key, o.value);
        }
      };
      for (const [key, message] of Object.entries(catalogue.messages[locale] ?? {}))
        walk(key, parse(message, { ignoreTag: true }));
      expect(lacking).toEqual([]);
    });
  }

  it('uses every English key', () => {
    // A key also counts as used when its parent path is handed around as a string (a prefix).
    const literals = new Set(
      [...source.matchAll(/['"`]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"`]/g)].map((m) => m[1]!),
    );
    const quoted = (text: string) => literals.has(text);
    const parents = (key: string) =>
      key
        .split('.')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('.'))
        .filter((p) => p.includes('.'));
    const unused = Object.keys(en).filter(
      (key) =>
        !parents(key).some(quoted) &&
        !quoted(key) &&
        !dynamicPrefixes.some((p) => key.startsWith(p)),
    );
    expect(unused).toEqual([]);
  });

  it('has every key the code asks for', () => {
    const asked = [...source.matchAll(/\bt\(\s*['"]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"]/g)].map(
      (m) => m[1]!,
    );
    const missing = [...new Set(asked)].filter(
      (key) => namespaces.has(key.split('.')[0]!) && en[key] === undefined,
    );
    expect(missing).toEqual([]);
  });
});
