/**
 * Accounts: what security costs per request. Argon2id (OWASP parameters) per sign-in, the
 * PostgreSQL-kept rate limit (one upsert per API request), and token resolution, on embedded
 * PGlite in memory. `npm run bench -- accounts` (or `npx tsx bench/accounts.ts`).
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext, type Deps } from '../src/platform/context.ts';
import { createMailer } from '../src/platform/mailer.ts';
import { inProcessBus } from '../src/platform/bus.ts';
import {
  actorFor,
  checkRateLimit,
  createUser,
  hashPassword,
} from '../src/modules/accounts/index.ts';
import { passwordMatches } from '../src/modules/accounts/accounts.service.ts';
import { createApiToken } from '../src/modules/accounts/api-tokens.service.ts';

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (n=${samples.length})`;
}

async function time(n: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

export async function run(): Promise<string> {
  const database = await openDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  const config = Object.freeze({
    ...loadConfig({
      SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      DATA_DIR: '.tmp/bench',
      LOG_LEVEL: 'silent',
    }),
    apiRateLimit: 1_000_000,
  });
  const mailer = createMailer({ smtpUrl: null, from: config.mailFrom });
  const deps: Deps = {
    config,
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    clock: systemClock,
    mailer,
    bus: inProcessBus(),
    log: pino({ level: 'silent' }),
  };
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  try {
    const ctx = systemContext(deps);
    const hash = await hashPassword('a long enough passphrase');
    const hashing = await time(20, () => hashPassword('a long enough passphrase'));
    const verifying = await time(20, () => passwordMatches(hash, 'a long enough passphrase'));
    const limiting = await time(500, () =>
      checkRateLimit(ctx, { key: 'bench', limit: 1_000_000, windowSeconds: 300 }),
    );
    const user = await createUser(ctx, {
      email: 'bench@example.org',
      displayName: 'Bench',
      verified: true,
    });
    const { secret } = await createApiToken(systemContext(deps, await actorFor(ctx, user.id)), {
      tokenName: 'bench',
      scopes: ['read'],
      expiresInDays: 7,
    });
    const health = await time(500, () => app.inject('/healthz'));
    const anonymous = await time(500, () => app.inject('/api/v1/me'));
    const withToken = await time(500, () =>
      app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } }),
    );
    return [
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; PGlite in memory; ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| what | time |',
      '| --- | --- |',
      `| Argon2id hash (19 MiB, t=2, p=1) | ${stats(hashing)} |`,
      `| Argon2id verify | ${stats(verifying)} |`,
      `| rate-limit upsert (checkRateLimit) | ${stats(limiting)} |`,
      `| GET /healthz (no limit, no actor; baseline) | ${stats(health)} |`,
      `| GET /api/v1/me anonymous (rate limit by IP) | ${stats(anonymous)} |`,
      `| GET /api/v1/me with a Bearer token (resolve + rate limit) | ${stats(withToken)} |`,
      '',
      'In-process `app.inject`, one request at a time: the differences are the cost per request.',
    ].join('\n');
  } finally {
    await app.close();
    mailer.close();
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
