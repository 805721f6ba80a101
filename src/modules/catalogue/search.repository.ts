/**
 * The search engine's SQL, over `resource_index`: one row per published resource.
 *
 * - Matching: the query is parsed once in every language configuration, the distinct results
 *   OR-ed into one tsquery (compileQuery) and passed as a constant, against a stored, GIN-indexed
 *   tsvector (titles A, summaries and providers B, description and theme labels C, the rest D).
 * - Facets and total: ONE statement. The rows matching the text and failing at most one filter are
 *   read once into a small materialised set carrying a flag per active filter; each facet is one
 *   GROUP BY over the rows passing every *other* filter. Multi-valued fields are grouped by their
 *   whole value (a theme mask, "en,fr") and split into values by the caller: far cheaper than
 *   unnesting every row.
 * - Ranking: never over every match. Candidates are capped: title matches first (a small GIN
 *   index), then other matches, each tier at most `cap` rows; only those are scored.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import { ALL_CONFIGS, MARK_END, MARK_START } from './text.ts';
import { LEXEME_SEPARATOR, type IndexRow } from './memory-index.ts';

export interface FilterSpec {
  kind: string[];
  level: string[];
  format: string[];
  cost: string[];
  /** Bit masks of the themes and audiences asked for (any of them). */
  themes: number;
  audiences: number;
  language: string[];
  region: string[];
  /** Countries asked for, and the regions they lie in (resources naming those regions match). */
  country: { countries: string[]; regions: string[] } | null;
  maxHours: number | null;
  enrolmentOpen: boolean;
  /** "YYYY-MM-DD", for enrolment and deadlines. */
  today: string;
}

export type FacetName =
  | 'kind'
  | 'theme'
  | 'audience'
  | 'level'
  | 'format'
  | 'cost'
  | 'language'
  | 'region'
  | 'country'
  | 'maxHours'
  | 'enrolmentOpen';

type Predicate = { name: FacetName; sql: RawBuilder<unknown> };

function openExpr(today: string) {
  return sql`(i.enrol_by >= ${today}::date OR (i.enrol_by IS NULL
    AND i.kind IN ('course', 'programme') AND (i.ends_on IS NULL OR i.ends_on >= ${today}::date)))`;
}

function predicates(f: FilterSpec): Predicate[] {
  const out: Predicate[] = [];
  for (const name of ['kind', 'level', 'format', 'cost'] as const) {
    if (f[name].length) out.push({ name, sql: sql`i.${sql.ref(name)} = ANY(${f[name]}::text[])` });
  }
  if (f.themes) out.push({ name: 'theme', sql: sql`(i.themes & ${f.themes}::int) <> 0` });
  if (f.audiences)
    out.push({ name: 'audience', sql: sql`(i.audiences & ${f.audiences}::int) <> 0` });
  if (f.language.length)
    out.push({ name: 'language', sql: sql`i.languages && ${f.language}::text[]` });
  if (f.region.length)
    out.push({ name: 'region', sql: sql`i.region_codes && ${f.region}::text[]` });
  if (f.country)
    out.push({
      name: 'country',
      sql: sql`(i.countries && ${f.country.countries}::text[]
        OR i.regions && ${f.country.regions}::text[])`,
    });
  if (f.maxHours !== null)
    out.push({ name: 'maxHours', sql: sql`i.duration_hours <= ${f.maxHours}::real` });
  if (f.enrolmentOpen) out.push({ name: 'enrolmentOpen', sql: openExpr(f.today) });
  return out;
}

/**
 * The query in every configuration, duplicates removed, OR-ed: the query's language is unknown,
 * and "cybercrime" is 'cybercrim' in four of them. '' when nothing is left (only stop words).
 */
export async function compileQuery(db: Db, text: string): Promise<string> {
  const result = await sql<{ q: string }>`
    SELECT websearch_to_tsquery(c.config::regconfig, ${text})::text AS q
    FROM unnest(${ALL_CONFIGS}::text[]) AS c (config)`.execute(db);
  const distinct = [...new Set(result.rows.map((r) => r.q.trim()).filter(Boolean))];
  return distinct.length === 1 ? distinct[0]! : distinct.map((q) => `( ${q} )`).join(' | ');
}

function and(parts: RawBuilder<unknown>[]) {
  return parts.length ? sql.join(parts, sql` AND `) : sql`true`;
}

