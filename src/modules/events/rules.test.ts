import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assessDiversity, genderDiverse, summarisePrivate } from './diversity.ts';
import { screen } from './screening.ts';
import { assignReviewers, conflictKey } from './assignment.ts';
import { calibrate, rankProposals } from './scoring.ts';
import { checkPlacement } from './schedule.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_SCREENING,
  callState,
  proposerMayEdit,
  weightedScore,
} from './events.ts';
import { localDay, zonedInstant } from './zones.ts';

const countries = {
  KE: { group: 'african', developing: false },
  FJ: { group: 'asia-pacific', developing: true },
  PL: { group: 'eastern-european', developing: false },
};

describe('diversity', () => {
  const person = (role: 'speaker' | 'onsite-moderator', group: string, country: string) => ({
    role,
    stakeholderGroup: group,
    country,
    status: 'confirmed' as const,
  });
  it('counts distinct groups and regions and lists what is missing', () => {
    const a = assessDiversity(
      [person('speaker', 'government', 'KE'), person('speaker', 'government', 'PL')],
      countries,
      DEFAULT_CRITERIA,
      summarisePrivate([]),
    );
    expect(a.stakeholderGroups).toEqual(['government']);
    expect(a.regionalGroups).toEqual(['african', 'eastern-european']);
    expect(a.checklist.find((c) => c.code === 'stakeholderGroups')).toMatchObject({
      status: 'missing',
      have: 1,
      need: 3,
    });
    expect(a.checklist.find((c) => c.code === 'developingCountry')).toMatchObject({
      status: 'missing',
      have: 0,
    });
    expect(a.complete).toBe(false);
  });
  it('never discloses self-declared attributes for fewer than 5 people, for any panel', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gender: fc.constantFrom('woman', 'man', null),
            firstTime: fc.constantFrom(true, false, null),
          }),
          { maxLength: 12 },
        ),
        (people) => {
          const facts = people.map((p) => ({
            role: 'speaker' as const,
            status: 'confirmed' as const,
            ...p,
          }));
          const s = summarisePrivate(facts);
          if (s.declared < 5) {
            expect(s.distinctGenders).toBeNull();
            expect(s.firstTime).toBeNull();
          }
          const a = assessDiversity([], countries, { ...DEFAULT_CRITERIA, minFirstTime: 1 }, s);
          for (const c of a.checklist.filter(
            (x) => x.code === 'gender' || x.code === 'firstTime',
          )) {
            expect(c.status === 'withheld').toBe(s.declared < 5);
          }
        },
      ),
    );
  });
  it('ignores declined people and proposers', () => {
    expect(
      genderDiverse([
        { role: 'speaker', status: 'declined', gender: 'woman', firstTime: null },
        { role: 'speaker', status: 'confirmed', gender: 'man', firstTime: null },
        { role: 'proposer', status: 'confirmed', gender: 'woman', firstTime: null },
      ]),
    ).toBe(false);
  });
});

