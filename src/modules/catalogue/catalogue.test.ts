import { describe, expect, it } from 'vitest';
import {
  checkResourceInput,
  diffSnapshots,
  isStale,
  snapshotOf,
  type ResourceInput,
} from './resources.ts';
import { availableActions, mayAct, mayEdit } from './workflow.ts';
import { parseSearch, recordFromParams, toQueryString } from './search-params.ts';
import { applyFit, decodeProfile, encodeProfile, weeklyHours } from './fit.ts';
import {
  anyTermQuery,
  cjkBigrams,
  highlightHtml,
  MARK_END,
  MARK_START,
  replaceWords,
  vocabulary,
} from './text.ts';
import { maskOf, regionCodes } from './indexing.ts';
import { csvHeader, csvRows, exportRecord, parseFile, sniffFormat } from './transfer.ts';
import { toResource } from './resources.present.ts';

const ctx = {
  languages: new Set(['en', 'fr', 'es', 'ru', 'ar', 'zh', 'pt']),
  countries: new Set(['GH', 'SN', 'FR']),
};

const valid = {
  kind: 'course',
  title: { en: 'Cyber diplomacy basics', fr: 'Les bases de la cyberdiplomatie' },
  summary: { en: 'A short course.' },
  url: 'https://example.org/course',
  providers: 'DiploFoundation; Saïd Business School, University of Oxford',
  themes: ['norms', 'international-law'],
  format: 'online-self-paced',
  cost: 'free',
  durationHours: '6',
  countries: 'gh, SN',
  certificate: 'yes',
};

describe('checking a resource', () => {
  it('normalises a valid resource from any source', () => {
    const result = checkResourceInput(valid, ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.providers).toEqual([
      'DiploFoundation',
      'Saïd Business School, University of Oxford',
    ]);
    expect(result.value.countries).toEqual(['GH', 'SN']);
    expect(result.value.durationHours).toBe(6);
    expect(result.value.certificate).toBe(true);
    // Offered in the languages of its title when none are given.
    expect(result.value.languages).toEqual(['en', 'fr']);
    expect(result.value.registration).toBe('direct');
  });

  it('reports every problem with its field', () => {
    const result = checkResourceInput(
      {
        ...valid,
        kind: 'webinar',
        title: {},
        url: 'ftp://example.org',
        themes: ['norms', 'astrology'],
        cost: 'paid',
        countries: 'XX',
        startsOn: '2026-05-02',
        endsOn: '2026-05-01',
        surprise: 1,
      },
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => e.path).sort();
    expect(paths).toEqual(
      ['/kind', '/title', '/url', '/themes', '/price', '/countries', '/endsOn', '/surprise'].sort(),
    );
  });

  it('refuses what is not an object', () => {
    expect(checkResourceInput('nope', ctx).ok).toBe(false);
    expect(checkResourceInput([valid], ctx).ok).toBe(false);
  });

  it('compares snapshots field by field', () => {
    const a = checkResourceInput(valid, ctx);
    const b = checkResourceInput({ ...valid, cost: 'funded', durationHours: 8 }, ctx);
    if (!a.ok || !b.ok) throw new Error('fixture');
    const changes = diffSnapshots(snapshotOf(a.value), snapshotOf(b.value));
    expect(changes.map((c) => c.field)).toEqual(['cost', 'durationHours']);
    expect(changes[1]).toMatchObject({ before: 6, after: 8 });
  });

  it('flags what nobody verified for a year', () => {
    const today = new Date('2026-11-23T10:00:00Z');
    expect(isStale('2025-11-22', today)).toBe(true);
    expect(isStale('2025-11-24', today)).toBe(false);
    expect(isStale(null, today)).toBe(true);
  });
});

describe('the editorial workflow', () => {
  const rep = { review: false, submit: true };
  const editor = { review: true, submit: true };
  const stranger = { review: false, submit: false };

  it('lets representatives submit and withdraw, and editors decide', () => {
    expect(availableActions(rep, 'draft')).toEqual(['submit']);
    expect(availableActions(rep, 'submitted')).toEqual(['withdraw']);
    expect(availableActions(editor, 'submitted')).toEqual([
      'withdraw',
      'request-changes',
      'publish',
      'archive',
    ]);
    expect(mayAct(rep, 'submitted', 'publish')).toBe(false);
    expect(mayAct(stranger, 'draft', 'submit')).toBe(false);
    expect(mayAct(editor, 'published', 'submit')).toBe(false);
    expect(mayAct(editor, 'archived', 'publish')).toBe(true);
  });

  it('freezes a submitted text for representatives but not for editors', () => {
    expect(mayEdit(rep, 'draft')).toBe(true);
    expect(mayEdit(rep, 'changes_requested')).toBe(true);
    expect(mayEdit(rep, 'submitted')).toBe(false);
    expect(mayEdit(rep, 'published')).toBe(false);
    expect(mayEdit(editor, 'published')).toBe(true);
  });
});

