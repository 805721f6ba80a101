import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';

/** The six UN languages: the UI speaks each of them. English is the source and the fallback. */
export const LOCALES = ['en', 'fr', 'es', 'ru', 'zh', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const RTL_LOCALES: ReadonlySet<string> = new Set(['ar']);

export function isLocale(value: string | undefined | null): value is Locale {
  return !!value && (LOCALES as readonly string[]).includes(value);
}

export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;
export type Translate = (key: string, values?: MessageValues) => string;

export interface Catalogue {
  /** Flat key → ICU message, per locale. */
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  translator(locale: string): Translate;
  has(locale: string, key: string): boolean;
}

function flatten(prefix: string, value: unknown, out: Record<string, string>): void {
  if (typeof value === 'string') {
    out[prefix] = value;
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  }
}

/**
 * Loads `<dir>/<locale>/<namespace>.json`. Keys are "<namespace>.<path>"; each domain module owns
 * its namespace file, so catalogues grow without one shared file to contend for.
 */
export function loadCatalogue(dir: string): Catalogue {
  const messages: Record<string, Record<string, string>> = {};
  for (const locale of LOCALES) {
    const folder = join(dir, locale);
    const flat: Record<string, string> = {};
    if (existsSync(folder)) {
      for (const file of readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const namespace = file.replace(/\.json$/, '');
        flatten(namespace, JSON.parse(readFileSync(join(folder, file), 'utf8')), flat);
      }
    }
    messages[locale] = flat;
  }
  const cache = new Map<string, IntlMessageFormat>();
  const format = (locale: string, key: string): IntlMessageFormat | null => {
    const cacheKey = `${locale}\u0000${key}`;
    let compiled = cache.get(cacheKey);
    if (compiled) return compiled;
    const source = messages[locale]?.[key] ?? messages[DEFAULT_LOCALE]?.[key];
    if (source === undefined) return null;
    const useLocale = messages[locale]?.[key] !== undefined ? locale : DEFAULT_LOCALE;
    compiled = new IntlMessageFormat(source, useLocale, undefined, { ignoreTag: true });
    cache.set(cacheKey, compiled);
    return compiled;
  };
  return {
    messages,
    has: (locale, key) => messages[locale]?.[key] !== undefined,
    translator(locale) {
      return (key, values) => {
        const compiled = format(locale, key);
        if (!compiled) return key;
        const result = compiled.format(values as Record<string, string | number>);
        return Array.isArray(result) ? result.join('') : String(result);
      };
    },
  };
}

/** Picks the best of our locales from an Accept-Language header. */
export function negotiateLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return null;
}

export function textDirection(locale: string): 'rtl' | 'ltr' {
  return RTL_LOCALES.has(locale) ? 'rtl' : 'ltr';
}
