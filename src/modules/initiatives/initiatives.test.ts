import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  inferThemes,
  isOngoing,
  mapRegionAliases,
  normaliseInitiative,
  statusOn,
  type InitiativeRefs,
} from './initiatives.ts';
import { normaliseNeed } from './needs.ts';
import { bucket, hotspots, matrix } from './coverage.ts';
import { periodText, reasonsText } from './labels.ts';

const refs: InitiativeRefs = {
  countries: new Set(['GH', 'KE', 'SN']),
  regions: new Set(['western-africa', 'oceania']),
  organisations: new Map([['first', { id: 'o1', name: 'FIRST' }]]),
};

const good = {
  title: 'CERT training',
  description: 'Analysts learn triage.',
  implementers: 'first',
  funders: 'Ministry of Foreign Affairs of Somewhere',
  countries: 'gh; KE',
  themes: 'incident-management',
  startsOn: '2024-01-01',
  endsOn: '2025-06-30',
  status: 'implementation',
  budget: '250,000',
  currency: 'eur',
  outputs: 'Forty analysts trained | An exercise; with a twist',
  links: 'https://example.org/a https://example.org/b',
};

describe('normaliseInitiative', () => {
  it('cleans a CSV-like row: lists, codes, money, directory and outside organisations', () => {
    const { value, errors } = normaliseInitiative(good, refs);
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      countries: ['GH', 'KE'],
      budget: 250000,
      currency: 'EUR',
      outputs: ['Forty analysts trained', 'An exercise; with a twist'],
      links: ['https://example.org/a', 'https://example.org/b'],
    });
    expect(value!.participants).toEqual([
      { role: 'implementing', organisationId: 'o1', slug: 'first', name: 'FIRST', ref: null },
      {
        role: 'funding',
        organisationId: null,
        slug: null,
        name: 'Ministry of Foreign Affairs of Somewhere',
        ref: null,
      },
    ]);
  });
  it('reads multilingual titles and keeps the other languages as translations', () => {
    const { value } = normaliseInitiative(
      {
        ...good,
        title: { fr: 'Formation', en: 'Training' },
        description: { en: 'Text', fr: 'Texte' },
      },
      refs,
    );
    expect(value).toMatchObject({
      language: 'en',
      title: 'Training',
      description: 'Text',
      translations: { fr: { title: 'Formation', description: 'Texte' } },
    });
    const french = normaliseInitiative(
      { ...good, title: { fr: 'Formation' }, description: { fr: 'Texte' } },
      refs,
    ).value;
    expect(french).toMatchObject({ language: 'fr', title: 'Formation', translations: {} });
  });
  it('reports every problem of a bad row, each on its field', () => {
    const { value, errors } = normaliseInitiative(
      {
        title: '',
        description: '',
        implementers: 'no-such-org',
        countries: 'XX',
        regions: 'pacific',
        themes: 'hacking',
        cmm: 'x',
        startsOn: '2024-13-01',
        endsOn: '2023-01-01',
        status: 'ongoing',
        budget: '-5',
        currency: 'ZZZ',
        links: 'javascript:alert(1)',
        language: 'english',
      },
      refs,
      '/rows/7',
    );
    expect(value).toBeNull();
    const paths = errors.map((e) => e.path);
    for (const field of [
      'title',
      'description',
      'implementers',
      'countries',
      'regions',
      'themes',
      'cmm',
      'startsOn',
      'status',
      'budget',
      'currency',
      'links',
      'language',
    ])
      expect(paths).toContain(`/rows/7/${field}`);
    expect(errors.find((e) => e.path === '/rows/7/regions')!.message).toMatch(/oceania/);
  });
  it('refuses an end before the start', () => {
    const { errors } = normaliseInitiative(
      { ...good, startsOn: '2025-01-01', endsOn: '2024-01-01' },
      refs,
    );
    expect(errors.map((e) => e.path)).toEqual(['/endsOn']);
  });
  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'title',
            'description',
            'countries',
            'themes',
            'budget',
            'participants',
            'translations',
            'links',
            'startsOn',
          ),
          fc.anything(),
        ),
        (raw) => {
          const r = normaliseInitiative(raw, refs);
          return (r.value === null) === r.errors.length > 0;
        },
      ),
    );
  });
});

