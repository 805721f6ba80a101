/**
 * Two `commons serve` processes behind one PostgreSQL database, as a load balancer would spread
 * clients over them: sessions, rate limits and jobs are shared, because all of them live in the
 * database. (Live events across processes: src/modules/live/live.multiprocess.int.test.ts.)
 * PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from './helpers/app.ts';
import { createTestUser, type TestUser } from './helpers/auth.ts';
import { startServer, type ServerProcess } from './helpers/server.ts';
import { enqueueJob, JOBS_CHANNEL } from '../src/platform/jobs.ts';
import { postgresBus } from '../src/platform/bus.ts';

/** A browser's cookie jar, used against whichever process: the load balancer's choice. */
class Browser {
  private cookies = new Map<string, string>();
  csrf: string | null = null;

  async fetch(base: string, path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${base}${path}`, {
      redirect: 'manual',
      ...init,
      headers: {
        accept: 'text/html',
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    return response;
  }

  async page(base: string, path: string): Promise<{ status: number; body: string }> {
    const response = await this.fetch(base, path);
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, body };
  }

  post(base: string, path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(base, path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf ?? '', ...fields }).toString(),
    });
  }
}

const API_LIMIT = 8;

describe.skipIf(!inject('postgresTemplate'))('two server processes on one database', () => {
  let env: TestEnv;
  let user: TestUser;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    env = await createTestEnv('postgres');
    user = await createTestUser(env, [], 'Ada Twoprocess');
    const shared = {
      DATABASE_URL: env.database.connectionString,
      API_RATE_LIMIT: String(API_LIMIT),
    };
    [a, b] = await Promise.all([startServer(shared), startServer(shared)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await env?.close();
  });

  it('shares sessions: signed in on A, signed in on B; signed out on A, signed out on B', async () => {
    const browser = new Browser();
    await browser.page(a.base, '/sign-in');
    const signIn = await browser.post(a.base, '/sign-in', {
      email: user.email,
      password: user.password,
    });
    expect(signIn.status).toBe(303);

    const onB = await browser.page(b.base, '/account');
    expect(onB.status).toBe(200);
    expect(onB.body).toContain('Ada Twoprocess');

    // The CSRF token of a page from B is good on A too (one secret, one session row).
    const signOut = await browser.post(a.base, '/sign-out', {});
    expect(signOut.status).toBe(303);
    const afterOnB = await browser.fetch(b.base, '/account');
    expect(afterOnB.status).toBe(303);
    expect(afterOnB.headers.get('location')).toContain('/sign-in');
  });

  it('counts the API rate limit across both processes', async () => {
    const statuses: number[] = [];
    const remaining: Array<string | null> = [];
    for (let i = 0; i < API_LIMIT + 2; i++) {
      const base = i % 2 === 0 ? a.base : b.base;
      const response = await fetch(`${base}/api/v1/resources`, {
        headers: { accept: 'application/json' },
      });
      statuses.push(response.status);
      remaining.push(response.headers.get('ratelimit-remaining'));
      await response.arrayBuffer();
    }
    // Alternating processes, one count: 8 allowed in all, then refused by either.
    expect(statuses).toEqual([...Array<number>(API_LIMIT).fill(200), 429, 429]);
    expect(remaining.slice(0, API_LIMIT)).toEqual(
      Array.from({ length: API_LIMIT }, (_, i) => String(API_LIMIT - 1 - i)),
    );
  });

  it('runs each job once, whichever process claims it', async () => {
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await enqueueJob(env.deps.db, now, 'mail.deliver'))!);
    // Wake both processes at once, as an enqueue in a request does.
    const bus = postgresBus(env.database.connectionString, () => {});
    await bus.publish(JOBS_CHANNEL, '');
    await bus.close();

    const deadline = Date.now() + 30_000;
    let rows: Array<{ status: string; attempts: number; locked_by: string | null }> = [];
    while (Date.now() < deadline) {
      rows = await env.deps.db
        .selectFrom('jobs')
        .select(['status', 'attempts', 'locked_by'])
        .where('id', 'in', ids)
        .execute();
      if (rows.every((r) => r.status === 'done')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'done'));
    // Claimed once each: a second claim would have counted a second attempt.
    expect(rows.map((r) => r.attempts)).toEqual(ids.map(() => 1));
    const failures = await env.deps.db
      .selectFrom('job_failures')
      .select('id')
      .where('job_id', 'in', ids)
      .execute();
    expect(failures).toEqual([]);
    // Both processes worked the queue (worker ids are host:pid:random).
    const pids = new Set(rows.map((r) => r.locked_by!.split(':')[1]));
    expect(pids).toEqual(new Set([String(a.process.pid), String(b.process.pid)]));
  }, 60_000);
});
