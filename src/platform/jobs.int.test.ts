import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/helpers/app.ts';
import { databaseKinds } from '../../test/helpers/db.ts';
import { openDatabase } from '../db/database.ts';
import { ManualClock } from './clock.ts';
import type { Deps } from './context.ts';
import {
  backoffMs,
  enqueueJob,
  JobLostError,
  JobRunner,
  nextSlot,
  type JobRegistry,
} from './jobs.ts';
import { retryDeadJob } from './jobs-admin.ts';
import type { JobHandler } from './module.ts';

const T0 = new Date('2026-11-23T09:00:00Z');

describe.each(databaseKinds())('job runner on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    await sql`CREATE TABLE job_effects (job_id uuid NOT NULL, note text)`.execute(env.deps.db);
  });
  afterAll(async () => env?.close());
  beforeEach(async () => {
    clock.set(T0);
    await sql`TRUNCATE jobs, job_schedules, job_effects CASCADE`.execute(env.deps.db);
  });

  const runner = (handlers: Record<string, JobHandler>, extra: Partial<JobRegistry> = {}) =>
    new JobRunner(env.deps, { handlers, schedules: extra.schedules ?? [] }, { leaseMs: 60_000 });

  const job = (id: string) =>
    env.deps.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  const effects = async (id: string) =>
    (
      await env.deps.db
        .selectFrom('job_effects' as never)
        .selectAll()
        .where('job_id' as never, '=', id as never)
        .execute()
    ).length;

  it('runs a due job once with its payload and marks it done', async () => {
    const seen: unknown[] = [];
    const r = runner({ 'test.echo': async (_ctx, payload) => void seen.push(payload) });
    const id = await enqueueJob(env.deps.db, clock.now(), 'test.echo', { hello: 'world' });
    const later = await enqueueJob(env.deps.db, clock.now(), 'test.echo', 2, {
      runAt: new Date(T0.getTime() + 60_000),
    });
    const summary = await r.runDue();
    expect(summary).toMatchObject({ ran: 1, done: 1, retrying: 0, dead: 0 });
    expect(seen).toEqual([{ hello: 'world' }]);
    expect((await job(id!)).status).toBe('done');
    expect((await job(later!)).status).toBe('queued');
    expect((await r.runDue()).ran).toBe(0);
  });

  it('enqueues a keyed job once', async () => {
    const first = await enqueueJob(env.deps.db, clock.now(), 'test.echo', null, { key: 'k1' });
    const second = await enqueueJob(env.deps.db, clock.now(), 'test.echo', null, { key: 'k1' });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
  });

  it('retries a failing job with exponential back-off, then declares it dead', async () => {
    let calls = 0;
    const r = runner({
      'test.flaky': async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
    });
    const id = (await enqueueJob(env.deps.db, clock.now(), 'test.flaky', null, {
      maxAttempts: 3,
    }))!;
    let summary = await r.runDue();
    expect(summary).toMatchObject({ ran: 1, retrying: 1, dead: 0 });
    expect(summary.failures[0]).toMatchObject({ id, attempt: 1, error: 'failure 1' });
    let row = await job(id);
    expect(row.status).toBe('queued');
    expect(row.run_at.getTime()).toBe(T0.getTime() + backoffMs(1));
    expect(backoffMs(1)).toBe(30_000);

    // Not before its time.
    clock.advance(backoffMs(1) - 1);
    expect((await r.runDue()).ran).toBe(0);
    clock.advance(1);
    summary = await r.runDue();
    expect(summary).toMatchObject({ ran: 1, retrying: 1 });
    row = await job(id);
    expect(row.run_at.getTime()).toBe(clock.now().getTime() + backoffMs(2));
    expect(backoffMs(2)).toBe(60_000);

    clock.advance(backoffMs(2));
    summary = await r.runDue();
    expect(summary).toMatchObject({ ran: 1, retrying: 0, dead: 1 });
    row = await job(id);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toContain('failure 3');
    const failures = await env.deps.db
      .selectFrom('job_failures')
      .select(['attempt', 'error'])
      .where('job_id', '=', id)
      .orderBy('attempt')
      .execute();
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3]);

    clock.advance(24 * 60 * 60 * 1000);
    expect((await r.runDue()).ran).toBe(0);
    expect(calls).toBe(3);

    // An administrator gives it another chance.
    expect(await retryDeadJob(env.deps.db, clock.now(), id)).toBe(true);
    expect(await retryDeadJob(env.deps.db, clock.now(), id)).toBe(false);
    expect((await r.runDue()).ran).toBe(1);
    expect(calls).toBe(4);
  });

  it('commits a job’s effects and its completion together, or neither', async () => {
    let attempt = 0;
    const r = runner({
      'test.atomic': async (ctx, _payload, info) => {
        attempt++;
        await ctx.db.transaction().execute(async (trx) => {
          await sql`INSERT INTO job_effects (job_id, note) VALUES (${info.id}, 'effect')`.execute(
            trx,
          );
          await info.complete(trx);
          // The first attempt dies before commit: its effect must vanish with its completion.
          if (attempt === 1) throw new Error('crash before commit');
        });
      },
    });
    const id = (await enqueueJob(env.deps.db, clock.now(), 'test.atomic'))!;
    expect((await r.runDue()).retrying).toBe(1);
    expect(await effects(id)).toBe(0);
    expect((await job(id)).status).toBe('queued');
    clock.advance(backoffMs(1));
    expect((await r.runDue()).done).toBe(1);
    expect(await effects(id)).toBe(1);
    expect((await job(id)).status).toBe('done');
  });

  it('takes over a job whose worker stopped, and the stopped worker’s late results are refused', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const handler: JobHandler = async (ctx, _payload, info) => {
      runs++;
      if (runs === 1) await gate; // the first worker hangs
      await ctx.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO job_effects (job_id, note) VALUES (${info.id}, ${`run ${runs}`})`.execute(
          trx,
        );
        await info.complete(trx);
      });
    };
    const a = runner({ 'test.slow': handler });
    const b = runner({ 'test.slow': handler });
    const id = (await enqueueJob(env.deps.db, clock.now(), 'test.slow'))!;
    const claimed = (await a.claim())!;
    expect(claimed.id).toBe(id);
    const hanging = a.execute(claimed);
    // Another worker sees it running and leaves it alone while the lease holds…
    expect((await b.runDue()).ran).toBe(0);
    // …and takes it over once the lease has run out.
    clock.advance(61_000);
    const summary = await b.runDue();
    expect(summary).toMatchObject({ ran: 1, done: 1 });
    expect(await effects(id)).toBe(1);
    release();
    const late = await hanging;
    expect(late.lost).toBe(1);
    expect(await effects(id)).toBe(1);
    const row = await job(id);
    expect(row.status).toBe('done');
    expect(row.attempts).toBe(2);
    const failures = await env.deps.db
      .selectFrom('job_failures')
      .select('error')
      .where('job_id', '=', id)
      .execute();
    expect(failures[0]?.error).toMatch(/lease ran out/);
  });

  it('refuses completion through a lost claim', async () => {
    let refusal: unknown = null;
    const r = runner({
      'test.noop': async (_ctx, _payload, info) => {
        await info.complete(env.deps.db).catch((error: unknown) => {
          refusal = error;
          throw error;
        });
      },
    });
    await enqueueJob(env.deps.db, clock.now(), 'test.noop');
    const claimed = (await r.claim())!;
    // Someone else's claim now (as after a takeover).
    await env.deps.db
      .updateTable('jobs')
      .set({ claim_token: crypto.randomUUID() })
      .where('id', '=', claimed.id)
      .execute();
    const summary = await r.execute(claimed);
    expect(refusal).toBeInstanceOf(JobLostError);
    expect(summary).toMatchObject({ ran: 1, done: 0, lost: 1 });
    expect((await job(claimed.id)).status).toBe('running');
  });

  it('enqueues each schedule slot once, however often and by however many runners it is asked', async () => {
    const ran: string[] = [];
    const handlers = { 'test.tick': async () => void ran.push(clock.now().toISOString()) };
    const schedules = [{ job: 'test.tick', every: '1h' }];
    const a = runner(handlers, { schedules });
    const b = runner(handlers, { schedules });
    clock.set(new Date('2026-11-23T09:20:00Z'));
    await Promise.all([a.runDue(), b.runDue()]);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(ran).toEqual(['2026-11-23T09:20:00.000Z']);
    const schedule = await env.deps.db
      .selectFrom('job_schedules')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(schedule.next_run_at.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    clock.set(new Date('2026-11-23T10:00:00Z'));
    await a.runDue();
    await b.runDue();
    clock.set(new Date('2026-11-23T10:59:59Z'));
    await b.runDue();
    expect(ran).toEqual(['2026-11-23T09:20:00.000Z', '2026-11-23T10:00:00.000Z']);
    expect(nextSlot(new Date('2026-11-23T10:00:00Z'), 86_400_000).toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
  });

  it('does not pile up a schedule’s jobs while the last one has not finished', async () => {
    const schedules = [{ job: 'test.fail', every: '1m' }];
    const r = runner(
      {
        'test.fail': async () => {
          throw new Error('down');
        },
      },
      { schedules },
    );
    await r.runDue();
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      await r.enqueueDueSchedules();
    }
    const { n } = await env.deps.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', 'test.fail')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
  });

  it('runs the loop in the background and stops cleanly', async () => {
    const seen: string[] = [];
    const r = runner({ 'test.bg': async (_ctx, payload) => void seen.push(String(payload)) });
    r.start(20);
    await enqueueJob(env.deps.db, clock.now(), 'test.bg', 'one');
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((s) => setTimeout(s, 10));
    await r.stop();
    expect(seen).toEqual(['one']);
  });

  it.runIf(kind === 'postgres')(
    'never runs one job twice with two runners on two connections pools',
    async () => {
      const second = await openDatabase({
        databaseUrl: env.database.connectionString,
        poolSize: 4,
      });
      try {
        const handler: JobHandler = async (ctx, _payload, info) => {
          await new Promise((s) => setTimeout(s, Math.random() * 5));
          await sql`INSERT INTO job_effects (job_id, note) VALUES (${info.id}, 'x')`.execute(
            ctx.db,
          );
        };
        const ids: string[] = [];
        for (let i = 0; i < 60; i++) {
          ids.push((await enqueueJob(env.deps.db, clock.now(), 'test.count', i))!);
        }
        const depsB: Deps = { ...env.deps, db: second.db, readDb: second.db };
        const a = new JobRunner(
          env.deps,
          { handlers: { 'test.count': handler }, schedules: [] },
          {
            concurrency: 3,
            workerId: 'a',
          },
        );
        const b = new JobRunner(
          depsB,
          { handlers: { 'test.count': handler }, schedules: [] },
          {
            concurrency: 3,
            workerId: 'b',
          },
        );
        const [sa, sb] = await Promise.all([a.runDue(), b.runDue()]);
        expect(sa.ran + sb.ran).toBe(60);
        expect(sa.ran).toBeGreaterThan(0);
        expect(sb.ran).toBeGreaterThan(0);
        const counts = await sql<{ job_id: string; n: number }>`
          SELECT job_id, count(*)::int AS n FROM job_effects GROUP BY job_id`.execute(env.deps.db);
        expect(counts.rows).toHaveLength(60);
        expect(counts.rows.every((r) => r.n === 1)).toBe(true);
      } finally {
        await second.close();
      }
    },
  );
});
