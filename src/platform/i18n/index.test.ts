import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogue, negotiateLocale, textDirection } from './index.ts';

function catalogueWith(files: Record<string, Record<string, unknown>>) {
  const dir = mkdtempSync(join(tmpdir(), 'cc-i18n-'));
  for (const [path, content] of Object.entries(files)) {
    const [locale, ns] = path.split('/') as [string, string];
    mkdirSync(join(dir, locale), { recursive: true });
    writeFileSync(join(dir, locale, `${ns}.json`), JSON.stringify(content));
  }
  return loadCatalogue(dir);
}

describe('message catalogue', () => {
  const catalogue = catalogueWith({
    'en/demo': { items: '{count, plural, one {# item} other {# items}}', only: 'English only' },
    'ar/demo': {
      items:
        '{count, plural, zero {لا عناصر} one {عنصر واحد} two {عنصران} few {# عناصر} many {# عنصرًا} other {# عنصر}}',
    },
    'ru/demo': {
      items: '{count, plural, one {# курс} few {# курса} many {# курсов} other {# курса}}',
    },
  });

  it('formats plurals by each language’s rules', () => {
    expect(catalogue.translator('en')('demo.items', { count: 1 })).toBe('1 item');
    expect(catalogue.translator('ru')('demo.items', { count: 3 })).toBe('3 курса');
    expect(catalogue.translator('ru')('demo.items', { count: 5 })).toBe('5 курсов');
    expect(catalogue.translator('ar')('demo.items', { count: 2 })).toBe('عنصران');
    expect(catalogue.translator('ar')('demo.items', { count: 11 })).toMatch(/^(11|١١) عنصرًا$/);
  });

  it('falls back to English, then to the key', () => {
    expect(catalogue.translator('fr')('demo.only')).toBe('English only');
    expect(catalogue.translator('fr')('demo.missing')).toBe('demo.missing');
  });
});

describe('locale negotiation', () => {
  it('picks the best supported language by quality', () => {
    expect(negotiateLocale('de-DE,fr;q=0.8,en;q=0.5')).toBe('fr');
    expect(negotiateLocale('zh-Hans-CN')).toBe('zh');
    expect(negotiateLocale('de, it')).toBeNull();
    expect(negotiateLocale('en;q=0, es;q=0.1')).toBe('es');
    expect(negotiateLocale(undefined)).toBeNull();
  });

  it('knows which languages are written right to left', () => {
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('fr')).toBe('ltr');
  });
});
