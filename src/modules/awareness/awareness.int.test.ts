import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import ICAL from 'ical.js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { calendarEvents as events } from '../../../test/helpers/awareness.ts';
import {
  askedAs,
  createWidgetsTable,
  putWidget,
  widgetsModule,
} from '../../../test/fixtures/widgets-module.ts';
import { ManualClock } from '../../platform/clock.ts';
import { enqueueJob, JobRunner } from '../../platform/jobs.ts';
import { registerExtension } from './index.ts';

const BASE = 'https://commons.example';

function calendarName(text: string): string {
  return String(
    new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstPropertyValue('x-wr-calname'),
  );
}

function html(agent: TestAgent, url: string) {
  return agent.get(url);
}

describe.each(databaseKinds())('awareness pages and feeds on %s', (kind) => {
  let env: TestEnv;
  let unregister: () => void;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock, config: { baseUrl: BASE } });
    await createWidgetsTable(env.deps.db);
    unregister = registerExtension(widgetsModule);
    await putWidget(env.deps.db, {
      slug: 'norms-guide',
      title: 'A guide to the eleven norms',
      summary: 'How states report on the 2015 norms.',
      tag: 'norms',
      at: new Date('2026-11-20T10:00:00Z'),
    });
    await putWidget(env.deps.db, {
      slug: 'norms-report',
      title: 'Norms report & review',
      tag: 'norms',
      at: new Date('2026-11-21T10:00:00Z'),
    });
    await putWidget(env.deps.db, {
      slug: 'cbm-toolkit',
      title: 'CBM toolkit',
      tag: 'cbm',
      at: new Date('2026-11-22T10:00:00Z'),
    });
  });
  afterAll(async () => {
    unregister?.();
    await env?.close();
  });

  describe('saved searches (/account/alerts)', () => {
    let alice: TestUser;
    let agent: TestAgent;

    it('asks anonymous visitors to sign in', async () => {
      const response = await new TestAgent(env.app).get('/account/alerts');
      expect(response.statusCode).toBe(401);
    });

    it('saves a search from the form, then lists it (POST → redirect → GET)', async () => {
      alice = await createTestUser(env, [], 'Alice Example');
      agent = await signedInAgent(env, alice);
      const empty = await html(agent, '/account/alerts');
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain('You have no saved searches yet');
      const saved = await agent.postForm('/account/alerts', {
        kind: 'widgets',
        query: 'tag=norms&page=2',
        alertLabel: '',
        alertFrequency: 'daily',
      });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/account/alerts?done=saved');
      const list = await html(agent, '/account/alerts?done=saved');
      expect(list.body).toContain('Your search is saved.');
      expect(list.body).toContain('Widgets: tag: norms');
      expect(list.body).toContain('href="/widgets?tag=norms"');
      expect(list.body).toMatch(/<option value="daily" selected>Every day<\/option>/);
      expect(list.body).toContain('href="/feeds/widgets.atom?tag=norms"');
      // Saving the same search again updates it rather than duplicating it.
      await agent.postForm('/account/alerts', {
        kind: 'widgets',
        query: 'tag=norms',
        alertLabel: 'Norms watch',
        alertFrequency: 'weekly',
      });
      const rows = await env.deps.db
        .selectFrom('saved_searches')
        .select(['label', 'frequency', 'query', 'locale'])
        .where('user_id', '=', alice.id)
        .execute();
      expect(rows).toEqual([
        { label: 'Norms watch', frequency: 'weekly', query: 'tag=norms', locale: 'en' },
      ]);
    });

    it('shows the form again with the errors beside the fields and the values kept (422)', async () => {
      await html(agent, '/account/alerts');
      const response = await agent.postForm('/account/alerts', {
        kind: 'no-such-kind',
        query: 'x=1',
        alertLabel: 'My label',
        alertFrequency: 'hourly',
      });
      expect(response.statusCode).toBe(422);
      expect(response.body).toContain('Choose one of the offered values.');
      expect(response.body).toContain('id="error-alertFrequency"');
      expect(response.body).toContain('value="My label"');
      const unknownKind = await agent.postForm('/account/alerts', {
        kind: 'no-such-kind',
        query: 'x=1',
        alertFrequency: 'daily',
      });
      expect(unknownKind.statusCode).toBe(422);
      expect(unknownKind.body).toContain('This kind of search cannot be saved.');
      // The form shown again offers the search's feed to feed readers too.
      expect(unknownKind.body).toContain('rel="alternate" type="application/atom+xml"');
    });

    it('changes and deletes a saved search; nobody else may', async () => {
      const [row] = await env.deps.db
        .selectFrom('saved_searches')
        .select('id')
        .where('user_id', '=', alice.id)
        .execute();
      const id = row!.id;
      const bruno = await createTestUser(env, [], 'Bruno');
      const intruder = await signedInAgent(env, bruno);
      await html(intruder, '/account/alerts');
      expect(
        (await intruder.postForm(`/account/alerts/${id}`, { alertFrequency: 'off' })).statusCode,
      ).toBe(404);
      expect((await intruder.postForm(`/account/alerts/${id}/delete`, {})).statusCode).toBe(404);

      await html(agent, '/fr/account/alerts');
      const changed = await agent.postForm(`/fr/account/alerts/${id}`, { alertFrequency: 'daily' });
      expect(changed.statusCode).toBe(303);
      expect(changed.headers.location).toBe('/fr/account/alerts?done=updated');
      const bad = await agent.postForm(`/account/alerts/${id}`, { alertFrequency: 'often' });
      expect(bad.statusCode).toBe(422);
      const deleted = await agent.postForm(`/account/alerts/${id}/delete`, {});
      expect(deleted.statusCode).toBe(303);
      expect(
        await env.deps.db.selectFrom('saved_searches').select('id').where('id', '=', id).execute(),
      ).toEqual([]);
      const actions = await env.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action)).toEqual([
        'saved-search.create',
        'saved-search.update',
        'saved-search.update',
        'saved-search.delete',
      ]);
    });
  });

  describe('calendars', () => {
    it('publishes every public deadline, and one process’s or event’s own', async () => {
      const all = await env.app.inject('/calendar/deadlines.ics');
      expect(all.statusCode).toBe(200);
      expect(all.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(events(all.body)).toEqual([
        {
          uid: 'oewg-accreditation-2026@commons.example',
          summary: 'OEWG: period for objections to accreditation ends',
          start: '2026-12-01T23:59:00.000Z',
          end: '2026-12-01T23:59:00.000Z',
          url: `${BASE}/en/processes/oewg/register`,
          categories: ['Non-objection period ends'],
        },
        {
          uid: 'igf-2026-call@commons.example',
          summary: 'IGF 2026: workshop proposals close',
          start: '2026-12-15T12:00:00.000Z',
          end: '2026-12-15T12:00:00.000Z',
          url: `${BASE}/en/events/igf-2026/call`,
          categories: ['Call for proposals closes'],
        },
      ]);
      expect(calendarName(all.body)).toBe('Capacity Commons: public deadlines');
      const oewg = events((await env.app.inject('/calendar/processes/oewg.ics')).body);
      expect(oewg.map((e) => e.uid)).toEqual(['oewg-accreditation-2026@commons.example']);
      const igf = events((await env.app.inject('/fr/calendar/events/igf-2026.ics')).body);
      expect(igf.map((e) => e.url)).toEqual([`${BASE}/fr/events/igf-2026/call`]);
      expect((await env.app.inject('/calendar/things/x.ics')).statusCode).toBe(400);
    });

    it('gives each person a private calendar at a secret URL they can reset and turn off', async () => {
      const chen = await createTestUser(env, [], 'Chen Example');
      const agent = await signedInAgent(env, chen);
      const before = await html(agent, '/account/calendar');
      expect(before.body).toContain('Make my private calendar address');
      expect((await agent.postForm('/account/calendar', { action: 'reset' })).statusCode).toBe(303);
      const page = await html(agent, '/account/calendar?done=reset');
      const url = /value="(https:\/\/commons\.example\/calendar\/[\w-]{43}\.ics)"/.exec(
        page.body,
      )?.[1];
      expect(url).toBeTruthy();
      expect(page.body).toContain(`href="${url!.replace('https:', 'webcal:')}"`);
      const path = new URL(url!).pathname;

      // A calendar app has no session: the secret in the URL is enough.
      const feed = await env.app.inject(path);
      expect(feed.statusCode).toBe(200);
      expect(feed.headers['cache-control']).toBe('private, max-age=300');
      const mine = events(feed.body);
      expect(mine.map((e) => e.summary)).toEqual([
        'OEWG: period for objections to accreditation ends',
        'Your workshop: Cyber norms in practice',
        'IGF 2026: workshop proposals close',
      ]);
      expect(mine[1]).toMatchObject({
        uid: `session-${chen.id}@commons.example`,
        start: '2026-12-10T09:00:00.000Z',
        end: '2026-12-10T10:30:00.000Z',
      });
      expect(calendarName(feed.body)).toBe('Capacity Commons: deadlines for Chen Example');
      // Another person's calendar does not show Chen's session.
      const publicOnly = events((await env.app.inject('/calendar/deadlines.ics')).body);
      expect(publicOnly.map((e) => e.uid)).not.toContain(`session-${chen.id}@commons.example`);

      await agent.postForm('/account/calendar', { action: 'reset' });
      expect((await env.app.inject(path)).statusCode).toBe(404);
      const newPage = await html(agent, '/account/calendar');
      const newUrl = /value="https:\/\/commons\.example(\/calendar\/[\w-]{43}\.ics)"/.exec(
        newPage.body,
      )![1]!;
      expect(newUrl).not.toBe(path);
      expect((await env.app.inject(newUrl)).statusCode).toBe(200);
      expect((await html(agent, '/account/calendar')).body).toContain(
        'Last read by a calendar app',
      );

      await agent.postForm('/account/calendar', { action: 'revoke' });
      expect((await env.app.inject(newUrl)).statusCode).toBe(404);
      expect((await env.app.inject('/calendar/not-a-token.ics')).statusCode).toBe(404);
    });
  });

  describe('feeds', () => {
    it('serves any saveable search as an Atom feed that feed readers parse', async () => {
      const response = await env.app.inject('/feeds/widgets.atom?tag=norms&page=4');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      const feed = parseFeed(response.body);
      expect(feed.meta.type).toBe('atom');
      expect(feed.title).toBe('Capacity Commons: Widgets (tag: norms)');
      expect(feed.self).toBe(`${BASE}/feeds/widgets.atom?tag=norms`);
      expect(feed.url).toBe(`${BASE}/widgets?tag=norms`);
      expect(feed.updated?.toISOString()).toBe('2026-11-21T10:00:00.000Z');
      expect(
        feed.items.map((i) => ({
          id: i.id,
          title: i.title,
          url: i.url,
          updated: i.updated?.toISOString(),
        })),
      ).toEqual([
        {
          id: `${BASE}/widgets/norms-report`,
          title: 'Norms report & review',
          url: `${BASE}/widgets/norms-report`,
          updated: '2026-11-21T10:00:00.000Z',
        },
        {
          id: `${BASE}/widgets/norms-guide`,
          title: 'A guide to the eleven norms',
          url: `${BASE}/widgets/norms-guide`,
          updated: '2026-11-20T10:00:00.000Z',
        },
      ]);
      expect(feed.items[1]?.description).toBe('How states report on the 2015 norms.');

      const french = parseFeed((await env.app.inject('/fr/feeds/widgets.atom')).body);
      expect(french.language).toBe('fr');
      expect(french.items).toHaveLength(3);
      expect(french.items[0]?.url).toBe(`${BASE}/fr/widgets/cbm-toolkit`);
      expect((await env.app.inject('/feeds/nothing.atom')).statusCode).toBe(404);

      // An administrator's request is answered as the public's: feeds are cached publicly.
      const admin = await signedInAgent(
        env,
        await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]),
      );
      askedAs.length = 0;
      expect((await admin.get('/feeds/widgets.atom')).statusCode).toBe(200);
      expect((await admin.get('/sitemap.xml')).statusCode).toBe(200);
      expect((await admin.get('/calendar/deadlines.ics')).statusCode).toBe(200);
      expect(askedAs).toEqual(['anonymous', 'anonymous', 'anonymous']);
    });
  });

  describe('discoverability', () => {
    it('lists every public page in /sitemap.xml with its language versions', async () => {
      const response = await env.app.inject('/sitemap.xml');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(XMLValidator.validate(response.body)).toBe(true);
      const doc = new XMLParser({
        ignoreAttributes: false,
        isArray: (name) => ['url', 'xhtml:link'].includes(name),
      }).parse(response.body);
      const urls = doc.urlset.url as Array<{
        loc: string;
        lastmod?: string;
        'xhtml:link': Array<Record<string, string>>;
      }>;
      // Other modules add their own pages; the test module's are exactly these.
      expect(urls[0]!.loc).toBe(`${BASE}/`);
      expect(urls.map((u) => u.loc).filter((loc) => loc.includes('/widgets/'))).toEqual([
        `${BASE}/widgets/cbm-toolkit`,
        `${BASE}/widgets/norms-guide`,
        `${BASE}/widgets/norms-report`,
        `${BASE}/widgets/english-only`,
      ]);
      const guide = urls.find((u) => u.loc === `${BASE}/widgets/norms-guide`)!;
      expect(guide.lastmod).toBe('2026-11-20T10:00:00.000Z');
      expect(guide['xhtml:link'].map((l) => [l['@_hreflang'], l['@_href']])).toEqual([
        ['en', `${BASE}/en/widgets/norms-guide`],
        ['fr', `${BASE}/fr/widgets/norms-guide`],
        ['es', `${BASE}/es/widgets/norms-guide`],
        ['ru', `${BASE}/ru/widgets/norms-guide`],
        ['zh', `${BASE}/zh/widgets/norms-guide`],
        ['ar', `${BASE}/ar/widgets/norms-guide`],
        ['x-default', `${BASE}/widgets/norms-guide`],
      ]);
      expect(urls[0]!['xhtml:link'].find((l) => l['@_hreflang'] === 'fr')?.['@_href']).toBe(
        `${BASE}/fr`,
      );
      const englishOnly = urls.find((u) => u.loc === `${BASE}/widgets/english-only`)!;
      expect(englishOnly['xhtml:link'].map((l) => l['@_hreflang'])).toEqual(['en', 'x-default']);
      expect((await env.app.inject('/sitemap-1.xml')).statusCode).toBe(200);
      expect((await env.app.inject('/sitemap-2.xml')).statusCode).toBe(404);
    });

    it('serves robots.txt pointing at the sitemap on BASE_URL', async () => {
      const response = await env.app.inject('/robots.txt');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.body).toContain(`Sitemap: ${BASE}/sitemap.xml`);
      expect(response.body).toContain('Disallow: /account');
      expect(response.body).toContain('Disallow: /calendar/');
    });

    it('gives every page a self-canonical URL, hreflang alternates with x-default, and Open Graph tags', async () => {
      const fr = (await env.app.inject({ url: '/fr/', headers: { accept: 'text/html' } })).body;
      expect(fr).toContain(`<link rel="canonical" href="${BASE}/fr"/>`);
      for (const locale of ['ar', 'zh', 'en', 'fr', 'ru', 'es']) {
        expect(fr).toContain(
          `<link rel="alternate" hreflang="${locale}" href="${BASE}/${locale}"/>`,
        );
      }
      expect(fr).toContain(`<link rel="alternate" hreflang="x-default" href="${BASE}/"/>`);
      expect(fr).toContain(`<meta property="og:url" content="${BASE}/fr"/>`);
      expect(fr).toContain('<meta property="og:locale" content="fr_FR"/>');
      expect(fr).toContain('<meta property="og:locale:alternate" content="ar_AR"/>');
      expect(fr).toContain('<meta property="og:site_name" content="Capacity Commons"/>');
      expect(fr).toContain('<meta property="og:type" content="website"/>');
      const plain = (
        await env.app.inject({
          url: '/',
          headers: { accept: 'text/html', 'accept-language': 'en' },
        })
      ).body;
      expect(plain).toContain(`<link rel="canonical" href="${BASE}/"/>`);
      expect(plain).toContain(`<link rel="alternate" hreflang="en" href="${BASE}/en"/>`);
    });
  });

  describe('jobs admin (/admin/jobs)', () => {
    it('is for those who may manage jobs; shows failures; retries a dead job', async () => {
      const plain = await signedInAgent(env, await createTestUser(env));
      expect((await plain.get('/admin/jobs')).statusCode).toBe(403);

      const id = (await enqueueJob(
        env.deps.db,
        clock.now(),
        'test.broken',
        { n: 1 },
        { maxAttempts: 1 },
      ))!;
      const runner = new JobRunner(env.deps, {
        handlers: {
          'test.broken': async () => {
            throw new Error('the link checker could not reach the server');
          },
        },
        schedules: [],
      });
      expect((await runner.runDue()).dead).toBe(1);

      const admin = await signedInAgent(
        env,
        await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]),
      );
      const page = await admin.get('/admin/jobs?status=dead');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('the link checker could not reach the server');
      expect(page.body).toContain(`href="/admin/jobs/${id}"`);
      const detail = await admin.get(`/admin/jobs/${id}`);
      expect(detail.body).toContain('Retry this job');
      expect(detail.body).toContain('Attempt 1 failed');
      const retried = await admin.postForm(`/admin/jobs/${id}/retry`, {});
      expect(retried.statusCode).toBe(303);
      expect(retried.headers.location).toBe('/admin/jobs?done=retried');
      const job = await env.deps.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ status: 'queued', attempts: 0 });
      expect((await admin.postForm(`/admin/jobs/${id}/retry`, {})).statusCode).toBe(409);
      expect((await admin.get('/admin/jobs/not-an-id')).statusCode).toBe(404);
      const audit = await env.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', id)
        .execute();
      expect(audit).toEqual([{ action: 'job.retry' }]);
    });
  });
});
