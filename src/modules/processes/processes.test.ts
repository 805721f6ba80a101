import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  csvSafe,
  decideOutcome,
  decisionDue,
  periodOpen,
  reapplicationBlock,
  visibleObjections,
  PUBLIC_AUDIENCE,
  type DisclosurePolicy,
  type ObjectionFact,
} from './processes.ts';

const objections: ObjectionFact[] = [
  { country: 'LI', reason: 'Reason of Liechtenstein', withdrawn: false },
  { country: 'AD', reason: null, withdrawn: false },
  { country: 'MC', reason: 'Withdrawn reason', withdrawn: true },
];

describe('the disclosure rule', () => {
  it('publishes states and reasons only when the policy says so', () => {
    const open: DisclosurePolicy = { objector: 'public', reasonsPublic: true };
    expect(visibleObjections(open, objections, PUBLIC_AUDIENCE)).toEqual({
      count: 2,
      states: ['AD', 'LI'],
      reasons: ['Reason of Liechtenstein'],
      own: null,
    });
    const secretariat: DisclosurePolicy = { objector: 'secretariat', reasonsPublic: false };
    expect(visibleObjections(secretariat, objections, PUBLIC_AUDIENCE)).toEqual({
      count: 2,
      states: null,
      reasons: null,
      own: null,
    });
    expect(
      visibleObjections(secretariat, objections, { secretariat: true, delegation: null }),
    ).toMatchObject({ states: ['AD', 'LI'], reasons: ['Reason of Liechtenstein'] });
  });

  it('withholds the objecting state even from the secretariat, but never from the state itself', () => {
    const withheld: DisclosurePolicy = { objector: 'withheld', reasonsPublic: false };
    expect(
      visibleObjections(withheld, objections, { secretariat: true, delegation: null }).states,
    ).toBeNull();
    const own = visibleObjections(withheld, objections, { secretariat: false, delegation: 'LI' });
    expect(own).toEqual({
      count: 2,
      states: null,
      reasons: null,
      own: { reason: 'Reason of Liechtenstein' },
    });
    expect(
      visibleObjections(withheld, objections, { secretariat: false, delegation: 'MC' }).own,
    ).toBeNull();
  });

  it('never shows the public a state or a reason the policy keeps back (any objections)', () => {
    const fact = fc.record({
      country: fc.option(fc.constantFrom('LI', 'AD', 'MC', 'FR'), { nil: null }),
      reason: fc.option(fc.string({ minLength: 1 }), { nil: null }),
      withdrawn: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.constantFrom('public', 'secretariat', 'withheld'),
        fc.boolean(),
        fc.array(fact, { maxLength: 8 }),
        (objector, reasonsPublic, list) => {
          const seen = visibleObjections(
            { objector: objector as DisclosurePolicy['objector'], reasonsPublic },
            list,
            PUBLIC_AUDIENCE,
          );
          if (objector !== 'public') expect(seen.states).toBeNull();
          if (!reasonsPublic) expect(seen.reasons).toBeNull();
          expect(seen.count).toBe(list.filter((o) => !o.withdrawn).length);
          expect(seen.own).toBeNull();
        },
      ),
    );
  });
});

describe('deciding', () => {
  it('accredits when no objection stands', () => {
    expect(decideOutcome(0)).toBe('accredited');
    expect(decideOutcome(1)).toBe('refused');
    expect(decideOutcome(32)).toBe('refused');
  });

  it('keeps the period open strictly before its end, and the decision due from it', () => {
    const deadline = new Date('2026-03-19T04:00:00Z');
    expect(periodOpen(new Date(deadline.getTime() - 1), deadline)).toBe(true);
    expect(periodOpen(deadline, deadline)).toBe(false);
    expect(decisionDue(new Date(deadline.getTime() - 1), deadline)).toBe(false);
    expect(decisionDue(deadline, deadline)).toBe(true);
  });
});

describe('applying again', () => {
  const meeting = (id: string, startsOn: string) => ({ id, startsOn });
  it('refuses while accredited or pending, and after a refusal allows only a later session', () => {
    expect(reapplicationBlock([], meeting('m1', '2027-01-01'))).toBeNull();
    expect(
      reapplicationBlock(
        [{ status: 'accredited', meetingId: 'm1', meetingStartsOn: '2027-01-01' }],
        meeting('m2', '2027-06-01'),
      ),
    ).toEqual({ kind: 'accredited' });
    expect(
      reapplicationBlock(
        [{ status: 'pending', meetingId: 'm1', meetingStartsOn: '2027-01-01' }],
        meeting('m2', '2027-06-01'),
      ),
    ).toEqual({ kind: 'pending' });
    const refused = [
      { status: 'refused' as const, meetingId: 'm2', meetingStartsOn: '2027-06-01' },
    ];
    expect(reapplicationBlock(refused, meeting('m2', '2027-06-01'))).toEqual({
      kind: 'same-meeting',
    });
    expect(reapplicationBlock(refused, meeting('m1', '2027-01-01'))).toEqual({
      kind: 'not-later',
      refusedFor: '2027-06-01',
    });
    expect(reapplicationBlock(refused, meeting('m3', '2027-09-01'))).toBeNull();
  });
});

describe('CSV cells', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvSafe('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(csvSafe('+1')).toBe("'+1");
    expect(csvSafe('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvSafe('-2')).toBe("'-2");
    expect(csvSafe('Access Now')).toBe('Access Now');
  });
});