describe('screening', () => {
  const proposal = {
    title: 'T',
    format: 'panel',
    content: 'C',
    relevance: 'R',
    policyQuestion: 'Q',
    tags: ['norms'],
    onlinePlan: 'O',
    facilitationPlan: 'F',
    previousWorkshop: false,
    previousReportUrl: null,
  };
  const p = (
    role: 'proposer' | 'speaker' | 'onsite-moderator' | 'online-moderator' | 'rapporteur',
    onsite = true,
    status: 'confirmed' | 'pending' = 'confirmed',
  ) => ({
    role,
    status,
    onsite,
    name: 'N',
    organisation: 'O',
    stakeholderGroup: 'academia',
    country: 'KE',
  });
  const complete = [
    p('proposer'),
    p('speaker'),
    p('speaker'),
    p('speaker', false),
    p('onsite-moderator'),
    p('online-moderator', false),
    p('rapporteur'),
  ];
  it('passes a complete proposal and explains each failing rule', () => {
    expect(
      screen(DEFAULT_SCREENING, {
        proposal,
        people: complete,
        genderDiverse: true,
        overdueReports: 0,
        filedReports: 0,
      }).passed,
    ).toBe(true);
    const r = screen(DEFAULT_SCREENING, {
      proposal: { ...proposal, relevance: ' ' },
      people: [p('proposer'), p('speaker'), p('speaker', true, 'pending'), p('speaker', false)],
      genderDiverse: false,
      overdueReports: 0,
      filedReports: 0,
    });
    const by = Object.fromEntries(r.outcomes.map((o) => [o.rule, o]));
    expect(by.requiredFields).toMatchObject({
      outcome: 'fail',
      missing: ['relevance', 'onsite-moderator', 'online-moderator', 'rapporteur'],
    });
    expect(by.confirmedSpeakers).toMatchObject({ outcome: 'fail', have: 2, need: 3 });
    expect(by.genderDiversity?.outcome).toBe('fail');
    expect(by.onsite).toMatchObject({
      outcome: 'fail',
      missing: ['onsite-moderator', 'speakers'],
      have: 1,
    });
    expect(r.blocked).toBe(false);
  });
  it('blocks on a missing previous report and applies only the rules the call switches on', () => {
    expect(
      screen(DEFAULT_SCREENING, {
        proposal,
        people: complete,
        genderDiverse: true,
        overdueReports: 1,
        filedReports: 0,
      }).blocked,
    ).toBe(true);
    expect(
      screen(DEFAULT_SCREENING, {
        proposal: { ...proposal, previousWorkshop: true, previousReportUrl: 'https://x' },
        people: complete,
        genderDiverse: true,
        overdueReports: 0,
        filedReports: 0,
      }).blocked,
    ).toBe(false);
    const off = {
      requiredFields: false,
      minConfirmedSpeakers: 0,
      genderDiversity: false,
      onsiteModerator: false,
      minOnsiteSpeakers: 0,
      previousReport: false,
    };
    expect(
      screen(off, {
        proposal,
        people: [],
        genderDiverse: false,
        overdueReports: 3,
        filedReports: 0,
      }).outcomes,
    ).toEqual([]);
  });
});

describe('reviewer assignment', () => {
  const groups = [
    'government',
    'academia',
    'civil-society',
    'private-sector',
    'technical-community',
    'igo',
  ];
  it('fills every quota, avoids same-organisation and declared conflicts, balances load and mixes groups', () => {
    const reviewers = Array.from({ length: 30 }, (_, i) => ({
      id: `r${i}`,
      organisation: `Org ${i % 10}`,
      stakeholderGroup: groups[i % 6]!,
      load: 0,
    }));
    const proposals = Array.from({ length: 200 }, (_, i) => ({
      id: `p${String(i).padStart(3, '0')}`,
      organisations: [`Org ${i % 10}`],
      stakeholderGroup: groups[i % 6]!,
      assigned: [],
    }));
    const declared = new Set([conflictKey('p001', 'r2'), conflictKey('p001', 'r3')]);
    const result = assignReviewers(proposals, reviewers, 3, declared);
    expect(result.unfilled).toEqual([]);
    expect(result.assignments).toHaveLength(600);
    const load = new Map<string, number>();
    for (const a of result.assignments) {
      const p = proposals.find((x) => x.id === a.proposalId)!;
      const r = reviewers.find((x) => x.id === a.reviewerId)!;
      expect(p.organisations).not.toContain(r.organisation);
      expect(declared.has(conflictKey(a.proposalId, a.reviewerId))).toBe(false);
      load.set(r.id, (load.get(r.id) ?? 0) + 1);
    }
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(2);
    const mixed = proposals.every(
      (p) =>
        new Set(
          result.assignments
            .filter((a) => a.proposalId === p.id)
            .map((a) => reviewers.find((r) => r.id === a.reviewerId)!.stakeholderGroup),
        ).size === 3,
    );
    expect(mixed).toBe(true);
  });
  it('reports proposals it cannot fill', () => {
    const r = assignReviewers(
      [{ id: 'p', organisations: ['A'], stakeholderGroup: null, assigned: [] }],
      [{ id: 'r', organisation: 'a', stakeholderGroup: 'academia', load: 0 }],
      2,
    );
    expect(r.unfilled).toEqual([{ proposalId: 'p', missing: 2 }]);
  });
});

