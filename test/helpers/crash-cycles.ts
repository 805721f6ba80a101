/**
 * Crash cycles: real `commons serve` processes killed with SIGKILL while concurrent clients write
 * through the public API with an Idempotency-Key, restarted, and every write not acknowledged
 * retried with the same key; at the end the database is counted by a unique marker in each
 * write's payload. Used by `npm run bench -- crash` (50+ cycles) and by the resilience
 * integration test (a few cycles).
 *
 * PostgreSQL is reached through a TCP proxy: some cycles cut the database connection (as a
 * PostgreSQL restart would) instead of restarting the machine's shared PostgreSQL server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { startRuntime } from '../../src/runtime.ts';
import { systemContext } from '../../src/platform/context.ts';
import { actorFor, createUser, grantRole } from '../../src/modules/accounts/index.ts';
import { createApiToken } from '../../src/modules/accounts/api-tokens.service.ts';
import { createLiveSession } from '../../src/modules/live/index.ts';
import { openDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/platform/ids.ts';
import { startServer, type ServerProcess } from './server.ts';
import { TcpProxy } from './tcp-proxy.ts';

export type WriteKind = 'resource' | 'question' | 'initiative';

export interface CrashOptions {
  /** `{ DATABASE_URL }` of a database of its own, or `{ DATA_DIR }` for PGlite. */
  env: Record<string, string>;
  cycles: number;
  /** Every how many cycles the database connection is also cut and restored (0: never). */
  cutEvery?: number;
  /** Concurrent writing clients. */
  clients?: number;
  /** The kill comes this long after the server is ready: uniformly random in [min, max] ms. */
  killAfterMs?: [number, number];
  log?: (line: string) => void;
}

export interface CrashResult {
  database: 'postgres' | 'pglite';
  cycles: number;
  cuts: number;
  writes: number;
  /** Answered 2xx (first try or a retry). */
  acknowledged: number;
  /** Of those, answered 2xx only on a retry after a kill or a cut. */
  acknowledgedOnRetry: number;
  /** Committed, answer lost in a crash; a retry was told so (409, Idempotency-Status: applied). */
  confirmedApplied: number;
  /** Refused by the server (4xx other than 409): must not be stored. */
  refused: number;
  /** Still without a final answer when the run ended (should be 0). */
  unresolved: number;
  retries: number;
  /** Rows found, by marker, for acknowledged or confirmed writes. */
  found: number;
  missing: string[];
  duplicated: string[];
  /** Rows of refused writes that were stored anyway. */
  strays: string[];
  restartMs: number[];
  seconds: number;
}

interface Write {
  kind: WriteKind;
  key: string;
  marker: string;
  body: Record<string, unknown>;
  /** The live participant's cookies and CSRF token the question is asked with. */
  cookie?: string;
  csrf?: string;
  state: 'pending' | 'acknowledged' | 'applied' | 'refused';
  attempts: number;
  /** The last answer: status and problem title, or the network error. */
  last?: string;
}

interface Fixture {
  token: string;
  /** The implementing organisation's slug, for initiatives. */
  organisation: string;
  sessionId: string;
}

/** A user with the editor role, its write token, and an open live session. */
async function prepare(env: Record<string, string>): Promise<Fixture> {
  const runtime = await startRuntime(
    loadConfig({
      ...env,
      SESSION_SECRET: 'crash-cycles-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
    }),
  );
  try {
    const ctx = systemContext(runtime.deps);
    const user = await createUser(ctx, {
      email: `crash-${randomBytes(4).toString('hex')}@example.org`,
      displayName: 'Crash Cycles',
      verified: true,
    });
    await grantRole(ctx, user.id, 'editor', { type: 'site', id: null });
    const { secret } = await createApiToken(
      systemContext(runtime.deps, await actorFor(ctx, user.id)),
      {
        tokenName: 'crash cycles',
        scopes: ['read', 'write'],
        expiresInDays: 7,
      },
    );
    const session = await createLiveSession(ctx, {
      eventId: 'crash-cycles',
      title: 'Crash cycles',
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 24 * 3600_000),
      moderation: false,
    });
    const organisation = `crash-org-${randomBytes(4).toString('hex')}`;
    await runtime.deps.db
      .insertInto('organisations')
      .values({
        id: newId(),
        slug: organisation,
        name: 'Crash Cycles Organisation',
        stakeholder_group: 'civil-society',
        kind: 'ngo',
        country: 'GH',
        ecosoc_status: false,
      })
      .execute();
    return { token: secret, sessionId: session.id, organisation };
  } finally {
    await runtime.close();
  }
}

