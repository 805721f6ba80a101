/**
 * Live sessions under load, on 127.0.0.1 with real server processes (`commons serve`):
 *
 * - 2,000 open event streams on one process (embedded PGlite; PostgreSQL too when a URL is given),
 * - 2 × 1,000 streams on two processes sharing one PostgreSQL (LISTEN/NOTIFY fan-out),
 *
 * with 50 new questions a second posted over HTTP (alternating between the processes), and 100
 * streams cut off at random moments that reconnect with Last-Event-ID. Reports delivery latency
 * (question POST sent → event parsed by each client), server memory per open stream, and lost or
 * duplicated events over every client's whole run.
 *
 *   BENCH_LIVE_SECONDS  load duration per scenario (default 20)
 *   BENCH_DATABASE_URL  PostgreSQL server for the PostgreSQL scenarios (or TEST_DATABASE_URL)
 */
import http from 'node:http';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/runtime.ts';
import { systemContext } from '../src/platform/context.ts';
import { createLiveSession } from '../src/modules/live/index.ts';
import { startServer, type ServerProcess } from '../test/helpers/server.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STREAMS = Number(process.env.BENCH_LIVE_STREAMS ?? 2000);
const RATE = 50;
const RECONNECTS = 100;
const PARTICIPANTS = 400;

interface Scenario {
  label: string;
  processes: number;
  database: 'pglite' | 'postgres';
}

interface Result {
  label: string;
  streams: number;
  questions: number;
  failedPosts: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  memoryPerStreamKiB: number;
  rssPerStreamKiB: number;
  serverCpu: number;
  benchCpu: number;
  postP50: number;
  postP99: number;
  fanP50: number;
  fanP99: number;
  load: string;
  reconnects: number;
  lost: number;
  duplicated: number;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const PROBE = fileURLToPath(new URL('./lib/memory-probe.cjs', import.meta.url));

/** Heap and off-heap memory in use after a full collection, in KiB (see lib/memory-probe.cjs). */
async function memoryKiB(server: ServerProcess): Promise<{ used: number; rss: number }> {
  const seen = server.output.length;
  server.process.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(50);
    const line = server.output
      .slice(seen)
      .join('')
      .split('\n')
      .find((l) => l.startsWith('MEMORY '));
    if (line) {
      const m = JSON.parse(line.slice(7)) as { heapUsed: number; external: number; rss: number };
      return { used: (m.heapUsed + m.external) / 1024, rss: m.rss / 1024 };
    }
  }
  throw new Error('the server did not report its memory');
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A migrated database holding one open live session without a moderation queue. */
async function prepare(scenario: Scenario, pgUrl: string | null) {
  const tag = randomBytes(4).toString('hex');
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (scenario.database === 'pglite') {
    const dir = `${ROOT}.tmp/bench-live-${tag}`;
    mkdirSync(dir, { recursive: true });
    env = { DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `bench_live_${tag}`;
    const admin = new pg.Client({ connectionString: pgUrl! });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(pgUrl!);
    url.pathname = `/${name}`;
    env = { DATABASE_URL: url.toString() };
    cleanup = async () => {
      const dropper = new pg.Client({ connectionString: pgUrl! });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    };
  }
  const runtime = await startRuntime(
    loadConfig({
      ...env,
      SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
      LOG_LEVEL: 'warn',
    }),
  );
  const session = await createLiveSession(systemContext(runtime.deps), {
    eventId: 'bench',
    title: 'Benchmark session',
    startsAt: new Date(),
    endsAt: new Date(Date.now() + 3600_000),
    moderation: false,
  });
  await runtime.close();
  return { env, sessionId: session.id, cleanup };
}

const CREATED = /"createdAt": ?"([^"]+)"/;

/** A stream client that keeps only what the figures need: ids and latencies. */
class Client {
  ids: number[] = [];
  lastId: number;
  request: http.ClientRequest | null = null;
  resuming = false;
  constructor(
    readonly url: string,
    private readonly agent: http.Agent,
    after: number,
    private readonly onQuestion: (n: number, at: number, sinceWrite: number) => void,
  ) {
    this.lastId = after;
  }

  /** Cuts the connection and comes back after `delayMs` from the last id seen, as EventSource does. */
  cutAndResume(delayMs: number): boolean {
    if (this.resuming) return false;
    this.resuming = true;
    this.cut();
    void sleep(delayMs)
      .then(() => this.connect())
      .finally(() => {
        this.resuming = false;
      });
    return true;
  }

  connect(): Promise<void> {
    const agent = this.agent;
    return new Promise((resolve, reject) => {
      const request = http.get(
        this.url,
        { agent, headers: { accept: 'text/event-stream', 'last-event-id': String(this.lastId) } },
        (response) => {
          if (response.statusCode !== 200) {
            reject(new Error(`stream answered ${response.statusCode}`));
            response.resume();
            return;
          }
          response.setEncoding('utf8');
          let buffer = '';
          response.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (!frame.startsWith('id: ')) continue;
              const id = Number(frame.slice(4, frame.indexOf('\n')));
              this.ids.push(id);
              this.lastId = id;
              const marker = frame.indexOf('bench#');
              if (marker === -1) continue;
              // createdAt is the server's clock when it wrote the question (same machine).
              const created = CREATED.exec(frame)?.[1];
              this.onQuestion(
                parseInt(frame.slice(marker + 6), 10),
                performance.now(),
                created ? Date.now() - Date.parse(created) : NaN,
              );
            }
          });
          response.on('error', () => {});
          resolve();
        },
      );
      request.on('error', (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
      this.request = request;
    });
  }

  cut(): void {
    this.request?.destroy();
  }
}