describe('scores', () => {
  it('weights criteria and normalises per reviewer so a strict reviewer does not sink a proposal', () => {
    expect(
      weightedScore({ a: 5, b: 1 }, [
        { code: 'a', weight: 3 },
        { code: 'b', weight: 1 },
      ]),
    ).toBe(4);
    const reviews = [
      { proposalId: 'x', reviewerId: 'strict', weighted: 2, action: 'accept' as const },
      { proposalId: 'y', reviewerId: 'strict', weighted: 1, action: 'reject' as const },
      { proposalId: 'y', reviewerId: 'kind', weighted: 5, action: 'accept' as const },
      { proposalId: 'z', reviewerId: 'kind', weighted: 4, action: 'accept' as const },
    ];
    const cal = calibrate(reviews);
    expect(cal.get('strict')).toMatchObject({ mean: 1.5, sd: 0.5, offset: -1.5 });
    const ranked = rankProposals(reviews);
    // Raw, z would tie x (2, only strict) below z (4, only kind); normalised they are equal tops.
    expect(ranked.find((r) => r.proposalId === 'x')!.normalised).toBe(1);
    expect(ranked.find((r) => r.proposalId === 'z')!.normalised).toBe(-1);
    expect(ranked.find((r) => r.proposalId === 'z')!.raw).toBe(4);
  });
});

describe('schedule and time', () => {
  const at = (h: number, m = 0) => new Date(Date.UTC(2025, 5, 23, h, m));
  it('refuses a session longer than its slot, a double-booked room and a person in two places', () => {
    const others = [
      {
        id: 'o',
        title: 'Other',
        roomId: 'A',
        startsAt: at(9),
        endsAt: at(10),
        people: [{ key: 'ana@example.org', name: 'Ana' }],
      },
    ];
    const c = checkPlacement(
      { id: 'n', durationMinutes: 90, people: [{ key: 'ana@example.org', name: 'Ana' }] },
      { startsAt: at(9, 30), endsAt: at(10, 30) },
      'A',
      others,
    );
    expect(c.map((x) => x.kind).sort()).toEqual(['person-busy', 'room-booked', 'slot-too-short']);
    expect(
      checkPlacement(
        { id: 'n', durationMinutes: 60, people: [] },
        { startsAt: at(10), endsAt: at(11) },
        'A',
        others,
      ),
    ).toEqual([]);
  });
  it('keeps deadlines to the instant and lets a phase reopen edits', () => {
    const call = { opensAt: at(0), closesAt: at(12) };
    expect(callState(call, new Date(at(12).getTime() - 1))).toBe('open');
    expect(callState(call, at(12))).toBe('closed');
    expect(proposerMayEdit(call, null, at(13))).toBe(false);
    expect(proposerMayEdit(call, { proposersMayEdit: true }, at(13))).toBe(true);
  });
  it('converts wall clock to instants in a zone, across daylight saving time', () => {
    expect(zonedInstant('2025-06-23', '09:00', 'Europe/Oslo').toISOString()).toBe(
      '2025-06-23T07:00:00.000Z',
    );
    expect(zonedInstant('2025-12-23', '09:00', 'Europe/Oslo').toISOString()).toBe(
      '2025-12-23T08:00:00.000Z',
    );
    expect(localDay(new Date('2025-06-23T23:30:00Z'), 'Asia/Riyadh')).toBe('2025-06-24');
  });
});