/**
 * `vector @@ query`, the query behind a scalar subquery on purpose: a common word's constant
 * query leads the planner to a sequential scan that evaluates @@ on every row (measured 40×
 * slower than the GIN bitmap scan at 20,000 rows), because it prices @@ like `=`.
 */
function matches(column: 'search_vector' | 'title_vector', tsq: string) {
  return sql`i.${sql.ref(column)} @@ (SELECT ${tsq}::tsquery)`;
}

export interface FacetRow {
  facet: string;
  value: string | null;
  /** For themes and audiences: the bit mask this count is for. */
  mask: number | null;
  n: number;
}

/** Total and every facet's counts (each given the other filters), in one statement. */
export async function facetCounts(
  db: Db,
  filters: FilterSpec,
  tsq: string | null,
): Promise<FacetRow[]> {
  const result = await facetStatement(filters, tsq).execute(db);
  return result.rows.map((r) => ({
    facet: r.facet,
    value: r.value,
    mask: r.mask === null ? null : Number(r.mask),
    n: Number(r.n),
  }));
}

/** Facets counted in the one pass over the rows passing every filter (GROUPING SETS). */
const GROUPED: ReadonlyArray<{ facet: FacetName; column: string; mask?: boolean; list?: boolean }> =
  [
    { facet: 'kind', column: 'kind' },
    { facet: 'level', column: 'level' },
    { facet: 'format', column: 'format' },
    { facet: 'cost', column: 'cost' },
    { facet: 'theme', column: 'themes', mask: true },
    { facet: 'audience', column: 'audiences', mask: true },
    { facet: 'maxHours', column: 'duration_hours' },
    { facet: 'enrolmentOpen', column: 'open' },
    { facet: 'language', column: 'languages', list: true },
    { facet: 'region', column: 'region_codes', list: true },
    { facet: 'country', column: 'countries', list: true },
  ];

export function facetStatement(filters: FilterSpec, tsq: string | null): RawBuilder<FacetRow> {
  const preds = predicates(filters);
  const flag = (i: number) => sql.ref(`p${i}`);
  const except = (name: FacetName) =>
    and(preds.flatMap((p, i) => (p.name === name ? [] : [flag(i)])));
  const all = and(preds.map((_, i) => flag(i)));
  const failing =
    preds.length > 1
      ? sql`(${sql.join(
          preds.map((p) => sql`(NOT coalesce(${p.sql}, false))::int`),
          sql` + `,
        )}) <= 1`
      : sql`true`;
  const flags = preds.map((p, i) => sql`coalesce(${p.sql}, false) AS ${flag(i)}`);
  // With a text query the GIN index bounds the rows already, and each filter is evaluated once,
  // in the flags. Without one, rows failing two filters are left out before materialising.
  const where = tsq ? matches('search_vector', tsq) : failing;
  // A facet that is also an active filter is counted over the rows passing the *other* filters:
  // its own pass. Every other facet shares the one pass over the rows passing all of them.
  const active = new Set(preds.map((p) => p.name));
  const shared = GROUPED.filter((g) => !active.has(g.facet));
  const own = GROUPED.filter((g) => active.has(g.facet));
  // Lists are grouped by their whole value (hashing an array is cheap; unnesting every row is
  // not) and turned into text only for the few groups.
  const value = (g: (typeof GROUPED)[number]) =>
    g.mask
      ? sql`NULL::text`
      : g.list
        ? sql`array_to_string(${sql.ref(g.column)}, ',')`
        : sql`${sql.ref(g.column)}::text`;
  const mask = (g: (typeof GROUPED)[number]) =>
    g.mask ? sql`${sql.ref(g.column)}` : sql`NULL::int`;
  const sharedPass = sql`
    SELECT CASE ${sql.join(
      shared.map((g) => sql`WHEN GROUPING(${sql.ref(g.column)}) = 0 THEN ${g.facet}`),
      sql` `,
    )} ELSE '' END AS facet,
      ${shared.length ? sql`coalesce(${sql.join(shared.map(value))})` : sql`NULL::text`} AS value,
      ${
        shared.some((g) => g.mask)
          ? sql`coalesce(${sql.join(shared.filter((g) => g.mask).map(mask))})`
          : sql`NULL::int`
      } AS mask,
      count(*) AS n
    FROM base WHERE ${all}
    GROUP BY GROUPING SETS ((), ${sql.join(shared.map((g) => sql`(${sql.ref(g.column)})`))})`;
  const ownPasses = own.map(
    (g) => sql`
    UNION ALL SELECT ${g.facet}::text, ${value(g)}, ${mask(g)}, count(*) FROM base
      WHERE ${except(g.facet)} GROUP BY 2, 3`,
  );
  return sql<FacetRow>`
    WITH base AS MATERIALIZED (
      SELECT i.kind, i.level, i.format, i.cost, i.themes, i.audiences, i.duration_hours,
        ${openExpr(filters.today)} AS open, i.languages, i.region_codes, i.countries
        ${flags.length ? sql`, ${sql.join(flags)}` : sql``}
      FROM resource_index i
      WHERE ${where}
    )
    ${sharedPass}
    ${sql.join(ownPasses, sql` `)}
  `;
}

