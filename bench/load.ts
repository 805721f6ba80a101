/**
 * Load: `commons serve` processes on PostgreSQL, driven over HTTP on 127.0.0.1 by autocannon.
 * Scenarios: catalogue search pages, the search API, detail pages (resources and initiatives), and
 * a mix with one write in ten (an editor adding a draft resource through the API); with one server
 * process and with two behind the same database (autocannon spreads its connections over both).
 *
 * The database (BENCH_LOAD_DATABASE, default `load_bench`, on the server of BENCH_DATABASE_URL or
 * TEST_DATABASE_URL) is kept between runs; sizes BENCH_LOAD_RESOURCES (100,000) and
 * BENCH_LOAD_INITIATIVES (20,000). BENCH_LOAD_SECONDS per scenario (20), BENCH_LOAD_CONNECTIONS
 * (16), BENCH_LOAD_PROCESSES ("1,2"), BENCH_LOAD_CACHE ("off,on": the servers' response cache,
 * RESPONSE_CACHE_MB 0 or its default, side by side in one run).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { startServer, type RunningServer } from './lib/server.ts';
import { openLoadDatabase, type LoadDatabase } from './lib/load-data.ts';
import { ms, table } from './lib/report.ts';

const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = process.env.BENCH_LOAD_DATABASE ?? 'load_bench';
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
};
const SIZES = {
  resources: number('BENCH_LOAD_RESOURCES', 100_000),
  initiatives: number('BENCH_LOAD_INITIATIVES', 20_000),
};
const SECONDS = number('BENCH_LOAD_SECONDS', 20);
const CONNECTIONS = number('BENCH_LOAD_CONNECTIONS', 16);
const PROCESS_COUNTS = (process.env.BENCH_LOAD_PROCESSES ?? '1,2')
  .split(',')
  .map((n) => Number(n.trim()))
  .filter((n) => Number.isInteger(n) && n >= 1);

const CACHE_MODES = (process.env.BENCH_LOAD_CACHE ?? 'off,on')
  .split(',')
  .map((m) => m.trim())
  .filter((m): m is 'off' | 'on' => m === 'off' || m === 'on');

/** The target of issue #11 for catalogue reads on this machine. */
const TARGET = { requestsPerSecond: 1000, p99Ms: 100 };

/** Text queries with filters, as practitioners search (same shapes as bench/catalogue-search.ts). */
const SEARCHES = [
  'q=cybercrime&cost=free&language=fr',
  'q=international+law&format=online-self-paced&cost=free',
  'q=incident+response&kind=course&maxHours=40',
  'q=data+protection&audience=policy-makers&language=en',
  'q=national+cybersecurity+strategy&region=africa',
  'q=diplomacy&theme=norms',
  'q=cyber&cost=free&language=en',
  'q=training&level=introductory',
  'q=critical+infrastructure&kind=course,programme',
  'q=ciberseguridad&language=es',
  'theme=cybercrime&sort=newest',
  'language=fr&cost=free',
];

type Request = autocannon.Request;
/** One request to send: drawn afresh for every request a connection makes. */
type Draw = () => Pick<Request, 'method' | 'path' | 'headers' | 'body'> & { kind: string };

function oneOf<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

interface Scenario {
  name: string;
  /** Catalogue reads only: these are held to the target. */
  catalogue: boolean;
  /** Drawn from with equal chances (repeat an entry to weigh it). */
  draws: Draw[];
}