describe('search parameters', () => {
  it('accepts comma-separated and repeated values', () => {
    const parsed = parseSearch(
      recordFromParams(
        new URLSearchParams(
          'q=law&cost=free,scholarships&cost=funded&language=FR&maxHours=10&enrolmentOpen=true',
        ),
      ),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.cost).toEqual(['free', 'scholarships', 'funded']);
    expect(parsed.value.language).toEqual(['fr']);
    expect(parsed.value.maxHours).toBe(10);
    expect(parsed.value.enrolmentOpen).toBe(true);
    expect(toQueryString(parsed.value)).toBe(
      'q=law&cost=free%2Cscholarships%2Cfunded&language=fr&maxHours=10&enrolmentOpen=true',
    );
  });

  it('refuses unknown parameters and values', () => {
    const parsed = parseSearch({
      q: 'x',
      colour: 'red',
      theme: 'astrology',
      sort: 'random',
      pageSize: '500',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => e.path)).toEqual([
      '/querystring/colour',
      '/querystring/theme',
      '/querystring/sort',
      '/querystring/pageSize',
    ]);
  });
});

describe('fits me', () => {
  const base = parseSearch({});
  if (!base.ok) throw new Error('fixture');

  it('round-trips through its cookie and rejects tampered values', () => {
    const profile = {
      languages: ['fr', 'en'],
      budget: 'scholarships' as const,
      hoursPerWeek: 3,
      active: true,
    };
    expect(decodeProfile(encodeProfile(profile))).toEqual(profile);
    expect(decodeProfile('fr~millions~3~1')).toBeNull();
    expect(decodeProfile('fr~free~-1~1')).toBeNull();
    expect(encodeURIComponent(encodeProfile(profile))).toBe(encodeProfile(profile));
  });

  it('filters by language and budget unless the reader chose those filters', () => {
    const profile = { languages: ['fr'], budget: 'free' as const, hoursPerWeek: 2, active: true };
    const applied = applyFit(base.value, profile);
    expect(applied.params.language).toEqual(['fr']);
    expect(applied.params.cost).toEqual(['free', 'funded']);
    expect(applied.hoursPerWeek).toBe(2);
    const own = applyFit({ ...base.value, cost: ['paid'] }, profile);
    expect(own.params.cost).toEqual(['paid']);
    expect(own.cost).toBe(false);
    expect(applyFit(base.value, { ...profile, active: false }).params.language).toEqual([]);
  });

  it('spreads hours over the weeks a resource runs', () => {
    expect(weeklyHours(60, '2026-02-02', '2026-04-12')).toBeCloseTo(6, 0);
    expect(weeklyHours(8, null, null)).toBe(2);
    expect(weeklyHours(null, null, null)).toBeNull();
  });
});

describe('text analysis', () => {
  it('splits Chinese into overlapping bigrams', () => {
    expect(cjkBigrams('网络安全').trim()).toBe('网络 络安 安全');
    expect(cjkBigrams('APNIC学院：路由安全').replace(/\s+/g, ' ').trim()).toBe(
      'APNIC 学院 ： 路由 由安 安全',
    );
  });

  it('escapes highlighted text and marks only the matches', () => {
    expect(highlightHtml(`a <b> ${MARK_START}law${MARK_END} & more`)).toBe(
      'a &lt;b&gt; <mark>law</mark> &amp; more',
    );
  });

  it('builds any-term queries and replaces misspelt words', () => {
    expect(anyTermQuery('"incident response" -spam or cert')).toBe(
      'incident or response or spam or cert',
    );
    expect(replaceWords('Cybercrme training', new Map([['cybercrme', 'cybercrime']]))).toBe(
      'cybercrime training',
    );
    expect(vocabulary(['Sécurité des réseaux, 2025'])).toEqual(['securite', 'reseaux']);
  });

  it('encodes vocabularies as bit masks and countries as regions', () => {
    expect(maskOf(['b', 'd'], ['a', 'b', 'c', 'd'])).toBe(0b1010);
    const regions = new Map([
      [
        'GH',
        { region: 'africa', subRegion: 'sub-saharan-africa', intermediateRegion: 'western-africa' },
      ],
    ]);
    expect(regionCodes({ regions: ['asia'], countries: ['GH'] }, regions).sort()).toEqual([
      'africa',
      'asia',
      'sub-saharan-africa',
      'western-africa',
    ]);
  });
});

