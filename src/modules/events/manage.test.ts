import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reportStatus } from './schedule.ts';
import { instantFromLocal, localInput } from './manage.shared.tsx';
import { callFromForm } from './manage.call.pages.tsx';
import { filterProgramme, type Programme, type Session } from './schedule.service.ts';

describe('wall-clock inputs in the event zone', () => {
  it('reads a datetime-local value in the zone and writes it back the same', () => {
    expect(instantFromLocal('2025-03-01T09:00', 'Europe/Zurich')).toBe('2025-03-01T08:00:00.000Z');
    expect(instantFromLocal('2025-07-01T09:00', 'Europe/Zurich')).toBe('2025-07-01T07:00:00.000Z');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.constantFrom('UTC', 'Pacific/Apia', 'America/St_Johns', 'Asia/Kathmandu', 'Europe/Oslo'),
        (d, zone) => {
          const local = localInput(d, zone);
          const back = instantFromLocal(local, zone);
          // Minutes survive; in the hour a clock repeats, either instant reads the same.
          expect(localInput(new Date(back), zone)).toBe(local);
        },
      ),
    );
  });

  it('passes on what is not a wall-clock time that exists, for the schema to refuse', () => {
    for (const v of ['2025-04-31T09:00', '2025-13-01T09:00', '2025-03-01T24:30', 'tomorrow', '']) {
      expect(instantFromLocal(v, 'Europe/Zurich')).toBe(v);
    }
    // 02:30 on the night clocks jump forward does not exist in Zurich.
    expect(instantFromLocal('2025-03-30T02:30', 'Europe/Zurich')).toBe('2025-03-30T02:30');
  });
});

describe('call form', () => {
  it('drops blank rows and maps error paths back to the rows typed', () => {
    const { input, rename } = callFromForm(
      {
        title: 'Call',
        opensAt: '2025-03-01T09:00',
        closesAt: '2025-04-01T09:00',
        'criterion.0.code': 'relevance',
        'criterion.0.weight': '50',
        'criterion.2.code': 'content',
        'criterion.2.weight': '0',
        'phase.1.name': 'Review',
        'phase.1.startsAt': '2025-04-02T09:00',
        'phase.1.endsAt': '2025-04-01T09:00',
        'format.panel.minutes': '45',
      },
      ['panel'],
      'UTC',
    );
    expect(input.reviewCriteria).toHaveLength(2);
    expect(input.phases).toHaveLength(1);
    expect(input.formats).toEqual([{ code: 'panel', minutes: '45' }]);
    expect(rename('/reviewCriteria/1/weight')).toBe('criterion.2.weight');
    expect(rename('/phases/0/endsAt')).toBe('phase.1.endsAt');
    expect(rename('/formats/0/minutes')).toBe('format.panel.minutes');
    expect(rename('/criteria/minStakeholderGroups')).toBe('criteria.minStakeholderGroups');
    expect(rename('/title')).toBe('title');
  });
});

describe('report status', () => {
  const end = new Date('2025-06-23T10:00:00Z');
  const due = new Date('2025-07-07T10:00:00Z');
  it('flags missing reports once the session ended and overdue ones after the deadline', () => {
    const at = (iso: string, filedAt: Date | null = null) =>
      reportStatus({ endsAt: end, reportDueAt: due, filedAt }, new Date(iso));
    expect(at('2025-06-23T09:00:00Z')).toBe('upcoming');
    expect(at('2025-06-23T10:00:00Z')).toBe('due');
    expect(at('2025-07-07T10:00:00Z')).toBe('overdue');
    expect(at('2025-07-08T00:00:00Z', new Date())).toBe('filed');
    expect(reportStatus({ endsAt: null, reportDueAt: null, filedAt: null }, end)).toBe(
      'unscheduled',
    );
  });
});

describe('programme filters', () => {
  const session = (id: string, roomId: string, themes: string[]) =>
    ({ id, roomId, themes }) as unknown as Session;
  const whole = {
    event: {},
    days: [
      { day: '2025-06-23', sessions: [session('a', 'r1', ['norms']), session('b', 'r2', [])] },
      { day: '2025-06-24', sessions: [session('c', 'r1', ['cbms'])] },
    ],
    unscheduled: 0,
    themes: ['cbms', 'norms'],
  } as unknown as Programme;
  it('narrows by day, room and theme and drops days left empty', () => {
    const ids = (p: Programme) => p.days.flatMap((d) => d.sessions.map((s) => s.id));
    expect(filterProgramme(whole, {})).toBe(whole);
    expect(ids(filterProgramme(whole, { room: 'r1' }))).toEqual(['a', 'c']);
    expect(ids(filterProgramme(whole, { theme: 'cbms' }))).toEqual(['c']);
    expect(filterProgramme(whole, { day: '2025-06-24', room: 'r2' }).days).toEqual([]);
    expect(filterProgramme(whole, { theme: 'norms' }).themes).toEqual(['cbms', 'norms']);
  });
});
