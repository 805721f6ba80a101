/**
 * Anonymous catalogue answers are kept and served again only while nothing they show has changed:
 * every write to published data, in any process, through the services or straight in SQL, and
 * the turn of the day make the next answer a fresh one. Personal answers are never kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { organisationsModule } from '../organisations/index.ts';
import { createResource, transition, updateResource } from './index.ts';
import { FIT_COOKIE } from './fit.ts';

const course = (title: string, url: string) => ({
  kind: 'course',
  title: { en: title },
  summary: { en: `A course on ${title.toLowerCase()}.` },
  url,
  providers: ['ITU'],
  themes: ['norms'],
  audiences: ['diplomats'],
  format: 'online-self-paced',
  cost: 'free',
  durationHours: 4,
});

describe.each(databaseKinds())('catalogue response cache on %s', (kind) => {
  let env: TestEnv;
  let editor: TestUser;
  let id: string;
  const clock = new ManualClock(new Date('2027-02-10T12:00:00Z'));
  const get = (url: string, headers: Record<string, string> = {}) =>
    env.app.inject({ url, headers: { accept: 'application/json', ...headers } });

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    await organisationsModule.seedDemo!(env.ctx());
    editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }], 'Cache Editor');
    const created = await createResource(
      env.ctx(editor.actor),
      course('Cached norms course', 'https://example.org/cached'),
    );
    id = created.id;
    await transition(env.ctx(editor.actor), id, 'publish');
  });
  afterAll(async () => env?.close());

  it('serves a search again from memory, the same answer, until published data changes', async () => {
    const url = '/api/v1/resources?q=cached';
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    const second = await get(url);
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);

    // A draft saved elsewhere in the catalogue shows nowhere: the kept answer stands.
    await createResource(env.ctx(editor.actor), course('Draft course', 'https://example.org/d'));
    expect((await get(url)).headers['x-cache']).toBe('hit');

    // A published resource edited through the service.
    await updateResource(env.ctx(editor.actor), id, { title: { en: 'Cached norms course, 2nd' } });
    const edited = await get(url);
    expect(edited.headers['x-cache']).toBe('miss');
    expect(edited.json().items[0].title).toBe('Cached norms course, 2nd');
    expect((await get(url)).headers['x-cache']).toBe('hit');

    // A link check that finds the link fine again changes nothing readers see.
    await sql`UPDATE resources SET link_checked_at = now(), link_failures = 0
      WHERE id = ${id}`.execute(env.deps.db);
    expect((await get(url)).headers['x-cache']).toBe('hit');

    // A field outside the search index, written straight in SQL (as the link checker might).
    await sql`UPDATE resources SET link_status = 'broken' WHERE id = ${id}`.execute(env.deps.db);
    const checked = await get(url);
    expect(checked.headers['x-cache']).toBe('miss');
    expect(checked.json().items[0].linkStatus).toBe('broken');

    // Archived: gone from the next answer.
    await transition(env.ctx(editor.actor), id, 'archive');
    const archived = await get(url);
    expect(archived.headers['x-cache']).toBe('miss');
    expect(archived.json().total).toBe(0);
    await transition(env.ctx(editor.actor), id, 'publish');
  });

  it("keeps a resource's page until the resource or the index changes", async () => {
    const { slug } = (await get('/api/v1/resources?q=cached')).json().items[0];
    const url = `/resources/${slug}`;
    const first = await get(url, { accept: 'text/html' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    expect((await get(url, { accept: 'text/html' })).headers['x-cache']).toBe('hit');
    await updateResource(env.ctx(editor.actor), id, { title: { en: 'Cached norms course, 3rd' } });
    const edited = await get(url, { accept: 'text/html' });
    expect(edited.headers['x-cache']).toBe('miss');
    expect(edited.body).toContain('Cached norms course, 3rd');
    // Related resources come from the index: a newly published one may join them.
    const other = await createResource(
      env.ctx(editor.actor),
      course('Another norms course', 'https://example.org/another'),
    );
    await transition(env.ctx(editor.actor), other.id, 'publish');
    expect((await get(url, { accept: 'text/html' })).headers['x-cache']).toBe('miss');
    // Not published: not found, and nothing kept.
    const gone = await get('/resources/no-such-resource', { accept: 'text/html' });
    expect(gone.statusCode).toBe(404);
    expect(
      (await get('/resources/no-such-resource', { accept: 'text/html' })).headers['x-cache'],
    ).toBe('miss');
  });

  it('keeps the page per language, and starts afresh when the day turns', async () => {
    const first = await get('/catalogue?q=cached', { accept: 'text/html' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    const again = await get('/catalogue?q=cached', { accept: 'text/html' });
    expect(again.headers['x-cache']).toBe('hit');
    // Served again as it was made: the same body and the same headers.
    expect(again.body).toBe(first.body);
    const headers = (h: Record<string, unknown>) => {
      const { date: _date, 'x-cache': _cache, 'x-request-id': _id, ...rest } = h;
      return rest;
    };
    expect(headers(again.headers)).toEqual(headers(first.headers));
    const french = await get('/fr/catalogue?q=cached', { accept: 'text/html' });
    expect(french.headers['x-cache']).toBe('miss');
    expect(french.body).toContain('lang="fr"');
    // Open enrolment and deadlines are judged against today.
    clock.advance(24 * 60 * 60 * 1000);
    expect((await get('/catalogue?q=cached', { accept: 'text/html' })).headers['x-cache']).toBe(
      'miss',
    );
  });

  it('never keeps nor serves a personal answer', async () => {
    await get('/catalogue?q=norms', { accept: 'text/html' });
    const agent = await signedInAgent(env, editor);
    const signedIn = await agent.get('/catalogue?q=norms');
    expect(signedIn.headers['x-cache']).toBeUndefined();
    expect(signedIn.body).toContain('Cache Editor');
    const token = await env.app.inject({
      url: '/api/v1/resources?q=norms',
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(token.statusCode).toBe(401);
    const fit = await get('/catalogue?q=norms', {
      accept: 'text/html',
      cookie: `${FIT_COOKIE}=${encodeURIComponent(JSON.stringify({ languages: ['fr'] }))}`,
    });
    expect(fit.headers['x-cache']).toBeUndefined();
  });

  it('can be turned off', async () => {
    const off = await createTestEnv(kind, { config: { responseCacheMb: 0 } });
    try {
      const answer = await off.app.inject({ url: '/api/v1/resources' });
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['x-cache']).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