async function json(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return {
    response,
    body: (await response.json().catch(() => null)) as Record<string, unknown> | null,
  };
}

async function runScenario(
  scenario: Scenario,
  seconds: number,
  pgUrl: string | null,
): Promise<Result> {
  const { env, sessionId, cleanup } = await prepare(scenario, pgUrl);
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  try {
    // BENCH_SERVER_NODE_OPTIONS adds options to the servers, e.g. --cpu-prof to profile them.
    const extra = process.env.BENCH_SERVER_NODE_OPTIONS ?? '';
    const options = {
      ...env,
      NODE_OPTIONS: `--expose-gc --require ${PROBE} ${extra}`.trim(),
      // Every simulated browser comes from 127.0.0.1: the API's per-IP limit (300 requests in 5
      // minutes by default) would refuse all but the first few hundred streams and questions.
      API_RATE_LIMIT: '100000000',
    };
    for (let i = 0; i < scenario.processes; i++) servers.push(await startServer(options));

    // One browser's CSRF pair serves every simulated participant (the token is not per participant).
    const page = await fetch(`${servers[0]!.base}/live/${sessionId}`, {
      headers: { accept: 'text/html' },
    });
    const csrfCookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('cc_csrf='))!
      .split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const participants: string[] = [];
    for (let i = 0; i < PARTICIPANTS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const server = servers[(i + k) % servers.length]!;
          const response = await fetch(`${server.base}/api/v1/live/${sessionId}/participants`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-csrf-token': csrf,
              cookie: csrfCookie,
            },
            body: JSON.stringify({ origin: (i + k) % 3 ? 'room' : 'remote' }),
          });
          const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cc_live='));
          if (!cookie)
            throw new Error(
              `Joining answered ${response.status} without a participant cookie: ${await response.text()}`,
            );
          participants.push(`${csrfCookie}; ${cookie!.split(';')[0]}`);
        }),
      );
    }

    const start = Number(
      (await json(`${servers[0]!.base}/api/v1/live/${sessionId}`)).body!.lastSeq,
    );
    await sleep(1000);
    const before = await Promise.all(servers.map(memoryKiB));

    const sentAt: number[] = [];
    const latencies: number[] = [];
    const fanOut: number[] = [];
    const onQuestion = (n: number, at: number, sinceWrite: number) => {
      const sent = sentAt[n];
      if (sent !== undefined) latencies.push(at - sent);
      if (!Number.isNaN(sinceWrite)) fanOut.push(sinceWrite);
    };
    const agents = servers.map(() => new http.Agent({ keepAlive: false, maxSockets: Infinity }));
    for (let i = 0; i < STREAMS; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) => {
          const s = (i + k) % servers.length;
          const client = new Client(
            `${servers[s]!.base}/api/v1/live/${sessionId}/events`,
            agents[s]!,
            start,
            onQuestion,
          );
          clients.push(client);
          return client.connect();
        }),
      );
    }
    await sleep(3000);
    const after = await Promise.all(servers.map(memoryKiB));
    const perServer = STREAMS / servers.length;
    const perStream = (key: 'used' | 'rss') =>
      after.reduce((sum, a, i) => sum + (a[key] - before[i]![key]), 0) / servers.length / perServer;
    const memoryPerStreamKiB = perStream('used');
    const rssPerStreamKiB = perStream('rss');

    // 50 questions a second, alternating between processes, while 100 streams are cut and resume.
    const postAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const total = seconds * RATE;
    let failedPosts = 0;
    const postTimes: number[] = [];
    const posts: Promise<void>[] = [];
    const began = performance.now();
    const cpuBefore = servers.map((x) => cpuSeconds(x.process.pid!));
    const benchCpuBefore = process.cpuUsage();
    let reconnects = 0;
    const cutter = setInterval(
      () => {
        if (reconnects >= RECONNECTS) return clearInterval(cutter);
        // A random stream, not one already coming back; it returns 50 ms later.
        for (;;) {
          const victim = clients[Math.floor(Math.random() * clients.length)]!;
          if (victim.cutAndResume(50)) break;
        }
        reconnects++;
      },
      (seconds * 900) / RECONNECTS,
    );
    for (let n = 0; n < total; n++) {
      const due = began + (n * 1000) / RATE;
      if (performance.now() < due) await sleep(due - performance.now());
      const server = servers[n % servers.length]!;
      const body = JSON.stringify({
        text: `Benchmark question bench#${n} about capacity`,
        anonymous: true,
      });
      sentAt[n] = performance.now();
      posts.push(
        new Promise<void>((resolve) => {
          const request = http.request(
            `${server.base}/api/v1/live/${sessionId}/questions`,
            {
              method: 'POST',
              agent: postAgent,
              headers: {
                'content-type': 'application/json',
                'x-csrf-token': csrf,
                cookie: participants[n % participants.length]!,
              },
            },
            (response) => {
              if (response.statusCode !== 201) failedPosts++;
              postTimes.push(performance.now() - sentAt[n]!);
              response.resume();
              response.on('end', resolve);
            },
          );
          request.on('error', () => {
            failedPosts++;
            resolve();
          });
          request.end(body);
        }),
      );
    }
    await Promise.all(posts);
    clearInterval(cutter);
    // A busy load generator may fall behind its cutting schedule: finish the count now.
    while (reconnects < RECONNECTS) {
      const victim = clients[Math.floor(Math.random() * clients.length)]!;
      if (victim.cutAndResume(50)) reconnects++;
      await sleep(10);
    }
    const elapsed = (performance.now() - began) / 1000;
    const serverCpu =
      servers.reduce((sum, x, i) => sum + cpuSeconds(x.process.pid!) - cpuBefore[i]!, 0) /
      servers.length /
      elapsed;
    const used = process.cpuUsage(benchCpuBefore);
    const benchCpu = (used.user + used.system) / 1e6 / elapsed;
    const final = Number(
      (await json(`${servers[0]!.base}/api/v1/live/${sessionId}`)).body!.lastSeq,
    );
    const deadline = Date.now() + 15_000;
    while (clients.some((c) => c.resuming || c.lastId < final) && Date.now() < deadline) {
      await sleep(100);
    }

    let lost = 0;
    let duplicated = 0;
    for (const client of clients) {
      const seen = new Set(client.ids);
      duplicated += client.ids.length - seen.size;
      for (let id = start + 1; id <= final; id++) if (!seen.has(id)) lost++;
    }
    const sorted = Float64Array.from(latencies).sort();
    const postSorted = Float64Array.from(postTimes).sort();
    const fanSorted = Float64Array.from(fanOut).sort();
    postAgent.destroy();
    return {
      label: scenario.label,
      streams: clients.length,
      questions: total,
      failedPosts,
      deliveries: latencies.length,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      memoryPerStreamKiB,
      rssPerStreamKiB,
      serverCpu,
      benchCpu,
      fanP50: quantile(fanSorted, 0.5),
      fanP99: quantile(fanSorted, 0.99),
      postP50: quantile(postSorted, 0.5),
      postP99: quantile(postSorted, 0.99),
      reconnects,
      lost,
      duplicated,
      load: loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    };
  } finally {
    for (const client of clients) client.cut();
    await Promise.all(servers.map((s) => s.stop()));
    await cleanup();
  }
}

