/** All SQL about resources as content: rows, providers, revisions, the search index rows. */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  CatalogueProfilesTable,
  LinkStatus,
  ResourceRevisionsTable,
  ResourcesTable,
  ResourceStatus,
} from './catalogue.table.ts';

export type ResourceRow = Selectable<ResourcesTable>;
export type ProviderRow = { resource_id: string; name: string; organisation_id: string | null };

export function findById(db: Db, id: string) {
  return db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findBySlug(db: Db, slug: string) {
  return db.selectFrom('resources').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findManyById(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('resources').selectAll().where('id', 'in', ids).execute();
}

/** Locks the row for the rest of the transaction (two editors acting at once). */
export function lockById(db: Db, id: string) {
  return db.selectFrom('resources').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findByExternalIds(db: Db, externalIds: readonly string[]) {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('resources')
    .select(['id', 'external_id', 'url', 'slug'])
    .where('external_id', 'in', externalIds)
    .execute();
}

export function findByUrls(db: Db, urls: readonly string[]) {
  if (urls.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('resources')
    .select(['id', 'external_id', 'url', 'slug'])
    .where('url', 'in', urls)
    .orderBy('created_at')
    .execute();
}

/** Slugs already taken that a new one based on `base` could clash with. */
export function takenSlugs(db: Db, base: string) {
  return db
    .selectFrom('resources')
    .select(['id', 'slug'])
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
}

export function insertResource(db: Db, row: Insertable<ResourcesTable>) {
  return db.insertInto('resources').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateResource(db: Db, id: string, patch: Updateable<ResourcesTable>) {
  return db
    .updateTable('resources')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function replaceProviders(
  db: Db,
  resourceId: string,
  providers: ReadonlyArray<{ name: string; organisationId: string | null }>,
): Promise<void> {
  await db.deleteFrom('resource_providers').where('resource_id', '=', resourceId).execute();
  if (providers.length === 0) return;
  await db
    .insertInto('resource_providers')
    .values(
      providers.map((p, position) => ({
        resource_id: resourceId,
        position,
        name: p.name,
        organisation_id: p.organisationId,
      })),
    )
    .execute();
}

export async function providersOf(
  db: Db,
  resourceIds: readonly string[],
): Promise<Map<string, Array<{ name: string; organisationId: string | null }>>> {
  const map = new Map<string, Array<{ name: string; organisationId: string | null }>>();
  if (resourceIds.length === 0) return map;
  const rows = await db
    .selectFrom('resource_providers')
    .select(['resource_id', 'name', 'organisation_id'])
    .where('resource_id', 'in', resourceIds)
    .orderBy('resource_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = map.get(row.resource_id) ?? [];
    list.push({ name: row.name, organisationId: row.organisation_id });
    map.set(row.resource_id, list);
  }
  return map;
}

export function publishedIdsByOrganisation(db: Db, organisationId: string, limit: number) {
  return db
    .selectFrom('resource_providers as p')
    .innerJoin('resources as r', 'r.id', 'p.resource_id')
    .select('r.id')
    .distinct()
    .where('p.organisation_id', '=', organisationId)
    .where('r.status', '=', 'published')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => r.id));
}

export function insertRevision(db: Db, row: Insertable<ResourceRevisionsTable>) {
  return db.insertInto('resource_revisions').values(row).execute();
}

export function listRevisions(db: Db, resourceId: string) {
  return db
    .selectFrom('resource_revisions')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .orderBy('number', 'desc')
    .execute();
}

export function lastRevisionNumber(db: Db, resourceId: string) {
  return db
    .selectFrom('resource_revisions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('resource_id', '=', resourceId)
    .executeTakeFirst()
    .then((r) => Number(r?.n ?? 0));
}

export interface IndexEntry {
  resourceId: string;
  kind: string;
  level: string | null;
  format: string;
  cost: string;
  themes: number;
  audiences: number;
  languages: string[];
  regions: string[];
  regionCodes: string[];
  countries: string[];
  durationHours: number | null;
  startsOn: string | null;
  endsOn: string | null;
  enrolBy: string | null;
  publishedAt: Date;
  updatedAt: Date;
  /** Texts with their search configuration and weight (A title … D least). */
  texts: Array<{ config: string; text: string; weight: 'A' | 'B' | 'C' | 'D' }>;
}

export function vectorOf(texts: IndexEntry['texts']) {
  if (texts.length === 0) return sql`''::tsvector`;
  return sql.join(
    texts.map(
      (t) => sql`setweight(to_tsvector(${t.config}::regconfig, ${t.text}), ${t.weight}::"char")`,
    ),
    sql` || `,
  );
}

/** Writes the search index row of a published resource (vectors computed by PostgreSQL). */
export async function upsertIndex(db: Db, e: IndexEntry): Promise<void> {
  const titles = e.texts.filter((t) => t.weight === 'A');
  await sql`
    INSERT INTO resource_index (resource_id, kind, level, format, cost, themes, audiences,
      languages, regions, region_codes, countries, duration_hours, starts_on, ends_on, enrol_by,
      published_at, updated_at, title_vector, search_vector)
    VALUES (${e.resourceId}, ${e.kind}, ${e.level}, ${e.format}, ${e.cost}, ${e.themes},
      ${e.audiences}, ${e.languages}::text[], ${e.regions}::text[], ${e.regionCodes}::text[],
      ${e.countries}::text[], ${e.durationHours}, ${e.startsOn}::date, ${e.endsOn}::date,
      ${e.enrolBy}::date, ${e.publishedAt}, ${e.updatedAt}, ${vectorOf(titles)},
      ${vectorOf(e.texts)})
    ON CONFLICT (resource_id) DO UPDATE SET
      kind = excluded.kind, level = excluded.level, format = excluded.format,
      cost = excluded.cost, themes = excluded.themes, audiences = excluded.audiences,
      languages = excluded.languages, regions = excluded.regions,
      region_codes = excluded.region_codes, countries = excluded.countries,
      duration_hours = excluded.duration_hours, starts_on = excluded.starts_on,
      ends_on = excluded.ends_on, enrol_by = excluded.enrol_by,
      published_at = excluded.published_at, updated_at = excluded.updated_at,
      title_vector = excluded.title_vector, search_vector = excluded.search_vector
  `.execute(db);
}

export async function deleteIndex(db: Db, resourceId: string): Promise<void> {
  await db.deleteFrom('resource_index').where('resource_id', '=', resourceId).execute();
}

export async function addTerms(db: Db, terms: readonly string[]): Promise<void> {
  if (terms.length === 0) return;
  await sql`INSERT INTO catalogue_terms (term) SELECT unnest(${terms}::text[])
    ON CONFLICT DO NOTHING`.execute(db);
}

export function countByStatus(db: Db, status: ResourceStatus) {
  return db
    .selectFrom('resources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

/** Resources in given states, newest change first (the review queue, an organisation's drafts). */
export function listByStatus(
  db: Db,
  statuses: readonly ResourceStatus[],
  options: { organisationIds?: readonly string[] | null; limit: number },
) {
  let query = db
    .selectFrom('resources')
    .selectAll()
    .where('status', 'in', statuses)
    .orderBy('updated_at', 'desc')
    .limit(options.limit);
  if (options.organisationIds) {
    if (options.organisationIds.length === 0) return Promise.resolve([]);
    query = query.where('organisation_id', 'in', options.organisationIds);
  }
  return query.execute();
}

/** Published resources whose link is broken or moved, or unverified since `staleBefore`. */
export function needingAttention(db: Db, staleBefore: string, limit: number) {
  return db
    .selectFrom('resources')
    .selectAll()
    .where('status', '=', 'published')
    .where((eb) =>
      eb.or([
        eb('link_status', 'in', ['broken', 'moved']),
        eb('verified_at', 'is', null),
        eb('verified_at', '<', staleBefore),
      ]),
    )
    .orderBy(sql`CASE link_status WHEN 'broken' THEN 0 WHEN 'moved' THEN 1 ELSE 2 END`)
    .orderBy('verified_at', 'asc')
    .limit(limit)
    .execute();
}

/** Links to check: published ones, least recently checked first. */
export function linksToCheck(db: Db, checkedBefore: Date, limit: number) {
  return db
    .selectFrom('resources')
    .select(['id', 'url', 'link_status', 'link_failures'])
    .where('status', '=', 'published')
    .where((eb) =>
      eb.or([eb('link_checked_at', 'is', null), eb('link_checked_at', '<', checkedBefore)]),
    )
    .orderBy(sql`link_checked_at NULLS FIRST`)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function recordLinkResult(
  db: Db,
  id: string,
  result: {
    status: LinkStatus;
    httpStatus: number | null;
    location: string | null;
    error: string | null;
    failures: number;
    checkedAt: Date;
  },
) {
  return db
    .updateTable('resources')
    .set({
      link_status: result.status,
      link_http_status: result.httpStatus,
      link_location: result.location,
      link_error: result.error,
      link_failures: result.failures,
      link_checked_at: result.checkedAt,
    })
    .where('id', '=', id)
    .execute();
}

/** All resources in pages by id (exports, full re-index), with a keyset cursor. */
export function pageAfter(db: Db, after: string | null, limit: number, publishedOnly: boolean) {
  let query = db.selectFrom('resources').selectAll().orderBy('id').limit(limit);
  if (after) query = query.where('id', '>', after);
  if (publishedOnly) query = query.where('status', '=', 'published');
  return query.execute();
}

/** Languages any published title or summary is written in (the CSV export's text columns). */
export async function textLanguages(db: Db): Promise<string[]> {
  const result = await sql<{ lang: string }>`
    SELECT DISTINCT k AS lang FROM resources,
      LATERAL (SELECT jsonb_object_keys(title) UNION SELECT jsonb_object_keys(summary)) AS t (k)
    WHERE status = 'published' ORDER BY 1`.execute(db);
  return result.rows.map((r) => r.lang);
}

export function getProfile(db: Db, userId: string) {
  return db
    .selectFrom('catalogue_profiles')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function saveProfile(db: Db, row: Insertable<CatalogueProfilesTable>): Promise<void> {
  await db
    .insertInto('catalogue_profiles')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        languages: row.languages,
        budget: row.budget,
        hours_per_week: row.hours_per_week,
        active: row.active,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