function newWrite(kind: WriteKind, n: number, fixture: Fixture): Write {
  const marker = `crash-${kind}-${n}-${randomBytes(5).toString('hex')}`;
  const body: Record<string, unknown> =
    kind === 'resource'
      ? {
          kind: 'course',
          title: { en: marker },
          summary: { en: 'Written by the crash cycles, counted by its title.' },
          url: `https://example.org/${marker}`,
          themes: ['norms'],
          audiences: ['diplomats'],
          format: 'online-self-paced',
          cost: 'free',
        }
      : kind === 'initiative'
        ? {
            title: marker,
            description: 'Written by the crash cycles, counted by its title.',
            implementers: [fixture.organisation],
            countries: ['GH'],
            themes: ['incident-management'],
          }
        : { text: `Question ${marker}?`, anonymous: true };
  return { kind, key: `crash-${randomUUID()}`, marker, body, state: 'pending', attempts: 0 };
}

const TIMEOUT_MS = 10_000;

/** One attempt of `write` against `base`; updates its state. */
async function attempt(base: string, fixture: Fixture, write: Write): Promise<void> {
  write.attempts += 1;
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  if (write.kind === 'question' && !write.cookie) {
    // Each question from a participant of its own, joined as a browser would (the page gives the
    // CSRF cookie and token): the per-participant rate limit stays clear.
    const page = await fetch(`${base}/live/${fixture.sessionId}`, { signal });
    const csrfCookie = /cc_csrf=[^;]+/.exec(page.headers.get('set-cookie') ?? '')?.[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!csrfCookie || !csrf) {
      write.last = `page ${page.status} without a CSRF token`;
      return;
    }
    const joined = await fetch(`${base}/api/v1/live/${fixture.sessionId}/participants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: csrfCookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ origin: 'remote' }),
      signal,
    });
    const participant = /cc_live=[^;]+/.exec(joined.headers.get('set-cookie') ?? '')?.[0];
    if (joined.status !== 200 || !participant) {
      write.last = `join ${joined.status} ${await joined.text()}`;
      return;
    }
    write.cookie = `${csrfCookie}; ${participant}`;
    write.csrf = csrf;
  }
  const request =
    write.kind === 'resource'
      ? { method: 'POST', path: '/api/v1/resources' }
      : write.kind === 'initiative'
        ? { method: 'POST', path: '/api/v1/initiatives' }
        : { method: 'POST', path: `/api/v1/live/${fixture.sessionId}/questions` };
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: {
      'content-type': 'application/json',
      'idempotency-key': write.key,
      ...(write.kind === 'question'
        ? { cookie: write.cookie!, 'x-csrf-token': write.csrf! }
        : { authorization: `Bearer ${fixture.token}` }),
    },
    body: JSON.stringify(write.body),
    signal,
  });
  write.last = `${response.status} ${(await response.text()).slice(0, 300)}`;
  if (response.status >= 200 && response.status < 300) write.state = 'acknowledged';
  else if (response.status === 409 && response.headers.get('idempotency-status') === 'applied')
    write.state = 'applied';
  else if (response.status >= 400 && response.status < 500 && response.status !== 409)
    write.state = 'refused';
  // 409 in progress, 5xx, 503 while the database is away: still pending, retried later.
}

/** Clients writing until `stop`: retries of pending writes first, then new ones. */
function writeUntil(
  base: string,
  fixture: Fixture,
  writes: Write[],
  clients: number,
  stop: { now: boolean },
  counter: { n: number },
) {
  const queue = writes.filter((w) => w.state === 'pending');
  const kinds: WriteKind[] = ['resource', 'question', 'initiative'];
  const client = async () => {
    while (!stop.now) {
      let write = queue.shift();
      if (!write) {
        write = newWrite(kinds[counter.n % kinds.length]!, counter.n, fixture);
        counter.n += 1;
        writes.push(write);
      }
      try {
        await attempt(base, fixture, write);
      } catch (error) {
        // Connection refused or reset: the server died under it. Pending.
        write.last = String(error);
      }
      if (write.state === 'pending') await new Promise((r) => setTimeout(r, 50));
    }
  };
  return Promise.all(Array.from({ length: clients }, client));
}

async function killHard(server: ServerProcess): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  const exited = new Promise((r) => server.process.once('exit', r));
  server.process.kill('SIGKILL');
  await exited;
}

const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);

async function countMarkers(
  env: Record<string, string>,
  markers: string[],
): Promise<Map<string, number>> {
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL ?? null,
    dataDir: env.DATABASE_URL ? null : env.DATA_DIR!,
  });
  try {
    const counts = new Map<string, number>(markers.map((m) => [m, 0]));
    const add = (rows: Array<{ marker: string | null }>) => {
      for (const { marker } of rows) if (marker) counts.set(marker, (counts.get(marker) ?? 0) + 1);
    };
    const { sql } = await import('kysely');
    add(
      (
        await sql<{
          marker: string;
        }>`SELECT title->>'en' AS marker FROM resources WHERE title->>'en' LIKE 'crash-%'`.execute(
          handle.db,
        )
      ).rows,
    );
    add(
      (
        await sql<{
          marker: string;
        }>`SELECT title AS marker FROM initiatives WHERE title LIKE 'crash-%'`.execute(handle.db)
      ).rows,
    );
    add(
      (
        await sql<{
          marker: string;
        }>`SELECT substring(body from 'crash-question-[0-9]+-[0-9a-f]+') AS marker FROM live_questions WHERE body LIKE 'Question crash-%'`.execute(
          handle.db,
        )
      ).rows,
    );
    return counts;
  } finally {
    await handle.close();
  }
}

export async function runCrashCycles(options: CrashOptions): Promise<CrashResult> {
  const log = options.log ?? (() => {});
  const clients = options.clients ?? 6;
  const killAfter = options.killAfterMs ?? [300, 2500];
  const started = performance.now();
  const database = options.env.DATABASE_URL ? 'postgres' : 'pglite';
  const fixture = await prepare(options.env);
  const writes: Write[] = [];
  const counter = { n: 0 };
  const restartMs: number[] = [];
  let proxy: TcpProxy | null = null;
  let serverEnv = options.env;
  if (options.env.DATABASE_URL) {
    const url = new URL(options.env.DATABASE_URL);
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    const port = await proxy.start();
    url.hostname = '127.0.0.1';
    url.port = String(port);
    serverEnv = { ...options.env, DATABASE_URL: url.toString() };
  }
  const envForServer = { ...serverEnv, API_RATE_LIMIT: '1000000' };
  let cuts = 0;
  try {
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const t0 = performance.now();
      const server = await startServer(envForServer);
      restartMs.push(performance.now() - t0);
      const stop = { now: false };
      const writing = writeUntil(server.base, fixture, writes, clients, stop, counter);
      const cut = proxy && options.cutEvery && cycle % options.cutEvery === 0;
      if (cut) {
        // The database goes away under the writers and comes back; the kill follows.
        await new Promise((r) => setTimeout(r, between(killAfter) / 2));
        await proxy!.cut();
        cuts += 1;
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
        await proxy!.restore();
      }
      await new Promise((r) => setTimeout(r, between(killAfter) / (cut ? 2 : 1)));
      await killHard(server);
      stop.now = true;
      await writing;
      const pending = writes.filter((w) => w.state === 'pending').length;
      log(
        `cycle ${cycle}${cut ? ' (database cut)' : ''}: ${writes.length} writes, ${pending} awaiting retry`,
      );
    }
    // A last server, not killed, until every write has its final answer.
    const server = await startServer(envForServer);
    try {
      for (let round = 0; round < 50 && writes.some((w) => w.state === 'pending'); round++) {
        await Promise.all(
          writes
            .filter((w) => w.state === 'pending')
            .map((w) => attempt(server.base, fixture, w).catch(() => undefined)),
        );
        if (writes.some((w) => w.state === 'pending')) await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await server.stop();
    }
  } finally {
    await proxy?.cut();
  }
  const counts = await countMarkers(
    options.env,
    writes.map((w) => w.marker),
  );
  const unresolved = writes.filter((w) => w.state === 'pending');
  if (unresolved.length)
    log(
      `unresolved, last answers: ${unresolved
        .slice(0, 3)
        .map((w) => w.last)
        .join(' | ')}`,
    );
  const refusedAnswers = writes.filter((w) => w.state === 'refused');
  if (refusedAnswers.length)
    log(
      `refused, last answers: ${refusedAnswers
        .slice(0, 3)
        .map((w) => w.last)
        .join(' | ')}`,
    );
  const kept = writes.filter((w) => w.state === 'acknowledged' || w.state === 'applied');
  const refused = writes.filter((w) => w.state === 'refused');
  return {
    database,
    cycles: options.cycles,
    cuts,
    writes: writes.length,
    acknowledged: writes.filter((w) => w.state === 'acknowledged').length,
    acknowledgedOnRetry: writes.filter((w) => w.state === 'acknowledged' && w.attempts > 1).length,
    confirmedApplied: writes.filter((w) => w.state === 'applied').length,
    refused: refused.length,
    unresolved: writes.filter((w) => w.state === 'pending').length,
    retries: writes.reduce((sum, w) => sum + Math.max(0, w.attempts - 1), 0),
    found: kept.filter((w) => counts.get(w.marker)! >= 1).length,
    missing: kept.filter((w) => counts.get(w.marker) === 0).map((w) => w.marker),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([m]) => m),
    strays: refused.filter((w) => counts.get(w.marker)! > 0).map((w) => w.marker),
    restartMs,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A database of its own on the PostgreSQL server at `adminUrl`; `drop` removes it. */
export async function ownDatabase(adminUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
