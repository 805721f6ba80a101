/**
 * Related resources on a resource page: the SQL statement (search.repository.ts, relatedIds)
 * against the in-memory index (related.memory.ts), side by side on the same resources, at
 * BENCH_CATALOGUE_SIZE generated resources (default 20,000). PostgreSQL when BENCH_DATABASE_URL
 * or TEST_DATABASE_URL answers, else PGlite; BENCH_DATABASES=pglite,postgres to choose.
 */
import pg from 'pg';
import type { Db } from '../src/db/database.ts';
import { sql } from 'kysely';
import { openBenchEnv } from './lib/catalogue-env.ts';
import { generate, load } from './lib/catalogue-data.ts';
import { median, ms, quantile, table } from './lib/report.ts';
import { relatedIds } from '../src/modules/catalogue/search.repository.ts';
import { relatedFromMemory } from '../src/modules/catalogue/related.memory.ts';
import { currentIndex } from '../src/modules/catalogue/search.memory.ts';

async function reachable(url: string | undefined): Promise<string | null> {
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

/** SQL's related score (as in relatedIds) of the given resources, summed. */
async function sqlScore(db: Db, resourceId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql<{ total: number }>`
    WITH src AS (
      SELECT themes, title_vector FROM resource_index WHERE resource_id = ${resourceId}
    ),
    query AS (
      SELECT coalesce(nullif(array_to_string(ARRAY(
        SELECT quote_literal(l) FROM unnest(tsvector_to_array(src.title_vector)) AS l
      ), ' | '), ''), quote_literal('-'))::tsquery AS tsq, src.themes FROM src
    )
    SELECT sum(0.6 * bit_count((i.themes & q.themes)::bit(32))::float4
        / greatest(1, bit_count((i.themes | q.themes)::bit(32)))
      + ts_rank('{0.1, 0.25, 0.5, 1.0}'::float4[], i.search_vector, q.tsq, 1)) AS total
    FROM resource_index i CROSS JOIN query q WHERE i.resource_id = ANY(${ids}::uuid[])`.execute(db);
  return Number(result.rows[0]?.total ?? 0);
}

async function measure(
  kind: 'pglite' | 'postgres',
  url: string | null,
  size: number,
  runs: number,
) {
  const env = await openBenchEnv(kind, url ?? undefined);
  try {
    await load(env.ctx(), generate(size));
    const db = env.deps.readDb;
    await currentIndex(db);
    const ids = (
      await sql<{ id: string }>`SELECT resource_id AS id FROM resource_index
        ORDER BY md5(resource_id::text) LIMIT ${runs}`.execute(db)
    ).rows.map((r) => r.id);
    // Warm-up: both paths once, so that neither pays for cold caches in the timed runs.
    await relatedIds(db, ids[0]!, 5);
    await relatedFromMemory(db, ids[0]!, 5);
    const sqlTimes: number[] = [];
    const memoryTimes: number[] = [];
    let firstInTop5 = 0;
    let shared = 0;
    let sqlPicks = 0;
    let memoryPicks = 0;
    for (const id of ids) {
      // Alternated, one resource at a time: both see the same load.
      let t = performance.now();
      const fromSql = (await relatedIds(db, id, 5)).map((r) => r.id);
      sqlTimes.push(performance.now() - t);
      t = performance.now();
      const fromMemory = (await relatedFromMemory(db, id, 5)).map((r) => r.id);
      memoryTimes.push(performance.now() - t);
      if (fromSql[0] && fromMemory.includes(fromSql[0])) firstInTop5++;
      shared += fromMemory.filter((m) => fromSql.includes(m)).length;
      sqlPicks += await sqlScore(db, id, fromSql);
      memoryPicks += await sqlScore(db, id, fromMemory);
    }
    return [
      kind,
      ms(median(sqlTimes)),
      ms(quantile(sqlTimes, 0.95)),
      ms(median(memoryTimes)),
      ms(quantile(memoryTimes, 0.95)),
      `${(median(sqlTimes) / median(memoryTimes)).toFixed(1)}×`,
      `${firstInTop5} / ${ids.length}`,
      (shared / ids.length).toFixed(1),
      `${((100 * memoryPicks) / sqlPicks).toFixed(0)} %`,
    ];
  } finally {
    await env.close();
  }
}

export async function run(): Promise<string> {
  const size = Number(process.env.BENCH_CATALOGUE_SIZE ?? 20_000);
  const runs = Number(process.env.BENCH_RUNS ?? 100);
  const url = await reachable(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL);
  const kinds = (process.env.BENCH_DATABASES ?? (url ? 'postgres' : 'pglite')).split(',') as Array<
    'pglite' | 'postgres'
  >;
  const rows = [];
  for (const kind of kinds) rows.push(await measure(kind, url, size, runs));
  return [
    `${size.toLocaleString('en')} generated resources; related resources (top 5) of ${runs} of them, SQL and in-memory alternated resource by resource.`,
    '',
    table(
      [
        'database',
        'SQL p50',
        'SQL p95',
        'memory p50',
        'memory p95',
        'p50 ratio',
        "SQL's first in memory's top 5",
        'top 5 shared (mean)',
        "memory's top 5 by SQL's score, of SQL's own",
      ],
      rows,
    ),
  ].join('\n');
}
