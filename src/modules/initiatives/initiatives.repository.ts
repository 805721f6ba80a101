import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  InitiativeOverlapsTable,
  InitiativeParticipantsTable,
  InitiativesTable,
} from './initiatives.table.ts';

export type InitiativeRow = Selectable<InitiativesTable>;
export type ParticipantRow = Selectable<InitiativeParticipantsTable>;
export type OverlapRow = Selectable<InitiativeOverlapsTable>;

const COLUMNS = [
  'id',
  'slug',
  'external_id',
  'title',
  'description',
  'language',
  'translations',
  'countries',
  'regions',
  'themes',
  'cmm',
  'starts_on',
  'ends_on',
  'status',
  'budget',
  'currency',
  'outputs',
  'links',
  'workflow',
  'review_note',
  'created_by',
  'submitted_at',
  'published_at',
  'is_demo',
  'created_at',
  'updated_at',
] as const;

export interface InitiativeFilters {
  q?: string;
  themes?: string[];
  countries?: string[];
  regions?: string[];
  organisationId?: string;
  statuses?: string[];
  from?: string;
  to?: string;
  workflow?: string[];
  createdBy?: string;
}

function filtered(db: Db, f: InitiativeFilters) {
  let query = db.selectFrom('initiatives');
  if (f.workflow?.length) query = query.where('workflow', 'in', f.workflow);
  if (f.createdBy) query = query.where('created_by', '=', f.createdBy);
  if (f.themes?.length) query = query.where(sql<boolean>`themes && ${sql.val(f.themes)}::text[]`);
  if (f.countries?.length)
    query = query.where(sql<boolean>`countries && ${sql.val(f.countries)}::text[]`);
  if (f.regions?.length) {
    // A region matches initiatives naming it, or naming one of its countries.
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`regions && ${sql.val(f.regions)}::text[]`,
        sql<boolean>`countries && ARRAY(SELECT iso2::text FROM countries WHERE region = ANY(${sql.val(f.regions)}::text[]) OR sub_region = ANY(${sql.val(f.regions)}::text[]) OR intermediate_region = ANY(${sql.val(f.regions)}::text[]))`,
      ]),
    );
  }
  if (f.statuses?.length) query = query.where('status', 'in', f.statuses);
  // Initiatives running at some time in [from, to].
  if (f.from)
    query = query.where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', f.from!)]));
  if (f.to)
    query = query.where((eb) => eb.or([eb('starts_on', 'is', null), eb('starts_on', '<=', f.to!)]));
  if (f.organisationId) {
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('initiative_participants')
        .select('initiative_id')
        .where('organisation_id', '=', f.organisationId!),
    );
  }
  if (f.q) {
    const q = f.q;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`search @@ websearch_to_tsquery('english', ${q})`,
        sql<boolean>`lower(title) LIKE ${`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`,
      ]),
    );
  }
  return query;
}

export async function listInitiatives(
  db: Db,
  f: InitiativeFilters,
  paging: { limit: number; offset: number },
): Promise<{ rows: InitiativeRow[]; total: number }> {
  const base = filtered(db, f);
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
  let query = base.select([...COLUMNS]);
  if (f.q) {
    query = query.orderBy(sql`ts_rank(search, websearch_to_tsquery('english', ${f.q}))`, 'desc');
  }
  const rows = await query
    .orderBy('starts_on', (ob) => ob.desc().nullsLast())
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows: rows as InitiativeRow[], total };
}

/** Initiatives matching the filters changed after `since`, newest change first (digests, feeds). */
export async function changedSince(
  db: Db,
  f: InitiativeFilters,
  since: Date,
  limit: number,
): Promise<InitiativeRow[]> {
  const rows = await filtered(db, f)
    .where('updated_at', '>', since)
    .select([...COLUMNS])
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows as InitiativeRow[];
}

/** Published initiatives' addresses and last changes (the sitemap). */
export function publishedSlugs(db: Db) {
  return db
    .selectFrom('initiatives')
    .select(['slug', 'updated_at'])
    .where('workflow', '=', 'published')
    .orderBy('slug')
    .execute();
}

/** Every initiative matching the filters (exports, coverage, overlaps): lean on memory with care. */
export function allInitiatives(db: Db, f: InitiativeFilters): Promise<InitiativeRow[]> {
  return filtered(db, f)
    .select([...COLUMNS])
    .orderBy('slug')
    .execute() as Promise<InitiativeRow[]>;
}

export function findInitiative(db: Db, idOrSlug: string) {
  const byId = /^[0-9a-f-]{36}$/i.test(idOrSlug);
  return db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where(byId ? 'id' : 'slug', '=', idOrSlug)
    .executeTakeFirst() as Promise<InitiativeRow | undefined>;
}

export function lockInitiative(db: Db, id: string) {
  return db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst() as Promise<InitiativeRow | undefined>;
}

export function findByExternalIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as InitiativeRow[]);
  return db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('external_id', 'in', ids)
    .execute() as Promise<InitiativeRow[]>;
}

export function findBySlugs(db: Db, slugs: readonly string[]) {
  if (slugs.length === 0) return Promise.resolve([] as InitiativeRow[]);
  return db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('slug', 'in', slugs)
    .execute() as Promise<InitiativeRow[]>;
}

export function findManyById(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as InitiativeRow[]);
  return db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('id', 'in', ids)
    .execute() as Promise<InitiativeRow[]>;
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  const row = await db
    .selectFrom('initiatives')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return !!row;
}

export function insertInitiative(db: Db, row: Insertable<InitiativesTable>) {
  return db.insertInto('initiatives').values(row).returning('id').executeTakeFirstOrThrow();
}

export function updateInitiative(db: Db, id: string, changes: Updateable<InitiativesTable>) {
  return db.updateTable('initiatives').set(changes).where('id', '=', id).execute();
}

export async function participants(
  db: Db,
  initiativeIds: readonly string[],
): Promise<Map<string, Array<ParticipantRow & { slug: string | null }>>> {
  const map = new Map<string, Array<ParticipantRow & { slug: string | null }>>();
  if (initiativeIds.length === 0) return map;
  // Chunks keep the parameter list within the protocol's limit on big exports.
  for (let k = 0; k < initiativeIds.length; k += 5000) {
    const rows = await db
      .selectFrom('initiative_participants as p')
      .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
      .select([
        'p.initiative_id',
        'p.position',
        'p.role',
        'p.organisation_id',
        'p.ref',
        'o.slug',
        sql<string>`coalesce(o.name, p.name)`.as('name'),
      ])
      .where('p.initiative_id', 'in', initiativeIds.slice(k, k + 5000))
      .orderBy('p.initiative_id')
      .orderBy('p.position')
      .execute();
    for (const row of rows) {
      const list = map.get(row.initiative_id) ?? [];
      list.push(row);
      map.set(row.initiative_id, list);
    }
  }
  return map;
}

export async function replaceParticipants(
  db: Db,
  initiativeId: string,
  list: ReadonlyArray<Omit<Insertable<InitiativeParticipantsTable>, 'initiative_id' | 'position'>>,
) {
  await db
    .deleteFrom('initiative_participants')
    .where('initiative_id', '=', initiativeId)
    .execute();
  if (list.length === 0) return;
  await db
    .insertInto('initiative_participants')
    .values(list.map((p, position) => ({ ...p, initiative_id: initiativeId, position })))
    .execute();
}

export async function insertRevision(
  db: Db,
  row: {
    id: string;
    initiative_id: string;
    at: Date;
    actor_id: string | null;
    actor_label: string | null;
    action: string;
    note: string | null;
    snapshot: unknown;
  },
) {
  const last = await db
    .selectFrom('initiative_revisions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('initiative_id', '=', row.initiative_id)
    .executeTakeFirst();
  const number = Number(last?.n ?? 0) + 1;
  await db
    .insertInto('initiative_revisions')
    .values({ ...row, number, snapshot: JSON.stringify(row.snapshot) })
    .execute();
  return number;
}

export function revisions(db: Db, initiativeId: string) {
  return db
    .selectFrom('initiative_revisions')
    .selectAll()
    .where('initiative_id', '=', initiativeId)
    .orderBy('number', 'desc')
    .execute();
}

export function countPublished(db: Db) {
  return db
    .selectFrom('initiatives')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workflow', '=', 'published')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

// ---- overlaps -------------------------------------------------------------------------------

/** The lean corpus the overlap analysis reads: registered (submitted or published) initiatives. */
export function overlapCorpus(db: Db) {
  return db
    .selectFrom('initiatives')
    .select([
      'id',
      'title',
      'description',
      'countries',
      'regions',
      'themes',
      'starts_on',
      'ends_on',
    ])
    .where('workflow', 'in', ['submitted', 'published'])
    .where('status', '<>', 'cancelled')
    .execute();
}

export type NewOverlap = Omit<
  Insertable<InitiativeOverlapsTable>,
  'decision' | 'decision_note' | 'decided_by' | 'decided_at'
>;

/**
 * Writes fresh analysis results. Pairs with a decision keep it (and stay even if they no longer
 * score); undecided pairs in `scope` that were not found again are removed.
 */
export async function saveOverlaps(
  db: Db,
  pairs: readonly NewOverlap[],
  scope: { all: true } | { initiativeId: string },
) {
  const keep = new Set(pairs.map((p) => `${p.a_id}|${p.b_id}`));
  let stale = db
    .selectFrom('initiative_overlaps')
    .select(['id', 'a_id', 'b_id'])
    .where('decision', 'is', null);
  if ('initiativeId' in scope) {
    const id = scope.initiativeId;
    stale = stale.where((eb) => eb.or([eb('a_id', '=', id), eb('b_id', '=', id)]));
  }
  const gone = (await stale.execute()).filter((r) => !keep.has(`${r.a_id}|${r.b_id}`));
  for (let k = 0; k < gone.length; k += 5000) {
    await db
      .deleteFrom('initiative_overlaps')
      .where(
        'id',
        'in',
        gone.slice(k, k + 5000).map((r) => r.id),
      )
      .execute();
  }
  for (let k = 0; k < pairs.length; k += 500) {
    await db
      .insertInto('initiative_overlaps')
      .values(pairs.slice(k, k + 500) as Insertable<InitiativeOverlapsTable>[])
      .onConflict((oc) =>
        oc.columns(['a_id', 'b_id']).doUpdateSet((eb) => ({
          score: eb.ref('excluded.score'),
          text_similarity: eb.ref('excluded.text_similarity'),
          time_overlap: eb.ref('excluded.time_overlap'),
          shared_countries: eb.ref('excluded.shared_countries'),
          shared_themes: eb.ref('excluded.shared_themes'),
          shared_terms: eb.ref('excluded.shared_terms'),
          overlap_from: eb.ref('excluded.overlap_from'),
          overlap_to: eb.ref('excluded.overlap_to'),
          likely_duplicate: eb.ref('excluded.likely_duplicate'),
          computed_at: eb.ref('excluded.computed_at'),
        })),
      )
      .execute();
  }
}

export interface OverlapFilters {
  country?: string;
  theme?: string;
  minScore?: number;
  /** A decision, "none" (undecided), or undefined (any except "unrelated"). */
  decision?: string;
  initiativeId?: string;
  /** Only pairs whose two initiatives are published. */
  publishedOnly?: boolean;
  likelyDuplicate?: boolean;
}

function overlapQuery(db: Db, f: OverlapFilters) {
  let query = db
    .selectFrom('initiative_overlaps as o')
    .innerJoin('initiatives as a', 'a.id', 'o.a_id')
    .innerJoin('initiatives as b', 'b.id', 'o.b_id');
  if (f.publishedOnly)
    query = query.where('a.workflow', '=', 'published').where('b.workflow', '=', 'published');
  if (f.country) query = query.where(sql<boolean>`${f.country} = ANY(o.shared_countries)`);
  if (f.theme) query = query.where(sql<boolean>`${f.theme} = ANY(o.shared_themes)`);
  if (f.minScore !== undefined) query = query.where('o.score', '>=', f.minScore);
  if (f.likelyDuplicate) query = query.where('o.likely_duplicate', '=', true);
  // "any": every pair; "none": undecided; a decision; or by default all but dismissed pairs.
  if (f.decision === 'none') query = query.where('o.decision', 'is', null);
  else if (f.decision && f.decision !== 'any') query = query.where('o.decision', '=', f.decision);
  else if (!f.decision)
    query = query.where((eb) =>
      eb.or([eb('o.decision', 'is', null), eb('o.decision', '<>', 'unrelated')]),
    );
  if (f.initiativeId) {
    const id = f.initiativeId;
    query = query.where((eb) => eb.or([eb('o.a_id', '=', id), eb('o.b_id', '=', id)]));
  }
  return query;
}

export async function listOverlaps(
  db: Db,
  f: OverlapFilters,
  paging: { limit: number; offset: number },
) {
  const base = overlapQuery(db, f);
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
  const rows = await base
    .selectAll('o')
    .select([
      'a.slug as a_slug',
      'a.title as a_title',
      'a.description as a_description',
      'a.workflow as a_workflow',
      'b.slug as b_slug',
      'b.title as b_title',
      'b.description as b_description',
      'b.workflow as b_workflow',
    ])
    .orderBy('o.score', 'desc')
    .orderBy('o.id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows, total };
}

export function findOverlap(db: Db, id: string) {
  return db
    .selectFrom('initiative_overlaps')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function decideOverlap(
  db: Db,
  id: string,
  decision: { decision: string; note: string | null; by: string | null; at: Date },
) {
  return db
    .updateTable('initiative_overlaps')
    .set({
      decision: decision.decision,
      decision_note: decision.note,
      decided_by: decision.by,
      decided_at: decision.at,
    })
    .where('id', '=', id)
    .execute();
}

// ---- coverage -------------------------------------------------------------------------------

/** Counts of ongoing published initiatives per (country, theme). */
export function coverageByCountry(db: Db, day: string, theme?: string) {
  let query = db
    .selectFrom('initiatives as i')
    .innerJoin(sql<{ country: string }>`unnest(i.countries)`.as('c'), (join) => join.onTrue())
    .innerJoin(sql<{ theme: string }>`unnest(i.themes)`.as('t'), (join) => join.onTrue())
    .select([
      sql<string>`c.c`.as('key'),
      sql<string>`t.t`.as('theme'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('i.workflow', '=', 'published')
    .where('i.status', '=', 'implementation')
    .where((eb) => eb.or([eb('i.starts_on', 'is', null), eb('i.starts_on', '<=', day)]))
    .where((eb) => eb.or([eb('i.ends_on', 'is', null), eb('i.ends_on', '>=', day)]));
  if (theme) query = query.where(sql<boolean>`t.t = ${theme}`);
  return query.groupBy([sql`c.c`, sql`t.t`]).execute();
}

/**
 * Counts per (region, theme): an initiative counts for a region when it names the region or one
 * of its countries (once, however many of its countries lie there).
 */
export function coverageByRegion(db: Db, day: string, theme?: string) {
  const regionsOf = sql<{ r: string }>`(
    SELECT DISTINCT r FROM (
      SELECT unnest(i.regions) AS r
      UNION ALL
      SELECT unnest(ARRAY[c.region, c.sub_region, c.intermediate_region]::text[])
        FROM countries c WHERE c.iso2 = ANY(i.countries)
    ) x WHERE r IS NOT NULL
  )`;
  let query = db
    .selectFrom('initiatives as i')
    .innerJoinLateral(regionsOf.as('g'), (join) => join.onTrue())
    .innerJoin(sql<{ theme: string }>`unnest(i.themes)`.as('t'), (join) => join.onTrue())
    .select([
      sql<string>`g.r`.as('key'),
      sql<string>`t.t`.as('theme'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('i.workflow', '=', 'published')
    .where('i.status', '=', 'implementation')
    .where((eb) => eb.or([eb('i.starts_on', 'is', null), eb('i.starts_on', '<=', day)]))
    .where((eb) => eb.or([eb('i.ends_on', 'is', null), eb('i.ends_on', '>=', day)]));
  if (theme) query = query.where(sql<boolean>`t.t = ${theme}`);
  return query.groupBy([sql`g.r`, sql`t.t`]).execute();
}

/** Initiatives per country: received (beneficiary) and delivered (by organisations based there). */
export async function countryInitiatives(db: Db, iso2: string) {
  const received = (await db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('workflow', '=', 'published')
    .where(sql<boolean>`${iso2} = ANY(countries)`)
    .orderBy('starts_on', (ob) => ob.desc().nullsLast())
    .execute()) as InitiativeRow[];
  const delivered = (await db
    .selectFrom('initiatives')
    .select([...COLUMNS])
    .where('workflow', '=', 'published')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('initiative_participants as p')
        .innerJoin('organisations as o', 'o.id', 'p.organisation_id')
        .select('p.initiative_id')
        .where('o.country', '=', iso2)
        .where('o.stakeholder_group', '<>', 'igo')
        .where('p.role', 'in', ['implementing', 'funding']),
    )
    .orderBy('starts_on', (ob) => ob.desc().nullsLast())
    .execute()) as InitiativeRow[];
  return { received, delivered };
}

export function countInitiativesByOrganisation(db: Db) {
  return db
    .selectFrom('initiative_participants as p')
    .innerJoin('initiatives as i', 'i.id', 'p.initiative_id')
    .select([
      'p.organisation_id',
      (eb) => eb.fn.count<number>('p.initiative_id').distinct().as('n'),
    ])
    .where('i.workflow', '=', 'published')
    .where('p.organisation_id', 'is not', null)
    .groupBy('p.organisation_id')
    .execute();
}

/** Ongoing published initiatives per country (each counted once), optionally in one theme. */
export function coverageTotalsByCountry(db: Db, day: string, theme?: string) {
  let query = db
    .selectFrom('initiatives as i')
    .innerJoin(sql<{ c: string }>`unnest(i.countries)`.as('c'), (join) => join.onTrue())
    .select([sql<string>`c.c`.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.workflow', '=', 'published')
    .where('i.status', '=', 'implementation')
    .where((eb) => eb.or([eb('i.starts_on', 'is', null), eb('i.starts_on', '<=', day)]))
    .where((eb) => eb.or([eb('i.ends_on', 'is', null), eb('i.ends_on', '>=', day)]));
  if (theme) query = query.where(sql<boolean>`${theme} = ANY(i.themes)`);
  return query.groupBy(sql`c.c`).execute();
}

/** Ongoing published initiatives per region (each counted once), optionally in one theme. */
export function coverageTotalsByRegion(db: Db, day: string, theme?: string) {
  const regionsOf = sql<{ r: string }>`(
    SELECT DISTINCT r FROM (
      SELECT unnest(i.regions) AS r
      UNION ALL
      SELECT unnest(ARRAY[c.region, c.sub_region, c.intermediate_region]::text[])
        FROM countries c WHERE c.iso2 = ANY(i.countries)
    ) x WHERE r IS NOT NULL
  )`;
  let query = db
    .selectFrom('initiatives as i')
    .innerJoinLateral(regionsOf.as('g'), (join) => join.onTrue())
    .select([sql<string>`g.r`.as('key'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.workflow', '=', 'published')
    .where('i.status', '=', 'implementation')
    .where((eb) => eb.or([eb('i.starts_on', 'is', null), eb('i.starts_on', '<=', day)]))
    .where((eb) => eb.or([eb('i.ends_on', 'is', null), eb('i.ends_on', '>=', day)]));
  if (theme) query = query.where(sql<boolean>`${theme} = ANY(i.themes)`);
  return query.groupBy(sql`g.r`).execute();
}
