import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalQuery,
  describeQuery,
  isoWeek,
  periodKey,
  underPath,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from './awareness.ts';
import { renderRobots } from './discovery.service.ts';

describe('digest periods', () => {
  it('names UTC days and ISO weeks, including across a year boundary', () => {
    expect(periodKey('daily', new Date('2026-11-23T23:59:59Z'))).toBe('2026-11-23');
    expect(periodKey('weekly', new Date('2026-11-23T00:00:00Z'))).toBe('2026-W48');
    expect(periodKey('weekly', new Date('2026-11-29T23:59:59Z'))).toBe('2026-W48');
    expect(periodKey('weekly', new Date('2026-11-30T00:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01');
  });

  it('gives consecutive days of one Monday-to-Sunday week one weekly period', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (d) => {
          const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
          monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
          const sunday = new Date(monday.getTime() + 7 * 86_400_000 - 1);
          expect(isoWeek(sunday)).toBe(isoWeek(monday));
          expect(isoWeek(new Date(sunday.getTime() + 1))).not.toBe(isoWeek(monday));
        },
      ),
    );
  });
});

describe('saved queries', () => {
  it('sorts parameters and drops empty values and paging', () => {
    expect(canonicalQuery('?q=cyber&cost=free&page=2&language=fr&language=ar&theme=')).toBe(
      'cost=free&language=ar&language=fr&q=cyber',
    );
    expect(canonicalQuery('')).toBe('');
    expect(describeQuery('cost=free&q=cyber+norms')).toBe('cost: free · q: cyber norms');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string())), (pairs) => {
        const once = canonicalQuery(new URLSearchParams(pairs).toString());
        expect(canonicalQuery(once)).toBe(once);
      }),
    );
  });
});

describe('unsubscribe tokens', () => {
  const id = '019aa7c2-1b2c-7def-8abc-0123456789ab';
  it('verify with the secret that made them, and only that one', () => {
    const token = unsubscribeToken('secret-one', id);
    expect(verifyUnsubscribeToken('secret-one', token)).toBe(id);
    expect(verifyUnsubscribeToken('secret-two', token)).toBeNull();
    const other = '019aa7c2-1b2c-7def-8abc-0123456789ac';
    expect(verifyUnsubscribeToken('secret-one', `${other}.${token.split('.')[1]}`)).toBeNull();
    expect(verifyUnsubscribeToken('secret-one', 'garbage')).toBeNull();
    expect(verifyUnsubscribeToken('secret-one', `${token}x`)).toBeNull();
  });
});

describe('paths and robots', () => {
  it('matches a page and what is under it, not a sibling with the same prefix', () => {
    expect(underPath('/processes/oewg', '/processes/oewg')).toBe(true);
    expect(underPath('/processes/oewg/register', '/processes/oewg')).toBe(true);
    expect(underPath('/processes/oewg-2', '/processes/oewg')).toBe(false);
  });

  it('keeps crawlers out of private areas in every language and points to the sitemap', () => {
    const robots = renderRobots('https://commons.example');
    expect(robots).toContain('Disallow: /account\n');
    expect(robots).toContain('Disallow: /fr/account\n');
    expect(robots).toContain('Disallow: /ar/calendar/\n');
    expect(robots).toContain('Sitemap: https://commons.example/sitemap.xml');
  });
});
