/**
 * Reads from a replica (DATABASE_REPLICA_URL), PostgreSQL only. The "replica" is a second copy of
 * the migrated database holding different marker rows, reached through a TCP proxy the test can
 * cut: what a page shows tells which database answered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, TestAgent, type TestEnv } from '../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../test/helpers/auth.ts';
import { openTestDatabase } from '../../test/helpers/db.ts';
import { TcpProxy } from '../../test/helpers/tcp-proxy.ts';
import { systemContext } from '../platform/context.ts';
import { createResource } from '../modules/catalogue/index.ts';
import { openDatabase, REPLICA_RETRY_MS, type DatabaseHandle } from './database.ts';
import { PRIMARY_COOKIE } from '../platform/http/read-routing.ts';

const course = (slug: string, title: string) => ({
  slug,
  kind: 'course',
  title: { en: title },
  summary: { en: 'A marker course: where it shows tells which database answered.' },
  url: `https://example.org/${slug}`,
  providers: ['Marker Institute'],
  themes: ['norms'],
  audiences: ['diplomats'],
  format: 'online-self-paced',
  cost: 'free',
  durationHours: 2,
});

describe.skipIf(!inject('postgresTemplate'))('reads from a replica', () => {
  let env: TestEnv;
  let primary: DatabaseHandle;
  let replica: DatabaseHandle;
  let proxy: TcpProxy;
  const downs: unknown[] = [];

  const status = async (agent: TestAgent, path: string) => (await agent.get(path)).statusCode;

  beforeAll(async () => {
    primary = await openTestDatabase('postgres');
    replica = await openTestDatabase('postgres');
    const replicaUrl = new URL(replica.connectionString);
    proxy = new TcpProxy(replicaUrl.hostname, Number(replicaUrl.port || 5432));
    replicaUrl.port = String(await proxy.start());
    const withReplica = await openDatabase({
      databaseUrl: primary.connectionString,
      replicaUrl: replicaUrl.toString(),
      poolSize: 4,
      onReplicaDown: (error) => downs.push(error),
    });
    env = await createTestEnv('postgres', {
      database: {
        ...withReplica,
        async close() {
          await withReplica.close();
          await primary.close();
        },
      },
    });
    const on = (handle: DatabaseHandle) =>
      systemContext({ ...env.deps, db: handle.db, readDb: handle.db });
    await createResource(on(primary), course('primary-marker', 'Primary marker course'), {
      status: 'published',
    });
    await createResource(on(replica), course('replica-marker', 'Replica marker course'), {
      status: 'published',
    });
  }, 60_000);

  afterAll(async () => {
    await env?.close();
    await replica?.close();
    await proxy?.cut();
  });

  it('serves listing, search, detail pages and the API from the replica', async () => {
    const before = proxy.accepted;
    const visitor = new TestAgent(env.app);
    expect(await status(visitor, '/resources/replica-marker')).toBe(200);
    expect(await status(visitor, '/resources/primary-marker')).toBe(404);
    const page = await visitor.get('/catalogue?q=marker');
    expect(page.body).toContain('Replica marker course');
    expect(page.body).not.toContain('Primary marker course');
    const api = await visitor.request('GET', '/api/v1/resources?q=marker', {
      headers: { accept: 'application/json' },
    });
    expect(api.json().items.map((i: { slug: string }) => i.slug)).toEqual(['replica-marker']);
    expect(proxy.accepted).toBeGreaterThan(before);
  });

  it('writes to the primary, and shows the writer their change from the primary at once', async () => {
    const editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    const agent = await signedInAgent(env, editor);
    await agent.get('/catalogue');
    const created = await agent.request('POST', '/api/v1/resources', {
      json: { ...course('written-now', 'Written just now'), status: 'published' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.cookies.find((c) => c.name === PRIMARY_COOKIE)).toMatchObject({
      value: '1',
      maxAge: 10,
    });
    const inPrimary = await primary.db
      .selectFrom('resources')
      .select('slug')
      .where('slug', '=', 'written-now')
      .execute();
    const inReplica = await replica.db
      .selectFrom('resources')
      .select('slug')
      .where('slug', '=', 'written-now')
      .execute();
    expect(inPrimary).toHaveLength(1);
    expect(inReplica).toHaveLength(0);

    // The writer reads from the primary for a few seconds: they see their own change…
    expect(await status(agent, '/resources/written-now')).toBe(200);
    expect((await agent.get('/catalogue?q=written')).body).toContain('Written just now');
    // …while everyone else still reads the replica, which (here, for ever) lags.
    expect(await status(new TestAgent(env.app), '/resources/written-now')).toBe(404);
  });

  it('lends a read to the primary when every replica connection stays busy, without calling the replica down', async () => {
    const markers = () =>
      env.deps.readDb
        .selectFrom('resources')
        .select('slug')
        .where('slug', 'in', ['primary-marker', 'replica-marker'])
        .execute()
        .then((rows) => rows.map((r) => r.slug));
    const downsBefore = downs.length;
    // The pool holds 4 replica connections: keep them all busy longer than the 1 s wait.
    const busy = Array.from({ length: 4 }, () => sql`SELECT pg_sleep(2)`.execute(env.deps.readDb));
    await new Promise((r) => setTimeout(r, 200));
    expect(await markers()).toEqual(['primary-marker']);
    await Promise.all(busy);
    expect(downs.length).toBe(downsBefore);
    // Not marked down: the very next read is the replica's again.
    expect(await markers()).toEqual(['replica-marker']);
  }, 20_000);

  it('keeps answering from the primary while the replica is down, and goes back to it', async () => {
    await proxy.cut();
    // Idle connections learn of the cut on the next turns of the event loop (a query caught in
    // flight at that moment fails with 503, as documented); new ones are refused at once.
    await new Promise((r) => setTimeout(r, 100));
    const visitor = new TestAgent(env.app);
    const started = Date.now();
    expect(await status(visitor, '/resources/primary-marker')).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await status(visitor, '/resources/replica-marker')).toBe(404);
    expect((await visitor.get('/catalogue?q=marker')).body).toContain('Primary marker course');
    expect(downs.length).toBeGreaterThan(0);
    expect((await visitor.request('GET', '/readyz')).statusCode).toBe(200);

    await proxy.restore();
    await new Promise((r) => setTimeout(r, REPLICA_RETRY_MS + 200));
    expect(await status(visitor, '/resources/replica-marker')).toBe(200);
    expect(await status(visitor, '/resources/primary-marker')).toBe(404);
  }, 30_000);
});