export interface RankOptions {
  /** Candidates taken from each tier (title matches, then other matches). */
  cap: number;
  limit: number;
  offset: number;
  /** The reader's hours a week ("fits me"): resources that fit rank first among equals. */
  fitHours: number | null;
  /** Languages to favour (the reader's profile). */
  preferLanguages: string[];
}

const WEIGHTS = sql`'{0.1, 0.25, 0.5, 1.0}'::float4[]`;

function fitBoost(fitHours: number | null) {
  if (fitHours === null) return sql`1.0`;
  return sql`CASE WHEN i.duration_hours IS NULL THEN 1.0
    WHEN (CASE WHEN i.starts_on IS NOT NULL AND i.ends_on IS NOT NULL
          THEN i.duration_hours / greatest(1.0, (i.ends_on - i.starts_on + 1) / 7.0)
          ELSE i.duration_hours / 4.0 END) <= ${fitHours}::real THEN 1.3 ELSE 0.8 END`;
}

function languageBoost(languages: string[]) {
  if (languages.length === 0) return sql`1.0`;
  return sql`CASE WHEN i.languages && ${languages}::text[] THEN 1.15 ELSE 1.0 END`;
}

function score(tsq: string, options: RankOptions) {
  const text = sql`(ts_rank_cd(${WEIGHTS}, i.search_vector, ${tsq}::tsquery, 1)
      + 0.5 * ts_rank(i.title_vector, ${tsq}::tsquery, 1))`;
  return sql`${text}
    * ${fitBoost(options.fitHours)} * ${languageBoost(options.preferLanguages)}`;
}

/** Ranked ids for a text query: scores only the capped candidates. */
export async function rankedIds(
  db: Db,
  filters: FilterSpec,
  tsq: string,
  options: RankOptions,
): Promise<Array<{ id: string; score: number }>> {
  const result = await rankStatement(filters, tsq, options).execute(db);
  return result.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
}

export function rankStatement(
  filters: FilterSpec,
  tsq: string,
  options: RankOptions,
): RawBuilder<{ id: string; score: number }> {
  const where = and(predicates(filters).map((p) => p.sql));
  return sql<{ id: string; score: number }>`
    SELECT c.id, c.score FROM (
      (SELECT i.resource_id AS id, i.published_at, ${score(tsq, options)} AS score
        FROM resource_index i
        WHERE ${matches('title_vector', tsq)} AND ${where} LIMIT ${options.cap})
      UNION ALL
      (SELECT i.resource_id, i.published_at, ${score(tsq, options)}
        FROM resource_index i
        WHERE ${matches('search_vector', tsq)} AND NOT ${matches('title_vector', tsq)}
          AND ${where} LIMIT ${options.cap})
    ) AS c
    ORDER BY c.score DESC, c.published_at DESC, c.id
    LIMIT ${options.limit} OFFSET ${options.offset}
  `;
}

export type SortOrder = 'newest' | 'deadline' | 'fit';

/** Ids in a fixed order (newest, soonest deadline), with or without a text query. */
export async function sortedIds(
  db: Db,
  filters: FilterSpec,
  tsq: string | null,
  order: SortOrder,
  options: Pick<RankOptions, 'limit' | 'offset' | 'fitHours'>,
): Promise<string[]> {
  const parts = predicates(filters).map((p) => p.sql);
  if (tsq) parts.unshift(matches('search_vector', tsq));
  const orderBy =
    order === 'deadline'
      ? sql`CASE WHEN i.enrol_by >= ${filters.today}::date THEN 0
          WHEN i.enrol_by IS NULL THEN 1 ELSE 2 END, i.enrol_by, i.published_at DESC`
      : order === 'fit'
        ? sql`${fitBoost(options.fitHours)} DESC, i.published_at DESC`
        : sql`i.published_at DESC`;
  const result = await sql<{ id: string }>`
    SELECT i.resource_id AS id FROM resource_index i
    WHERE ${and(parts)}
    ORDER BY ${orderBy}, i.resource_id
    LIMIT ${options.limit} OFFSET ${options.offset}
  `.execute(db);
  return result.rows.map((r) => r.id);
}

