import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseFeed } from '@rowanmanning/feed-parser';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemo } from '../../runtime.ts';
import { evaluate } from '../../../bench/lib/relevance.ts';
import {
  catalogueChangesSince,
  resourcesByProvider,
  resourcesForCountry,
  resourcesMatching,
} from './index.ts';

type Item = {
  slug: string;
  cost: string;
  format: string;
  languages: string[];
  durationHours: number | null;
  themes: string[];
  enrolBy: string | null;
  publishedAt: string;
  highlight?: string | null;
};
type Page = {
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
  facets: Record<string, Array<{ value: string; count: number }>>;
  correctedQuery: string | null;
};

describe.each(databaseKinds())('catalogue search on %s', (kind) => {
  let env: TestEnv;
  const search = async (query: string): Promise<Page> => {
    const response = await env.app.inject(`/api/v1/resources?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Page;
  };

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemo(env.deps);
  });
  afterAll(async () => env?.close());

  it('answers the practitioner: free, self-paced, in French, under 10 hours, international law', async () => {
    const page = await search(
      'q=international+law&cost=free&format=online-self-paced&language=fr&maxHours=10&theme=international-law',
    );
    const slugs = page.items.map((i) => i.slug);
    expect(slugs).toContain('icrc-cyberoperations-dih-module-autoformation');
    expect(slugs).toContain('unoda-cyberdiplomacy-e-learning');
    for (const item of page.items) {
      expect(item.cost).toBe('free');
      expect(item.format).toBe('online-self-paced');
      expect(item.languages).toContain('fr');
      expect(item.durationHours).toBeLessThanOrEqual(10);
      expect(item.themes).toContain('international-law');
    }
    expect(page.total).toBe(page.items.length);
    expect(page.items[0]?.highlight).toMatch(/<mark>/);
  });

  it('counts each facet given the other filters', async () => {
    const base = 'q=cybercrime&cost=free&language=en';
    const page = await search(base);
    // A facet value's count is the total the search would have with that value chosen instead.
    for (const value of page.facets.format!) {
      const alone = await search(`${base}&format=${value.value}`);
      expect(value.count, `format=${value.value}`).toBe(alone.total);
    }
    for (const value of page.facets.cost!) {
      const swapped = await search(`q=cybercrime&language=en&cost=${value.value}`);
      expect(value.count, `cost=${value.value}`).toBe(swapped.total);
    }
    for (const value of page.facets.language!.slice(0, 4)) {
      const swapped = await search(`q=cybercrime&cost=free&language=${value.value}`);
      expect(value.count, `language=${value.value}`).toBe(swapped.total);
    }
    const free = page.facets.cost!.find((v) => v.value === 'free');
    expect(free?.count).toBe(page.total);
    // "Free or scholarship": a list is any of its values.
    const either = await search('q=cybercrime&language=en&cost=free,scholarships');
    const scholarships = page.facets.cost!.find((v) => v.value === 'scholarships')?.count ?? 0;
    expect(either.total).toBe(page.total + scholarships);
  });

  it('finds cybercrime when the query says "cybercrme"', async () => {
    const page = await search('q=cybercrme');
    expect(page.correctedQuery).toBe('cybercrime');
    expect(page.total).toBeGreaterThan(10);
    expect(page.items.map((i) => i.slug)).toContain(
      'unodc-e4j-university-module-series-cybercrime',
    );
  });

  it('ignores accents in both directions', async () => {
    const plain = await search('q=securite');
    const accented = await search('q=s%C3%A9curit%C3%A9');
    expect(plain.total).toBeGreaterThan(0);
    expect(plain.total).toBe(accented.total);
    const criminalite = await search('q=cybercriminalite');
    expect(criminalite.items.map((i) => i.slug)).toContain(
      'ecowas-regional-cybersecurity-cybercrime-strategy',
    );
  });

  it('searches every language with its own stemming, Chinese by bigrams', async () => {
    const cases: Array<[string, string]> = [
      ['киберпреступности', 'unodc-e4j-cybercrime-modules-ru'],
      ['الجرائم السيبرانية', 'unodc-e4j-cybercrime-modules-ar'],
      ['网络安全', 'itu-academy-cybersecurity-fundamentals-zh'],
      ['estrategias nacionales', 'oas-guia-estrategias-nacionales-ciberseguridad'],
      ['diplomates', 'unitar-cybersecurite-et-diplomatie-notions-essentielles'],
    ];
    for (const [q, slug] of cases) {
      const page = await search(`q=${encodeURIComponent(q)}`);
      expect(
        page.items.map((i) => i.slug),
        q,
      ).toContain(slug);
    }
    const french = await search('language=fr&pageSize=100');
    expect(french.total).toBeGreaterThan(20);
    expect(french.items.every((i) => i.languages.includes('fr'))).toBe(true);
  });

  it('answers unknown or malformed parameters with 400, on the API and the page', async () => {
    const unknown = await env.app.inject('/api/v1/resources?q=law&colour=red');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toBe('Unknown query parameter: colour.');
    const badValue = await env.app.inject('/api/v1/resources?theme=astrology');
    expect(badValue.statusCode).toBe(400);
    expect(badValue.json().errors[0].path).toBe('/querystring/theme');
    expect((await env.app.inject('/api/v1/resources?pageSize=101')).statusCode).toBe(400);
    expect((await env.app.inject('/api/v1/resources?sort=random')).statusCode).toBe(400);
    const page = await env.app.inject({
      url: '/catalogue?q=law&colour=red',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('colour');
  });

  it('sorts by newest and by soonest deadline, and pages', async () => {
    const newest = await search('sort=newest&pageSize=30');
    const dates = newest.items.map((i) => i.publishedAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    const deadline = await search('sort=deadline&enrolmentOpen=true&pageSize=50');
    const today = new Date().toISOString().slice(0, 10);
    const upcoming = deadline.items.filter((i) => i.enrolBy).map((i) => i.enrolBy!);
    expect(upcoming.length).toBeGreaterThan(0);
    expect([...upcoming].sort()).toEqual(upcoming);
    expect(upcoming.every((d) => d >= today)).toBe(true);
    const first = await search('q=cyber&pageSize=5');
    const second = await search('q=cyber&pageSize=5&page=2');
    expect(second.total).toBe(first.total);
    const overlap = second.items.filter((i) => first.items.some((j) => j.slug === i.slug));
    expect(overlap).toEqual([]);
  });

  it('renders the search page as a plain form with facets, highlights and a feed', async () => {
    const response = await env.app.inject({
      url: '/catalogue?q=international+law&cost=free&language=fr',
      headers: { accept: 'text/html' },
    });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain('<form method="get" action="/catalogue" role="search"');
    expect(html).toMatch(/name="cost" value="free" checked/);
    expect(html).toContain('<mark>');
    expect(html).toContain('type="application/atom+xml"');
    const feed = await env.app.inject('/catalogue.atom?q=cybercrime&cost=free');
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/application\/atom\+xml/);
    const parsed = parseFeed(feed.body);
    expect(parsed.items.length).toBeGreaterThan(3);
    expect(parsed.items[0]?.url).toMatch(/\/resources\//);
  });

  it('exports the same resources as the search, in formats that parse back', async () => {
    const query = 'q=cybercrime&cost=free';
    const { total } = await search(query);
    const csv = await env.app.inject(`/api/v1/resources/export.csv?${query}`);
    expect(csv.statusCode).toBe(200);
    const rows = parseCsv(csv.body, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(total);
    expect(rows.every((r) => r.cost === 'free')).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(
      expect.arrayContaining(['title_en', 'summary_fr', 'themes']),
    );
    const json = await env.app.inject(`/api/v1/resources/export.json?${query}`);
    const records = JSON.parse(json.body) as Array<{ slug: string; title: Record<string, string> }>;
    expect(records).toHaveLength(total);
    const ndjson = await env.app.inject(`/api/v1/resources/export.ndjson?${query}`);
    const lines = ndjson.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { slug: string });
    expect(lines.map((l) => l.slug)).toEqual(records.map((r) => r.slug));
    expect((await env.app.inject('/api/v1/resources/export.csv?nope=1')).statusCode).toBe(400);
  });

  it('shows a resource with schema.org data, its provider and related resources', async () => {
    const response = await env.app.inject({
      url: '/resources/introduction-to-cyber-diplomacy',
      headers: { accept: 'text/html' },
    });
    expect(response.statusCode).toBe(200);
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(response.body)?.[1];
    const data = JSON.parse(ld!) as Record<string, unknown>;
    expect(data['@type']).toBe('Course');
    expect(data.provider).toMatchObject({ '@type': 'Organization', name: 'DiploFoundation' });
    expect(data.hasCourseInstance).toMatchObject({ courseMode: 'online', courseWorkload: 'PT60H' });
    expect(response.body).toContain('href="/organisations/diplofoundation"');
    expect(response.body).toContain('id="related-heading"');
    const publication = await env.app.inject({
      url: '/resources/tallinn-manual-2-0',
      headers: { accept: 'text/html' },
    });
    expect(publication.body).toContain('"@type":"CreativeWork"');
    const api = await env.app.inject('/api/v1/resources/introduction-to-cyber-diplomacy');
    expect(api.json().providers).toEqual([
      { name: 'DiploFoundation', organisation: 'diplofoundation' },
    ]);
    expect((await env.app.inject('/api/v1/resources/no-such-thing')).statusCode).toBe(404);
  });

  it('ranks and filters with a "fits me" profile kept in a cookie', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/catalogue/profile');
    const saved = await agent.postForm('/catalogue/profile', {
      languages: ['es'],
      budget: 'free',
      hoursPerWeek: '2',
    });
    expect(saved.statusCode).toBe(303);
    expect(agent.cookie('cc_fit')).toBeTruthy();
    const page = await agent.get('/catalogue');
    expect(page.body).toContain('Fitted to you');
    const spanish = await search('language=es&cost=free,funded&pageSize=100');
    expect(page.body).toContain(`${spanish.total} resources found`);
    const bad = await agent.postForm('/catalogue/profile', {
      budget: 'millions',
      hoursPerWeek: '-3',
    });
    expect(bad.statusCode).toBe(422);
    await agent.get('/catalogue');
    await agent.postForm('/catalogue/profile/active', { active: '0', back: '/catalogue' });
    const everything = await agent.get('/catalogue');
    expect(everything.body).toContain('Your profile is paused');
  });

  it('serves other modules: by country, by provider, for needs, changes since', async () => {
    const ctx = env.ctx();
    const fiji = await resourcesForCountry(ctx, 'FJ', ['en']);
    expect(fiji.length).toBeGreaterThan(0);
    expect(fiji.every((r) => r.languages.includes('en'))).toBe(true);
    const itu = await resourcesByProvider(ctx, 'itu');
    expect(itu.length).toBeGreaterThan(3);
    expect(itu.every((r) => r.providers.includes('ITU'))).toBe(true);
    const matching = await resourcesMatching(ctx, {
      themes: ['cybercrime'],
      languages: ['fr'],
      countries: ['SN'],
      limit: 5,
    });
    expect(matching.length).toBeGreaterThan(0);
    expect(
      matching.every((r) => r.themes.includes('cybercrime') && r.languages.includes('fr')),
    ).toBe(true);
    const recent = await catalogueChangesSince(
      ctx,
      new URLSearchParams('q=cybercrime&cost=free'),
      new Date(Date.now() - 3600_000),
      5,
    );
    expect(recent).toHaveLength(5);
    expect(recent[0]).toMatchObject({ path: expect.stringMatching(/^\/resources\//) });
    const none = await catalogueChangesSince(
      ctx,
      new URLSearchParams('q=cybercrime'),
      new Date(),
      5,
    );
    expect(none).toEqual([]);
    await expect(
      catalogueChangesSince(ctx, new URLSearchParams('colour=red'), new Date(), 5),
    ).rejects.toThrow(/Unknown query parameter/);
  });

  it('counts the catalogue on the home page', async () => {
    const home = await env.app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(home.body).toContain('166 training courses, tools and resources');
  });

  it('reaches nDCG@10 of at least 0.85 over the judged queries', async () => {
    const { mean } = await evaluate(env.ctx());
    expect(mean).toBeGreaterThanOrEqual(0.85);
  });
});
