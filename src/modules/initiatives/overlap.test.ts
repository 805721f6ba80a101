import { describe, expect, it } from 'vitest';
import pairs from '../../../test/fixtures/overlap-pairs.json' with { type: 'json' };
import demo from './demo/initiatives.json' with { type: 'json' };
import {
  DUPLICATE_THRESHOLD,
  findOverlaps,
  findOverlapsFor,
  scorePair,
  sharedPeriod,
  surfaceTerms,
  timeOverlap,
  type OverlapItem,
} from './overlap.ts';
import { quality, scoreLabelledPairs, type LabelledPair } from './overlap.quality.ts';

const item = (over: Partial<OverlapItem>): OverlapItem => ({
  id: 'x',
  title: 'Incident response training for the national CERT of Ghana',
  description:
    'Analysts of CERT-GH learn incident triage, log analysis and malware analysis, ending with a national exercise.',
  countries: ['GH'],
  themes: ['incident-management'],
  startsOn: '2024-01-01',
  endsOn: '2024-12-31',
  ...over,
});

describe('time overlap', () => {
  it('measures shared length over combined length', () => {
    expect(timeOverlap(item({}), item({}))).toBeCloseTo(1);
    expect(timeOverlap(item({}), item({ startsOn: '2025-01-01', endsOn: '2025-12-31' }))).toBe(0);
    expect(
      timeOverlap(
        item({ startsOn: '2024-01-01', endsOn: '2024-12-31' }),
        item({ startsOn: '2024-07-01', endsOn: '2025-06-30' }),
      ),
    ).toBeCloseTo(184 / 547, 2);
  });
  it('treats open ends as running on, with an unknown share', () => {
    expect(
      sharedPeriod(item({ endsOn: null }), item({ startsOn: '2030-01-01', endsOn: '2030-02-01' })),
    ).toEqual({ from: '2030-01-01', to: '2030-02-01' });
    expect(timeOverlap(item({ endsOn: null }), item({}))).toBe(0.5);
    expect(
      sharedPeriod(item({ endsOn: '2020-01-01', startsOn: '2019-01-01' }), item({})),
    ).toBeNull();
  });
});

describe('candidate rules', () => {
  it('needs a shared country, a shared theme and a shared period', () => {
    expect(scorePair(item({}), item({ id: 'y' }), 0.8)).not.toBeNull();
    expect(scorePair(item({}), item({ id: 'y', countries: ['KE'] }), 0.8)).toBeNull();
    expect(scorePair(item({}), item({ id: 'y', themes: ['cybercrime'] }), 0.8)).toBeNull();
    expect(
      scorePair(item({}), item({ id: 'y', startsOn: '2026-01-01', endsOn: '2026-02-01' }), 0.8),
    ).toBeNull();
  });
  it('matches regional programmes by region only when they name no country', () => {
    const regional = { countries: [], regions: ['western-africa'] };
    expect(scorePair(item({ ...regional }), item({ id: 'y', ...regional }), 0.8)).not.toBeNull();
    expect(
      scorePair(
        item({ regions: ['western-africa'] }),
        item({ id: 'y', countries: ['SN'], regions: ['western-africa'] }),
        0.8,
      ),
    ).toBeNull();
  });
});

describe('findOverlaps', () => {
  const corpus: OverlapItem[] = [
    item({ id: 'a' }),
    item({
      id: 'b',
      title: 'Capacity development for CERT-GH analysts',
      description:
        'Mentoring of incident handlers at CERT-GH in triage, log analysis and malware analysis, with a national exercise.',
    }),
    item({
      id: 'c',
      title: 'Judges trained on electronic evidence',
      description: 'A course for judges on electronic evidence.',
      themes: ['cybercrime'],
    }),
    item({
      id: 'd',
      countries: ['KE'],
      title: 'Incident response training for the national CERT of Kenya',
    }),
  ];
  it('flags the paraphrase and explains it with shared words', () => {
    const found = findOverlaps(corpus);
    expect(found).toHaveLength(1);
    const [pair] = found;
    expect([corpus[pair!.a]!.id, corpus[pair!.b]!.id]).toEqual(['a', 'b']);
    expect(pair!.likelyDuplicate).toBe(true);
    expect(pair!.sharedCountries).toEqual(['GH']);
    expect(
      surfaceTerms(pair!.sharedStems, [corpus[0]!.description, corpus[1]!.description]),
    ).toEqual(expect.arrayContaining(['CERT-GH']));
  });
  it('finds the overlaps of one new initiative against the registry', () => {
    const fresh = item({ id: 'new', title: 'Triage and malware analysis course for CERT-GH' });
    const found = findOverlapsFor(fresh, corpus);
    expect(found.map((f) => f.other.id)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(found.map((f) => f.other.id)).not.toContain('d');
  });
});

describe('quality of the likely-duplicate flag on the labelled pairs', () => {
  const background = (demo as Array<{ title: { en: string }; description: { en: string } }>).map(
    (d) => ({ title: d.title.en, description: d.description.en }),
  );
  const scored = scoreLabelledPairs(pairs as LabelledPair[], background);

  it('holds at least 60 labelled pairs of each kind', () => {
    expect(scored.length).toBeGreaterThanOrEqual(60);
    expect(new Set(scored.map((s) => s.label))).toEqual(
      new Set(['duplicate', 'complementary', 'unrelated']),
    );
  });
  it(`reaches precision ≥ 0.9 at recall ≥ 0.8 with the threshold ${DUPLICATE_THRESHOLD}`, () => {
    const q = quality(scored);
    expect(q.precision).toBeGreaterThanOrEqual(0.9);
    expect(q.recall).toBeGreaterThanOrEqual(0.8);
  });
  it('would fail with a careless threshold (the check can fail)', () => {
    expect(quality(scored, 0.3).precision).toBeLessThan(0.9);
    expect(quality(scored, 0.6).recall).toBeLessThan(0.8);
  });
});