function scenarios(data: LoadDatabase): Scenario[] {
  const read =
    (kind: string, path: () => string, accept = 'text/html'): Draw =>
    () => ({ kind, method: 'GET', path: path(), headers: { accept }, body: undefined });
  const page = read('page', () => `/catalogue?${oneOf(SEARCHES)}`);
  const api = read('api', () => `/api/v1/resources?${oneOf(SEARCHES)}`, 'application/json');
  const resource = read('resource', () => `/resources/${oneOf(data.resourceSlugs)}`);
  const initiative = read('initiative', () => `/initiatives/${oneOf(data.initiativeSlugs)}`);
  let written = 0;
  const write: Draw = () => {
    written += 1;
    const n = `${process.pid}-${Date.now()}-${written}`;
    return {
      kind: 'write',
      method: 'POST',
      path: '/api/v1/resources',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${data.editorToken}`,
      },
      body: JSON.stringify({
        kind: 'course',
        title: { en: `Load test course ${n} on incident response` },
        summary: { en: 'A draft added while the platform is under load.' },
        url: `https://example.org/load/${n}`,
        providers: ['Load Bench'],
        themes: ['incident-management'],
        audiences: ['technical-cert'],
        format: 'online-self-paced',
        cost: 'free',
        durationHours: 6,
      }),
    };
  };
  return [
    { name: 'catalogue search page', catalogue: true, draws: [page] },
    { name: 'catalogue search API', catalogue: true, draws: [api] },
    { name: 'detail pages (resource, initiative)', catalogue: true, draws: [resource, initiative] },
    {
      name: 'mix: 90 % reads, 10 % writes',
      catalogue: false,
      // Each request is a write with a chance of one in ten, however few a connection makes.
      draws: [page, page, api, api, resource, resource, initiative, initiative, page, write],
    },
  ];
}

interface Measured {
  processes: number;
  cache: 'off' | 'on';
  /** Share of GET answers served from the response cache (`X-Cache: hit`). */
  hitRatio: number | null;
  scenario: Scenario;
  result: autocannon.Result;
  /** The machine's 1-minute load average when the scenario started: the machine is shared. */
  loadBefore: number;
  /** Resources created (201) during the measured run. */
  writes: number;
}

/** What went wrong, to print: the first few non-2xx answers of a run. */
const failures: string[] = [];
/** Answers per kind of request and status, e.g. "write 201". */
const answered = new Map<string, number>();
/** Answers by their X-Cache header ("hit", "miss"). */
const cacheAnswers = { hit: 0, miss: 0 };

/** One autocannon request that becomes a fresh draw each time, and notes what came back. */
function drawing(draws: Draw[]): Request[] {
  return [
    {
      setupRequest: (request, context: { kind?: string; path?: string }) => {
        const { kind, ...drawn } = oneOf(draws)();
        context.kind = kind;
        context.path = drawn.path;
        return { ...request, ...drawn };
      },
      onResponse: (
        status,
        body,
        context: { kind?: string; path?: string },
        headers?: IncomingHttpHeaders,
      ) => {
        const cache = headers?.['x-cache'];
        if (cache === 'hit' || cache === 'miss') cacheAnswers[cache] += 1;
        const key = `${context.kind} ${status}`;
        answered.set(key, (answered.get(key) ?? 0) + 1);
        if ((status < 200 || status > 299) && failures.length < 5) {
          failures.push(`${status} ${context.kind} ${context.path}: ${body.slice(0, 300)}`);
        }
      },
    },
  ];
}

function fire(urls: string[], draws: Draw[], seconds: number): Promise<autocannon.Result> {
  return autocannon({
    // autocannon takes a list too, and deals the connections over it round-robin.
    url: urls as unknown as string,
    connections: CONNECTIONS,
    duration: seconds,
    requests: drawing(draws),
    // Slow answers are measured, not dropped: a 10 s timeout counts as an error.
    timeout: 10,
  });
}