/** Highlighted passages (ts_headline) of given texts, with control-character markers. */
export async function headlines(
  db: Db,
  tsq: string,
  items: ReadonlyArray<{ key: string; config: string; body: string }>,
): Promise<Map<string, string>> {
  if (items.length === 0) return new Map();
  const options = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
  const result = await sql<{ key: string; headline: string }>`
    SELECT t.key, ts_headline(t.config::regconfig, t.body, ${tsq}::tsquery, ${options}) AS headline
    FROM unnest(${items.map((i) => i.key)}::text[], ${items.map((i) => i.config)}::text[],
      ${items.map((i) => i.body)}::text[]) AS t (key, config, body)
  `.execute(db);
  return new Map(result.rows.map((r) => [r.key, r.headline]));
}

/** For each word not in the catalogue's vocabulary, the closest word that is (trigrams). */
export async function corrections(
  db: Db,
  words: readonly string[],
  minSimilarity: number,
): Promise<Map<string, string>> {
  if (words.length === 0) return new Map();
  const result = await sql<{ word: string; term: string | null; known: boolean }>`
    SELECT w.word,
      EXISTS (SELECT 1 FROM catalogue_terms t WHERE t.term = w.word) AS known,
      (SELECT t.term FROM catalogue_terms t
        WHERE t.term % w.word AND similarity(t.term, w.word) >= ${minSimilarity}
        ORDER BY similarity(t.term, w.word) DESC, t.term LIMIT 1) AS term
    FROM unnest(${words}::text[]) AS w (word)
  `.execute(db);
  const map = new Map<string, string>();
  for (const row of result.rows) if (!row.known && row.term) map.set(row.word, row.term);
  return map;
}

/**
 * Related resources: shared themes (Jaccard over the masks) and shared title words. Pages use
 * related.memory.ts; this statement is the reference it is tested against.
 */
export async function relatedIds(
  db: Db,
  resourceId: string,
  limit: number,
): Promise<Array<{ id: string; score: number }>> {
  const result = await sql<{ id: string; score: number }>`
    WITH src AS (
      SELECT themes, title_vector FROM resource_index WHERE resource_id = ${resourceId}
    ),
    query AS (
      SELECT coalesce(nullif(array_to_string(ARRAY(
        SELECT quote_literal(l) FROM unnest(tsvector_to_array(src.title_vector)) AS l
      ), ' | '), ''), quote_literal('-'))::tsquery AS tsq, src.themes FROM src
    ),
    candidates AS (
      (SELECT i.resource_id FROM resource_index i, query q
        WHERE i.search_vector @@ q.tsq AND i.resource_id <> ${resourceId} LIMIT 300)
      UNION
      (SELECT i.resource_id FROM resource_index i, query q
        WHERE (i.themes & q.themes) <> 0 AND i.resource_id <> ${resourceId}
        ORDER BY i.published_at DESC LIMIT 300)
    )
    SELECT i.resource_id AS id,
      0.6 * bit_count((i.themes & q.themes)::bit(32))::float4
        / greatest(1, bit_count((i.themes | q.themes)::bit(32)))
      + ts_rank(${WEIGHTS}, i.search_vector, q.tsq, 1) AS score
    FROM candidates c JOIN resource_index i ON i.resource_id = c.resource_id CROSS JOIN query q
    ORDER BY score DESC, i.published_at DESC
    LIMIT ${limit}
  `.execute(db);
  return result.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
}

/** A resource's themes and the lexemes of its title, as indexed (null: not published). */
export async function relatedSource(
  db: Db,
  resourceId: string,
): Promise<{ themes: number; lexemes: string[] } | null> {
  const result = await sql<{ themes: number; lexemes: string[] }>`
    SELECT themes, tsvector_to_array(title_vector) AS lexemes FROM resource_index
    WHERE resource_id = ${resourceId}`.execute(db);
  return result.rows[0] ?? null;
}

