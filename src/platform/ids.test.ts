import { describe, expect, it } from 'vitest';
import { isUuid, newId, slugify } from './ids.ts';

describe('ids', () => {
  it('makes time-ordered UUIDv7 ids', () => {
    const a = newId();
    const b = newId();
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });

  it('makes readable slugs, folding accents', () => {
    expect(slugify('Sécurité des réseaux: une introduction')).toBe(
      'securite-des-reseaux-une-introduction',
    );
    expect(slugify('  --  ')).toBe('item');
    expect(slugify('الأمن السيبراني')).toBe('item');
    expect(slugify('a'.repeat(200)).length).toBe(80);
  });
});
