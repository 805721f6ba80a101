/**
 * Catalogue search at scale: 100,000 generated resources (BENCH_CATALOGUE_SIZE to change), the
 * same text queries with two filters and every facet through the real service, on PGlite and on
 * PostgreSQL in the same run (BENCH_DATABASE_URL or TEST_DATABASE_URL), with the query plans;
 * the naive design (ts_rank over every match, one GROUP BY per facet) for comparison; and the same
 * queries and data through MiniSearch in this process.
 */
import { cpus, totalmem, platform, release, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { sql } from 'kysely';
import MiniSearch from 'minisearch';
import { openBenchEnv, type BenchEnv } from './lib/catalogue-env.ts';
import { generate, load, type Generated } from './lib/catalogue-data.ts';
import { searchParamsFrom, searchResources } from '../src/modules/catalogue/index.ts';
import {
  compileQuery,
  explain,
  facetStatement,
  matchingAmongStatement,
  rankAmongStatement,
  type FilterSpec,
} from '../src/modules/catalogue/search.repository.ts';
import { currentIndex, forgetIndex, memorySearch } from '../src/modules/catalogue/search.memory.ts';
import { audienceMask, themeMask } from '../src/modules/catalogue/indexing.ts';
import { prepareQuery, ALL_CONFIGS } from '../src/modules/catalogue/text.ts';

/** Text query plus two filters, as practitioners search. */
const QUERIES: Array<Record<string, string>> = [
  { q: 'cybercrime', cost: 'free', language: 'fr' },
  { q: 'international law', format: 'online-self-paced', cost: 'free' },
  { q: 'incident response', kind: 'course', maxHours: '40' },
  { q: 'data protection', audience: 'policy-makers', language: 'en' },
  { q: 'national cybersecurity strategy', region: 'africa', cost: 'free,funded' },
  { q: 'diplomacy', theme: 'norms', format: 'online-self-paced' },
  { q: 'cyber', cost: 'free', language: 'en' },
  { q: 'training', level: 'introductory', cost: 'free' },
  { q: 'critical infrastructure', kind: 'course,programme', language: 'en' },
  { q: 'confidence-building measures', audience: 'diplomats', cost: 'free' },
  { q: 'ciberseguridad', language: 'es', format: 'online-self-paced' },
  { q: 'кибербезопасности', language: 'ru', cost: 'free' },
];

const q = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
};
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const fmtLoad = (l: number[]) => l.map((v) => v.toFixed(2)).join(', ');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function machine(): string {
  return `${platform()} ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function postgresUrl(): Promise<string | null> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null;
  if (!url) return null;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch {
    return null;
  }
}

interface DbFigures {
  kind: string;
  loadSeconds: number;
  p50: number;
  p95: number;
  max: number;
  naiveP50: number;
  naiveP95: number;
  /** Building the in-memory index from the table (first search), its heap and typed-array size. */
  indexBuildMs: number;
  indexHeap: number;
  indexBytes: number;
  /** A search right after one resource changed (the index catches up first): median. */
  afterWriteP50: number;
  memoryP50: number;
  memoryP95: number;
  plans: string;
}

function filterSpecOf(params: ReturnType<typeof searchParamsFrom>): FilterSpec {
  return {
    kind: params.kind,
    level: params.level,
    format: params.format,
    cost: params.cost,
    themes: themeMask(params.theme),
    audiences: audienceMask(params.audience),
    language: params.language,
    region: params.region,
    country: null,
    maxHours: params.maxHours,
    enrolmentOpen: params.enrolmentOpen,
    today: new Date().toISOString().slice(0, 10),
  };
}

/** The design the budget rules out: rank every match, count each facet with its own query. */
async function naive(env: BenchEnv, params: ReturnType<typeof searchParamsFrom>): Promise<void> {
  const db = env.deps.readDb;
  const tsq = sql.join(
    ALL_CONFIGS.map((c) => sql`websearch_to_tsquery(${c}::regconfig, ${prepareQuery(params.q!)})`),
    sql` || `,
  );
  const where = sql`i.search_vector @@ (${tsq})`;
  await sql`SELECT i.resource_id, ts_rank(i.search_vector, ${tsq}) AS r FROM resource_index i
    WHERE ${where} ORDER BY r DESC LIMIT 20`.execute(db);
  for (const column of ['kind', 'level', 'format', 'cost']) {
    await sql`SELECT ${sql.ref(column)}, count(*) FROM resource_index i WHERE ${where}
      GROUP BY 1`.execute(db);
  }
  for (const column of ['languages', 'region_codes', 'countries']) {
    await sql`SELECT v, count(*) FROM resource_index i, unnest(i.${sql.ref(column)}) v
      WHERE ${where} GROUP BY 1`.execute(db);
  }
  await sql`SELECT count(*) FROM resource_index i WHERE ${where}`.execute(db);
}

async function measure(
  kind: 'pglite' | 'postgres',
  url: string | undefined,
  rows: Generated[],
  runs: number,
) {
  const env = await openBenchEnv(kind, url);
  try {
    const started = performance.now();
    await load(env.ctx(), rows);
    const loadSeconds = (performance.now() - started) / 1000;
    const ctx = env.ctx();
    const db = env.deps.readDb;
    forgetIndex(db);
    gc();
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const heapBefore = used();
    const built = performance.now();
    const index = await currentIndex(db);
    const indexBuildMs = performance.now() - built;
    gc();
    const indexHeap = used() - heapBefore;
    const indexBytes = index.bytes();
    const params = QUERIES.map((query) => searchParamsFrom(query));
    for (const p of params) await searchResources(ctx, p); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = params[i % params.length]!;
      const t0 = performance.now();
      await searchResources(ctx, p);
      times.push(performance.now() - t0);
    }
    // The in-memory part alone (version check, match, filters, every facet), same queries.
    const specs = await Promise.all(
      params.map(async (p) => ({
        filters: filterSpecOf(p),
        tsq: await compileQuery(db, prepareQuery(p.q!)),
      })),
    );
    const memoryTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const spec = specs[i % specs.length]!;
      const t0 = performance.now();
      await memorySearch(db, spec.filters, spec.tsq);
      memoryTimes.push(performance.now() - t0);
    }
    // Freshness costs: one resource changes (as an edit would), then the next search.
    const afterWrite: number[] = [];
    for (let i = 0; i < 12; i++) {
      const id = rows[(i * 7919) % rows.length]!.id;
      await sql`UPDATE resource_index SET updated_at = now() WHERE resource_id = ${id}`.execute(
        env.deps.db,
      );
      const t0 = performance.now();
      await searchResources(ctx, params[i % params.length]!);
      afterWrite.push(performance.now() - t0);
    }
    const naiveTimes: number[] = [];
    for (let i = 0; i < Math.min(runs, 2 * params.length); i++) {
      const t0 = performance.now();
      await naive(env, params[i % params.length]!);
      naiveTimes.push(performance.now() - t0);
    }
    const sample = params[0]!;
    const filters = filterSpecOf(sample);
    const text = await compileQuery(db, prepareQuery(sample.q!));
    const found = (await memorySearch(db, filters, text))!;
    const phrase = params.find((p) => p.q === 'confidence-building measures')!;
    const phraseText = await compileQuery(db, prepareQuery(phrase.q!));
    const phraseFound = (await memorySearch(db, filterSpecOf(phrase), phraseText))!;
    const plans = [
      `Version check before every search:`,
      await explain(db, sql`SELECT version FROM resource_index_version`),
      '',
      `Ranking the capped candidates chosen in memory for ${JSON.stringify(QUERIES[0])}:`,
      await explain(
        db,
        rankAmongStatement(found.candidates(200), text, {
          cap: 200,
          limit: 20,
          offset: 0,
          fitHours: null,
          preferLanguages: ['en'],
        }),
      ),
      '',
      `Phrase check for ${JSON.stringify(phrase.q)} (${phraseText}); the query's lexemes are matched in memory, PostgreSQL keeps the rows with the words in order (shown for the ids passing the filters):`,
      await explain(db, matchingAmongStatement(phraseFound.candidates(1_000_000), phraseText)),
      '',
      `For comparison, the facets and total in SQL (the path left for queries with weights or prefixes) for ${JSON.stringify(QUERIES[0])}:`,
      await explain(db, facetStatement(filters, text)),
    ]
      .join('\n')
      // The candidate ids are data, not plan: keep the plans readable.
      .replace(
        /'\{[0-9a-f,-]{200,}\}'::uuid\[\]/g,
        (list) => `'{${list.split(',').length} ids}'::uuid[]`,
      );
    return {
      kind,
      loadSeconds,
      p50: q(times, 0.5),
      p95: q(times, 0.95),
      max: Math.max(...times),
      naiveP50: q(naiveTimes, 0.5),
      naiveP95: q(naiveTimes, 0.95),
      indexBuildMs,
      indexHeap,
      indexBytes,
      afterWriteP50: q(afterWrite, 0.5),
      memoryP50: q(memoryTimes, 0.5),
      memoryP95: q(memoryTimes, 0.95),
      plans,
    } satisfies DbFigures;
  } finally {
    await env.close();
  }
}