/** Resources for a need: themes shared, languages offered, its countries named first. */
export async function matchingIds(
  db: Db,
  query: {
    themes: number;
    languages: string[];
    countries: string[];
    regions: string[];
    limit: number;
  },
): Promise<string[]> {
  const targeted = query.countries.length
    ? sql`(i.countries && ${query.countries}::text[] OR i.regions && ${query.regions}::text[])`
    : sql`false`;
  const result = await sql<{ id: string }>`
    SELECT i.resource_id AS id FROM resource_index i
    WHERE (i.themes & ${query.themes}::int) <> 0
      AND (${query.languages.length === 0} OR i.languages && ${query.languages}::text[])
      AND (${targeted} OR (cardinality(i.countries) = 0 AND cardinality(i.regions) = 0))
    ORDER BY ${targeted} DESC, bit_count((i.themes & ${query.themes}::int)::bit(32)) DESC,
      i.published_at DESC
    LIMIT ${query.limit}
  `.execute(db);
  return result.rows.map((r) => r.id);
}

/** Published resources changed since a time, matching filters and text (for digests). */
export async function changedSince(
  db: Db,
  filters: FilterSpec,
  tsq: string | null,
  since: Date,
  limit: number,
): Promise<string[]> {
  const parts = predicates(filters).map((p) => p.sql);
  if (tsq) parts.unshift(matches('search_vector', tsq));
  parts.push(sql`i.updated_at > ${since}`);
  const result = await sql<{ id: string }>`
    SELECT i.resource_id AS id FROM resource_index i WHERE ${and(parts)}
    ORDER BY i.updated_at DESC LIMIT ${limit}
  `.execute(db);
  return result.rows.map((r) => r.id);
}

/** The plan of a statement as run (benchmarks print them). */
export async function explain(db: Db, statement: RawBuilder<unknown>): Promise<string> {
  const result = await sql<{
    'QUERY PLAN': string;
  }>`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${statement}`.execute(db);
  return result.rows.map((r) => r['QUERY PLAN']).join('\n');
}

// ---------------------------------------------------------------------------------------------
// The in-memory index (search.memory.ts): its rows, its version and the changes since.

const INDEX_ROW = sql`i.resource_id AS "resourceId", i.kind, i.level, i.format, i.cost, i.themes,
  i.audiences, array_to_string(i.languages, ',') AS languages,
  array_to_string(i.regions, ',') AS regions,
  array_to_string(i.region_codes, ',') AS "regionCodes",
  array_to_string(i.countries, ',') AS countries, i.duration_hours AS "durationHours",
  i.ends_on - DATE '1970-01-01' AS "endsOn", i.enrol_by - DATE '1970-01-01' AS "enrolBy",
  array_to_string(tsvector_to_array(i.search_vector), ${LEXEME_SEPARATOR}) AS lexemes,
  array_to_string(tsvector_to_array(i.title_vector), ${LEXEME_SEPARATOR}) AS "titleLexemes"`;

export async function indexVersion(db: Db): Promise<number> {
  return (await indexSource(db)).version;
}

/**
 * Where the catalogue's public data stands: the search index's version and the published rows'
 * (migration 0203), in one read. Kept answers are served again only while it is unchanged.
 */
export async function publishedStamp(db: Db): Promise<string> {
  const result = await sql<{ stamp: string }>`SELECT
    (SELECT version FROM resource_index_version) || ':' ||
    (SELECT version FROM catalogue_published_version) AS stamp`.execute(db);
  return result.rows[0]?.stamp ?? '';
}

/**
 * The index's version and the database that answered. A read pool can move from a replica to the
 * primary and back (src/db/database.ts); a physical replica bears its primary's name and versions,
 * any other database keeps an index of its own.
 */
export async function indexSource(db: Db): Promise<{ version: number; source: string }> {
  const result = await sql<{
    version: string;
    source: string;
  }>`SELECT version, current_database() AS source FROM resource_index_version`.execute(db);
  return {
    version: Number(result.rows[0]?.version ?? 0),
    source: result.rows[0]?.source ?? '',
  };
}

/**
 * Rows of the index in resource id order after `after` (null: from the start), `batch` at most.
 * Each batch is its own statement, so a build does not hold the only connection of an embedded
 * database for seconds; the rows may be newer than the version read before the first batch, and
 * the builder catches up from the change log from that version.
 */
export async function indexRows(db: Db, after: string | null, batch = 5000): Promise<IndexRow[]> {
  const result = await sql<IndexRow>`
    SELECT ${INDEX_ROW} FROM resource_index i
    WHERE ${after === null ? sql`true` : sql`i.resource_id > ${after}::uuid`}
    ORDER BY i.resource_id LIMIT ${batch}`.execute(db);
  return result.rows;
}

