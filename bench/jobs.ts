/**
 * Job runner throughput: enqueue N no-op jobs, then run them with one runner (PGlite) or with two
 * runners of two lanes each over two connection pools (PostgreSQL, when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL names a server: a scratch database is made and dropped).
 */
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/platform/context.ts';
import { createMailer } from '../src/platform/mailer.ts';
import { inProcessBus } from '../src/platform/bus.ts';
import { enqueueJob, JobRunner } from '../src/platform/jobs.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function depsOver(handle: DatabaseHandle): Deps {
  const config = loadConfig({
    SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    DATA_DIR: '.tmp/bench',
  });
  return {
    config,
    db: handle.db,
    readDb: handle.db,
    dbKind: handle.kind,
    clock: systemClock,
    mailer: createMailer({ smtpUrl: null, from: config.mailFrom }),
    bus: inProcessBus(),
    log: pino({ level: 'silent' }),
  };
}

async function measure(label: string, handles: DatabaseHandle[], lanes: number): Promise<string> {
  const deps = handles.map(depsOver);
  const durations: number[] = [];
  const handler = async () => {};
  const started = performance.now();
  for (let i = 0; i < JOBS; i++) await enqueueJob(deps[0]!.db, new Date(), 'bench.noop', { i });
  const enqueued = performance.now();
  const runners = deps.map(
    (d, n) =>
      new JobRunner(
        d,
        { handlers: { 'bench.noop': handler }, schedules: [] },
        { concurrency: lanes, workerId: `bench-${n}` },
      ),
  );
  // Time each claim-run-complete cycle by wrapping execute.
  for (const runner of runners) {
    const execute = runner.execute.bind(runner);
    runner.execute = async (job, summary) => {
      const t = performance.now();
      const result = await execute(job, summary);
      durations.push(performance.now() - t);
      return result;
    };
  }
  const summaries = await Promise.all(runners.map((r) => r.runDue({ limit: JOBS })));
  const finished = performance.now();
  const ran = summaries.reduce((n, s) => n + s.done, 0);
  durations.sort((a, b) => a - b);
  return `| ${label} | ${JOBS} | ${Math.round(JOBS / ((enqueued - started) / 1000))} | ${Math.round(ran / ((finished - enqueued) / 1000))} | ${quantile(durations, 0.5).toFixed(2)} | ${quantile(durations, 0.95).toFixed(2)} |`;
}

export async function run(): Promise<string> {
  const rows: string[] = [];
  const lite = await openDatabase({ dataDir: null });
  try {
    await migrateToLatest(lite.db);
    rows.push(await measure('PGlite, 1 runner × 1 lane', [lite], 1));
  } finally {
    await lite.close();
  }
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (server) {
    const name = `cc_bench_jobs_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    const a = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
    const b = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
    try {
      await migrateToLatest(a.db);
      rows.push(await measure('PostgreSQL 15, 2 runners × 2 lanes', [a, b], 2));
    } finally {
      await a.close();
      await b.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }
  return [
    `## Job runner (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. No-op jobs: each is one claim (UPDATE … FOR UPDATE SKIP LOCKED) and one completion.`,
    '',
    '| database | jobs | enqueued/s | run/s | claim→done p50 ms | p95 ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