interface Doc {
  id: number;
  title: string;
  summary: string;
  description: string;
  providers: string;
  kind: string;
  level: string | null;
  format: string;
  cost: string;
  themes: string[];
  audiences: string[];
  languages: string[];
  regions: string[];
  durationHours: number | null;
}

/** The same data and queries in an in-process JavaScript index, facets counted in JavaScript. */
function miniSearch(rows: Generated[], runs: number) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = new MiniSearch<Doc>({
    fields: ['title', 'summary', 'description', 'providers'],
    storeFields: [
      'kind',
      'level',
      'format',
      'cost',
      'themes',
      'audiences',
      'languages',
      'regions',
      'durationHours',
    ],
    searchOptions: { boost: { title: 3, summary: 1.5 }, combineWith: 'AND', prefix: false },
  });
  index.addAll(
    rows.map(({ input }, id) => ({
      id,
      title: Object.values(input.title).join(' '),
      summary: Object.values(input.summary).join(' '),
      description: input.description,
      providers: input.providers.join(' '),
      kind: input.kind,
      level: input.level,
      format: input.format,
      cost: input.cost,
      themes: input.themes,
      audiences: input.audiences,
      languages: input.languages,
      regions: input.regions,
      durationHours: input.durationHours,
    })),
  );
  const buildMs = performance.now() - started;
  gc();
  const memory = process.memoryUsage().heapUsed - before;
  const params = QUERIES.map((query) => searchParamsFrom(query));
  const run = (p: (typeof params)[number]) => {
    const tests: Array<[string, (d: Record<string, unknown>) => boolean]> = [];
    const anyOf = (field: string, values: string[]) => (d: Record<string, unknown>) => {
      const v = d[field];
      return Array.isArray(v)
        ? v.some((x) => values.includes(x as string))
        : values.includes(v as string);
    };
    if (p.kind.length) tests.push(['kind', anyOf('kind', p.kind)]);
    if (p.cost.length) tests.push(['cost', anyOf('cost', p.cost)]);
    if (p.format.length) tests.push(['format', anyOf('format', p.format)]);
    if (p.level.length) tests.push(['level', anyOf('level', p.level)]);
    if (p.theme.length) tests.push(['theme', anyOf('themes', p.theme)]);
    if (p.audience.length) tests.push(['audience', anyOf('audiences', p.audience)]);
    if (p.language.length) tests.push(['language', anyOf('languages', p.language)]);
    if (p.region.length) tests.push(['region', anyOf('regions', p.region)]);
    if (p.maxHours !== null)
      tests.push([
        'maxHours',
        (d) => d.durationHours !== null && (d.durationHours as number) <= p.maxHours!,
      ]);
    const results = index.search(p.q!);
    const facets = new Map<string, number>();
    const hits: typeof results = [];
    for (const r of results) {
      const failed = tests.filter(([, test]) => !test(r)).map(([name]) => name);
      if (failed.length > 1) continue;
      if (failed.length === 0) hits.push(r);
      for (const [field, name] of [
        ['kind', 'kind'],
        ['cost', 'cost'],
        ['format', 'format'],
        ['level', 'level'],
        ['themes', 'theme'],
        ['audiences', 'audience'],
        ['languages', 'language'],
        ['regions', 'region'],
      ] as const) {
        if (failed.length === 1 && failed[0] !== name) continue;
        const values = r[field];
        for (const v of Array.isArray(values) ? values : [values])
          facets.set(`${name}:${v}`, (facets.get(`${name}:${v}`) ?? 0) + 1);
      }
    }
    return { total: hits.length, top: hits.slice(0, 20), facets };
  };
  for (const p of params) run(p);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run(params[i % params.length]!);
    times.push(performance.now() - t0);
  }
  return { buildMs, memory, p50: q(times, 0.5), p95: q(times, 0.95) };
}