export async function run(): Promise<string> {
  const seconds = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null;
  const scenarios: Scenario[] = [
    { label: '1 process, PGlite', processes: 1, database: 'pglite' },
    ...(pgUrl
      ? [
          { label: '1 process, PostgreSQL', processes: 1, database: 'postgres' as const },
          { label: '2 processes, one PostgreSQL', processes: 2, database: 'postgres' as const },
        ]
      : []),
  ];
  const results: Result[] = [];
  for (const scenario of scenarios) {
    console.log(`live: ${scenario.label}…`);
    results.push(await runScenario(scenario, seconds, pgUrl));
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const rows = results.map((r) =>
    [
      r.label,
      r.streams,
      `${r.questions} (${r.failedPosts} failed)`,
      r.deliveries,
      `${ms(r.fanP50)} / ${ms(r.fanP99)}`,
      `${ms(r.p50)} / ${ms(r.p99)} (max ${ms(r.max)})`,
      `${ms(r.postP50)} / ${ms(r.postP99)}`,
      `${r.memoryPerStreamKiB.toFixed(1)} KiB (RSS ${r.rssPerStreamKiB.toFixed(1)} KiB)`,
      `${Math.round(r.serverCpu * 100)} % / ${Math.round(r.benchCpu * 100)} %`,
      r.reconnects,
      r.lost,
      r.duplicated,
      r.load,
    ].join(' | '),
  );
  return [
    `Live sessions: ${STREAMS} open streams, ${RATE} questions/s posted over HTTP for ${seconds} s, ${RECONNECTS} streams cut and resumed with Last-Event-ID (${new Date().toISOString().slice(0, 10)}; ${platform()} ${release()}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; servers and load generator on the same machine, 127.0.0.1).`,
    '',
    'Latency "from the write": the question\u2019s createdAt on the server to the event parsed by each client (fan-out). "From the POST": the request sent to the event parsed (includes queueing when questions come faster than the database commits them).',
    '',
    '| scenario | streams | questions | deliveries | p50 / p99 from the write | p50 / p99 from the POST | POST answered p50 / p99 | server memory per stream (heap + external after GC) | CPU per server / load generator | reconnects | lost | duplicated | load average after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    pgUrl ? '' : '\n(No PostgreSQL URL: the PostgreSQL and two-process scenarios were skipped.)',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
  process.exit(0);
}