async function underProcesses(
  count: number,
  cache: 'off' | 'on',
  data: LoadDatabase,
): Promise<Measured[]> {
  const env = {
    ...(cache === 'off' ? { RESPONSE_CACHE_MB: '0' } : {}),
    DATABASE_URL: data.url,
    NO_SEED: '1',
    SESSION_SECRET: 'load-bench-session-secret-0123456789abcdef',
    // The API limit is per IP; every request here comes from 127.0.0.1.
    API_RATE_LIMIT: '999999999',
    LOG_LEVEL: 'warn',
  };
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await startServer(env));
    const urls = servers.map((s) => s.url);
    const out: Measured[] = [];
    for (const scenario of scenarios(data)) {
      // Warm-up: caches, JIT and pools, not measured.
      await fire(urls, scenario.draws, 3);
      answered.clear();
      failures.length = 0;
      cacheAnswers.hit = cacheAnswers.miss = 0;
      const loadBefore = loadavg()[0]!;
      const result = await fire(urls, scenario.draws, SECONDS);
      const writes = answered.get('write 201') ?? 0;
      const seen = cacheAnswers.hit + cacheAnswers.miss;
      const hitRatio = seen ? cacheAnswers.hit / seen : null;
      console.log(
        `${count} process(es), cache ${cache}, ${scenario.name}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, errors ${errorsOf(result)}`,
      );
      for (const failure of failures.splice(0)) console.log(`  ${failure}`);
      out.push({ processes: count, cache, hitRatio, scenario, result, loadBefore, writes });
    }
    return out;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function errorsOf(result: autocannon.Result): number {
  // autocannon's errors include its time-outs.
  return result.errors + result.non2xx;
}

/** "0", or the count with its kinds: "2 (500 × 2)". */
function errorText(result: autocannon.Result): string {
  const total = errorsOf(result);
  if (total === 0) return '0';
  const kinds = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${code} × ${count ?? 0}`);
  if (result.timeouts) kinds.push(`time-out × ${result.timeouts}`);
  if (result.errors > result.timeouts) kinds.push(`socket × ${result.errors - result.timeouts}`);
  return `${total} (${kinds.join(', ')})`;
}

export async function run(): Promise<string> {
  const data = await openLoadDatabase(SERVER_URL, DATABASE, SIZES);
  const measured: Measured[] = [];
  try {
    for (const count of PROCESS_COUNTS)
      for (const cache of CACHE_MODES) measured.push(...(await underProcesses(count, cache, data)));
  } finally {
    await data.close();
  }
  const rows = measured.map(
    ({ processes, cache, hitRatio, scenario, result, loadBefore, writes }) => {
      const meets =
        result.requests.average >= TARGET.requestsPerSecond &&
        result.latency.p99 <= TARGET.p99Ms &&
        errorsOf(result) === 0;
      return [
        processes,
        cache,
        hitRatio === null ? '—' : `${Math.round(hitRatio * 100)} %`,
        scenario.name,
        result.requests.total,
        writes,
        result.requests.average.toFixed(0),
        ms(result.latency.p50),
        ms(result.latency.p99),
        errorText(result),
        loadBefore.toFixed(1),
        scenario.catalogue ? (meets ? 'yes' : 'no') : '—',
      ];
    },
  );
  return [
    `PostgreSQL database \`${DATABASE}\`: ${SIZES.resources.toLocaleString('en')} resources, ${SIZES.initiatives.toLocaleString('en')} initiatives` +
      (data.seedSeconds !== null ? ` (seeded in this run, ${data.seedSeconds.toFixed(0)} s)` : '') +
      `. autocannon in the benchmark's own process on the same machine, ${CONNECTIONS} connections ` +
      `spread over the server processes, ${SECONDS} s per scenario after a 3 s warm-up, no ` +
      `compression asked for. Errors are socket errors, time-outs and non-2xx answers; "load avg" is the machine's ` +
      `1-minute load average as the scenario started (other work shares the machine). Target: ` +
      `≥ ${TARGET.requestsPerSecond} requests/s at p99 ≤ ${TARGET.p99Ms} ms with zero errors.`,
    '',
    table(
      [
        'processes',
        'response cache',
        'cache hits',
        'scenario',
        'requests',
        'writes',
        'requests/s',
        'p50',
        'p99',
        'errors',
        'load avg',
        'target met',
      ],
      rows,
    ),
  ].join('\n');
}