describe('status from dates', () => {
  const today = '2026-11-23';
  it('derives lifecycle states and keeps decisions', () => {
    expect(
      statusOn({ status: 'implementation', startsOn: '2027-01-01', endsOn: null }, today),
    ).toBe('pipeline');
    expect(
      statusOn({ status: 'pipeline', startsOn: '2025-01-01', endsOn: '2027-01-01' }, today),
    ).toBe('implementation');
    expect(
      statusOn({ status: 'implementation', startsOn: '2024-01-01', endsOn: '2026-06-30' }, today),
    ).toBe('completion');
    expect(
      statusOn({ status: 'implementation', startsOn: '2020-01-01', endsOn: '2023-06-30' }, today),
    ).toBe('post-completion');
    expect(
      statusOn({ status: 'cancelled', startsOn: '2025-01-01', endsOn: '2027-01-01' }, today),
    ).toBe('cancelled');
  });
  it('knows what is ongoing', () => {
    expect(
      isOngoing({ status: 'implementation', startsOn: '2026-01-01', endsOn: null }, today),
    ).toBe(true);
    expect(isOngoing({ status: 'suspended', startsOn: '2026-01-01', endsOn: null }, today)).toBe(
      false,
    );
  });
  it('maps old region names to M49 and drops "global"', () => {
    expect(mapRegionAliases(['pacific', 'global', 'middle-east', 'africa'])).toEqual([
      'oceania',
      'western-asia',
      'africa',
    ]);
  });
  it('infers themes from text for files that carry none', () => {
    expect(
      inferThemes('Training prosecutors on electronic evidence and the national CSIRT'),
    ).toEqual(expect.arrayContaining(['cybercrime', 'incident-management']));
    expect(inferThemes('A bakery')).toEqual([]);
  });
});

describe('needs', () => {
  const r = { countries: new Set(['SN']), languages: new Set(['fr', 'en']) };
  it('accepts a need and reports a bad one fully', () => {
    expect(
      normaliseNeed(
        { title: 'Judges course', country: 'sn', themes: ['cybercrime'], languages: 'fr, en' },
        r,
      ).value,
    ).toMatchObject({ country: 'SN', languages: ['fr', 'en'] });
    const { errors } = normaliseNeed(
      {
        title: '',
        themes: ['x'],
        languages: 'klingon',
        startsOn: '2027-02-01',
        endsOn: '2027-01-01',
      },
      r,
    );
    expect(errors.map((e) => e.path).sort()).toEqual(
      ['/country', '/endsOn', '/languages', '/themes', '/title'].sort(),
    );
  });
});

describe('coverage', () => {
  it('builds rows, keeps totals per place and finds hotspots', () => {
    const rows = matrix(
      [
        { key: 'GH', theme: 'cybercrime', n: 3 },
        { key: 'GH', theme: 'standards', n: 1 },
        { key: 'KE', theme: 'cybercrime', n: 1 },
      ],
      [
        { key: 'GH', name: 'Ghana' },
        { key: 'KE', name: 'Kenya' },
        { key: 'SN', name: 'Senegal' },
      ],
      ['cybercrime', 'standards'],
      new Map([
        ['GH', 3],
        ['KE', 1],
      ]),
      { keepEmpty: false },
    );
    expect(rows.map((r) => r.key)).toEqual(['GH', 'KE']);
    expect(rows[0]).toMatchObject({ counts: { cybercrime: 3, standards: 1 }, total: 3 });
    expect(hotspots(rows)).toEqual([{ key: 'GH', name: 'Ghana', theme: 'cybercrime', n: 3 }]);
    expect([0, 1, 2, 3, 4, 5, 40].map(bucket)).toEqual([0, 1, 2, 3, 3, 4, 4]);
  });
});

describe('reasons in words', () => {
  const t = (key: string, values?: Record<string, string | number>) => {
    const messages: Record<string, string> = {
      'initiatives.overlap.reasonScope': 'Both work on {themes} in {countries}{period}',
      'initiatives.overlap.reasonPeriod': ' in {period}',
      'initiatives.overlap.reasonText': 'descriptions {percent} % alike',
      'initiatives.overlap.reasonTerms': 'shared terms: {terms}',
      'initiatives.overlap.reasonTime': 'their periods coincide for {percent} %',
      'initiatives.theme.incident-management': 'incident management',
    };
    return (messages[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) =>
      String(values?.[k] ?? ''),
    );
  };
  it('says what both do, where and when, and how alike they are', () => {
    const reasons = reasonsText(
      {
        themes: ['incident-management'],
        countries: ['GH'],
        from: '2024-03-01',
        to: '2025-06-30',
        textSimilarity: 0.724,
        timeOverlap: 0.8,
        terms: ['CERT', 'triage'],
      },
      t,
      'en',
    );
    expect(reasons[0]).toBe('Both work on incident management in Ghana in 2024–2025');
    expect(reasons[1]).toBe('descriptions 72 % alike; shared terms: CERT, triage');
    expect(periodText('2024-01-01', '2024-05-01')).toBe('2024');
  });
});
