import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, isTimeZone, localDate, offsetAt, periodEnd, startOfDay } from './zoned-time.ts';

describe('calendar arithmetic in a time zone', () => {
  it('finds the local date of an instant, not the UTC date', () => {
    // 04:30 UTC on 2 March is still 23:30 on 1 March in New York (EST, UTC-5).
    expect(localDate(new Date('2026-03-02T04:30:00Z'), 'America/New_York')).toBe('2026-03-01');
    expect(localDate(new Date('2026-03-02T04:30:00Z'), 'Asia/Tokyo')).toBe('2026-03-02');
    expect(localDate(new Date('2026-03-02T04:30:00Z'), 'UTC')).toBe('2026-03-02');
    // After the change New York is UTC-4: 03:30 UTC on 9 March is 23:30 on 8 March.
    expect(localDate(new Date('2026-03-09T03:30:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09');
  });

  it('finds local midnight on both sides of a daylight-saving change', () => {
    // New York moved to daylight time at 02:00 on 8 March 2026.
    expect(startOfDay('2026-03-08', 'America/New_York').toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    expect(startOfDay('2026-03-09', 'America/New_York').toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
    // Sydney left daylight time at 03:00 on 5 April 2026.
    expect(startOfDay('2026-04-05', 'Australia/Sydney').toISOString()).toBe(
      '2026-04-04T13:00:00.000Z',
    );
    expect(startOfDay('2026-04-06', 'Australia/Sydney').toISOString()).toBe(
      '2026-04-05T14:00:00.000Z',
    );
    expect(startOfDay('2026-06-01', 'Asia/Kathmandu').toISOString()).toBe(
      '2026-05-31T18:15:00.000Z',
    );
  });

  it('takes the first instant of a day whose midnight is skipped', () => {
    // Santiago moves from 00:00 to 01:00 on 6 September 2026.
    const start = startOfDay('2026-09-06', 'America/Santiago');
    expect(localDate(start, 'America/Santiago')).toBe('2026-09-06');
    expect(localDate(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('ends a period at local midnight after whole days, across the change', () => {
    // Submitted at 23:30 on 1 March in New York (already 2 March in UTC), in standard time:
    // ten whole days are 2–11 March, so the period ends at 00:00 on 12 March New York time,
    // which is daylight time by then (04:00 UTC, not 05:00).
    const end = periodEnd(new Date('2026-03-02T04:30:00Z'), 10, 'America/New_York');
    expect(end.toISOString()).toBe('2026-03-12T04:00:00.000Z');
    // The same instant seen from Tokyo is 2 March: the period ends on 13 March there.
    expect(periodEnd(new Date('2026-03-02T04:30:00Z'), 10, 'Asia/Tokyo').toISOString()).toBe(
      '2026-03-12T15:00:00.000Z',
    );
  });

  it('always ends a period at a local midnight, after more than `days` full days', () => {
    const zones = ['America/New_York', 'Europe/Vienna', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2035-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...zones),
        (from, days, zone) => {
          const end = periodEnd(from, days, zone);
          expect(end.getTime() - from.getTime()).toBeGreaterThan(days * 23 * 3600 * 1000);
          expect(localDate(end, zone)).toBe(addDays(localDate(from, zone), days + 1));
          expect(localDate(new Date(end.getTime() - 1), zone)).toBe(
            addDays(localDate(from, zone), days),
          );
        },
      ),
    );
  });

  it('knows real zones from made-up ones, and offsets', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(offsetAt(new Date('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * 3600 * 1000);
    expect(offsetAt(new Date('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * 3600 * 1000);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