export async function run(): Promise<string> {
  const size = Number(process.env.BENCH_CATALOGUE_SIZE ?? 100_000);
  const runs = Number(process.env.BENCH_RUNS ?? 240);
  const started = new Date();
  const loadBefore = loadavg();
  const rows = generate(size);
  const url = await postgresUrl();
  const figures: DbFigures[] = [await measure('pglite', undefined, rows, runs)];
  if (url) figures.push(await measure('postgres', url, rows, runs));
  const mini = miniSearch(rows, runs);

  const lines = [
    `Machine: ${machine()}. Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `${size.toLocaleString('en')} generated resources (demo vocabulary, six languages); ${QUERIES.length} queries, each a text query with two filters and every facet counted given the other filters, through \`searchResources\` (facets + capped ranking + rows + highlights); ${runs} searches per database after a warm-up.`,
    '',
    `Load average (1, 5, 15 min): ${fmtLoad(loadBefore)} at the start, ${fmtLoad(loadavg())} at the end.`,
    '',
    '| engine | load | index build | index memory | p50 | p95 | max | in-memory part p50 / p95 | after a write p50 | naive p50 | naive p95 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.kind} | ${f.loadSeconds.toFixed(1)} s | ${(f.indexBuildMs / 1000).toFixed(1)} s | +${mb(f.indexHeap)} (postings and columns ${mb(f.indexBytes)}) | ${ms(f.p50)} | ${ms(f.p95)} | ${ms(f.max)} | ${ms(f.memoryP50)} / ${ms(f.memoryP95)} | ${ms(f.afterWriteP50)} | ${ms(f.naiveP50)} | ${ms(f.naiveP95)} |`,
    ),
    `| MiniSearch (in process) | | build ${(mini.buildMs / 1000).toFixed(1)} s | heap +${mb(mini.memory)} | ${ms(mini.p50)} | ${ms(mini.p95)} | | | | | |`,
    '',
    '"index build" = reading `resource_index` into the in-memory index (done by the first search of a process), its memory = JS heap and array buffers after minus before; "in-memory part" = `memorySearch` alone (version check, match, filters, all facets; phrase check included); "after a write" = a search right after one resource changed, the index catching up from the change log first.',
    url ? '' : '_PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL._',
    '"naive" = `ts_rank` over every match (top 20) plus one GROUP BY per facet, no capping.',
    '',
    ...figures.flatMap((f) => [`Plans on ${f.kind}:`, '', '```', f.plans, '```', '']),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