/**
 * What changed after `since`: the resources written (their current rows; an id without a row was
 * removed), or `everything` after a TRUNCATE or when the log after `since` has been pruned. One
 * REPEATABLE READ snapshot, so that the version, the log and the rows agree.
 */
export async function indexChanges(
  db: Db,
  since: number,
): Promise<{ version: number; everything: boolean; changed: string[]; rows: IndexRow[] }> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const counter = await sql<{ version: string; pruned_through: string }>`
        SELECT version, pruned_through FROM resource_index_version`.execute(trx);
      const version = Number(counter.rows[0]?.version ?? 0);
      // The log after `since` is partly pruned: only a full read is exact.
      if (since < Number(counter.rows[0]?.pruned_through ?? 0))
        return { version, everything: true, changed: [], rows: [] };
      const changes = await sql<{ resource_id: string | null }>`
        SELECT DISTINCT resource_id FROM resource_index_changes
        WHERE version > ${since} AND version <= ${version}`.execute(trx);
      const changed = changes.rows.map((r) => r.resource_id);
      if (changed.includes(null)) return { version, everything: true, changed: [], rows: [] };
      const ids = changed as string[];
      const rows = ids.length
        ? (
            await sql<IndexRow>`SELECT ${INDEX_ROW} FROM resource_index i
              WHERE i.resource_id = ANY(${ids}::uuid[])`.execute(trx)
          ).rows
        : [];
      return { version, everything: false, changed: ids, rows };
    });
}

/** Of the given resources, those whose vector matches the query (phrases checked exactly). */
export async function matchingAmong(db: Db, ids: string[], tsq: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const result = await matchingAmongStatement(ids, tsq).execute(db);
  return result.rows.map((r) => r.id);
}

/**
 * `ts_match_vq` is the function behind `@@`, called as a function so that the planner cannot
 * turn it into a GIN bitmap scan: given `@@`, PostgreSQL read 13,714 index matches and 9,416
 * heap pages (160 ms) to check 3,374 rows it could fetch by primary key.
 */
export function matchingAmongStatement(ids: string[], tsq: string): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`
    SELECT i.resource_id AS id FROM resource_index i
    WHERE i.resource_id = ANY(${ids}::uuid[])
      AND ts_match_vq(i.search_vector, ${tsq}::tsquery)`;
}

/** Scores the given candidates (chosen in memory) and returns one page of them. */
export async function rankedAmong(
  db: Db,
  ids: string[],
  tsq: string,
  options: RankOptions,
): Promise<Array<{ id: string; score: number }>> {
  if (ids.length === 0) return [];
  const result = await rankAmongStatement(ids, tsq, options).execute(db);
  return result.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
}

export function rankAmongStatement(
  ids: string[],
  tsq: string,
  options: RankOptions,
): RawBuilder<{ id: string; score: number }> {
  return sql<{ id: string; score: number }>`
    SELECT i.resource_id AS id, ${score(tsq, options)} AS score FROM resource_index i
    WHERE i.resource_id = ANY(${ids}::uuid[])
    ORDER BY score DESC, i.published_at DESC, i.resource_id
    LIMIT ${options.limit} OFFSET ${options.offset}`;
}

/**
 * Removes the change log older than `retentionMs`, safely for processes still catching up: each
 * run notes the current version with the time; the log is cut at the newest note older than the
 * window, and `pruned_through` tells a process behind the cut to read the whole index instead.
 * Returns the version the log was cut at (0: nothing old enough yet).
 */
export async function pruneIndexChanges(db: Db, now: Date, retentionMs: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const version = await indexVersion(trx);
    await sql`INSERT INTO resource_index_prune_marks (version, taken_at)
      VALUES (${version}, ${now})`.execute(trx);
    const cutoff = new Date(now.getTime() - retentionMs);
    const mark = await sql<{ cut: string | null }>`SELECT max(version) AS cut
      FROM resource_index_prune_marks WHERE taken_at <= ${cutoff}`.execute(trx);
    const cut = Number(mark.rows[0]?.cut ?? 0);
    if (cut === 0) return 0;
    // The counter row first: its lock orders this against writers and other pruning runs.
    await sql`UPDATE resource_index_version
      SET pruned_through = greatest(pruned_through, ${cut})`.execute(trx);
    await sql`DELETE FROM resource_index_changes WHERE version <= ${cut}`.execute(trx);
    await sql`DELETE FROM resource_index_prune_marks WHERE taken_at <= ${cutoff}`.execute(trx);
    return cut;
  });
}
