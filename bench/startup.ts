/**
 * Foundation figures: time from start to the first 200 on /readyz (empty and seeded DATA_DIR),
 * and requests/s with p99 latency of /healthz and the home page under autocannon on 127.0.0.1.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ms, table } from './lib/report.ts';
import { startServer } from './lib/server.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function load(url: string, seconds: number) {
  const result = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    headers: { accept: 'text/html' },
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.errors + result.non2xx,
  };
}

export async function run(): Promise<string> {
  const empty: number[] = [];
  const seeded: number[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'cc-bench-start-'));
    dirs.push(dir);
    const first = await startServer({ DATA_DIR: dir });
    empty.push(first.readyAfterMs);
    await first.stop();
    const second = await startServer({ DATA_DIR: dir });
    seeded.push(second.readyAfterMs);
    await second.stop();
  }
  const server = await startServer({ DATA_DIR: dirs[0]! });
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  await load(`${server.url}/healthz`, 2); // warm-up
  const health = await load(`${server.url}/healthz`, seconds);
  const home = await load(`${server.url}/`, seconds);
  await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return [
    `Start-up: \`npm start\`'s command (\`commons serve\`) as a child process, time to the first 200 on \`/readyz\`, median of ${RUNS} runs.`,
    '',
    table(
      ['DATA_DIR', 'median', 'runs'],
      [
        [
          'empty (migrate + seed demo data)',
          ms(median(empty)),
          empty.map((v) => v.toFixed(0)).join(', '),
        ],
        ['already seeded', ms(median(seeded)), seeded.map((v) => v.toFixed(0)).join(', ')],
      ],
    ),
    '',
    `HTTP with autocannon (50 connections, ${seconds} s each, 127.0.0.1, PGlite):`,
    '',
    table(
      ['route', 'requests/s (mean)', 'p50', 'p99', 'errors'],
      [
        ['GET /healthz', health.rps.toFixed(0), ms(health.p50), ms(health.p99), health.errors],
        ['GET / (home page)', home.rps.toFixed(0), ms(home.p50), ms(home.p99), home.errors],
      ],
    ),
  ].join('\n');
}