describe('file formats', () => {
  const checked = checkResourceInput({ ...valid, description: 'Line "one", line two' }, ctx);
  if (!checked.ok) throw new Error('fixture');
  const input: ResourceInput = checked.value;
  const resource = toResource(
    {
      id: '0190b6a4-0000-7000-8000-000000000001',
      slug: 'cyber-diplomacy-basics',
      external_id: 'x-1',
      kind: input.kind,
      status: 'published',
      title: input.title,
      summary: input.summary,
      description: input.description,
      description_language: 'en',
      url: input.url,
      themes: input.themes,
      audiences: [],
      level: null,
      format: input.format,
      registration: input.registration,
      cost: input.cost,
      price: null,
      currency: null,
      eligibility: null,
      duration_hours: 6,
      languages: input.languages,
      regions: [],
      countries: input.countries,
      starts_on: null,
      ends_on: null,
      enrol_by: null,
      certificate: true,
      accessibility: null,
      verified_at: '2026-01-01',
      organisation_id: null,
      created_by: null,
      revision: 1,
      review_note: null,
      link_status: 'unchecked',
      link_http_status: null,
      link_location: null,
      link_error: null,
      link_failures: 0,
      link_checked_at: null,
      is_demo: false,
      created_at: new Date('2026-01-01T00:00:00Z'),
      updated_at: new Date('2026-01-01T00:00:00Z'),
      published_at: new Date('2026-01-01T00:00:00Z'),
    },
    input.providers.map((name) => ({ name, organisationId: null })),
    new Map(),
  );

  it('writes CSV that reads back into the same resource', () => {
    const header = csvHeader();
    const text = `${header.join(',')}\n${csvRows([resource], header)}`;
    const parsed = parseFile(text, 'csv');
    expect(parsed.errors).toEqual([]);
    const again = checkResourceInput(parsed.records[0], ctx);
    expect(
      again.ok &&
        diffSnapshots(
          snapshotOf(again.value),
          snapshotOf({ ...input, externalId: 'x-1', verifiedAt: '2026-01-01' }),
        ),
    ).toEqual([]);
  });

  it('writes JSON and NDJSON that read back', () => {
    const json = parseFile(JSON.stringify([exportRecord(resource)]), 'json');
    const ndjson = parseFile(`${JSON.stringify(exportRecord(resource))}\n`, 'ndjson');
    for (const parsed of [json, ndjson]) {
      expect(parsed.errors).toEqual([]);
      expect(checkResourceInput(parsed.records[0], ctx).ok).toBe(true);
    }
  });

  it('names unknown CSV columns and broken JSON', () => {
    expect(parseFile('kind,colour\ncourse,red\n', 'csv').errors[0]?.message).toMatch(/colour/);
    expect(parseFile('[{"kind":', 'json').errors[0]?.message).toMatch(/Not valid JSON/);
    expect(sniffFormat(' [1]')).toBe('json');
    expect(sniffFormat('{"a":1}\n{"a":2}\n')).toBe('ndjson');
    expect(sniffFormat('kind,url\n')).toBe('csv');
  });
});

describe('synonyms of the field', () => {
  it('runs a query with each equivalent phrase in place of the one typed', async () => {
    const { expandSynonyms } = await import('./synonyms.ts');
    expect(expandSynonyms('Incident response training')).toEqual([
      'Incident response training',
      'incident handling training',
      'csirt training',
      'cert training',
    ]);
    expect(expandSynonyms('OEWG')).toEqual(['OEWG', 'open ended working group']);
    // Whole words only: "certificate" is not "cert".
    expect(expandSynonyms('certificate courses')).toEqual(['certificate courses']);
  });
});
