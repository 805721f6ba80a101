import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { NeedOffersTable, NeedsTable } from './initiatives.table.ts';

const NEED_COLUMNS = [
  'n.id',
  'n.slug',
  'n.title',
  'n.description',
  'n.country',
  'n.organisation_id',
  'n.themes',
  'n.languages',
  'n.starts_on',
  'n.ends_on',
  'n.status',
  'n.posted_by',
  'n.is_demo',
  'n.created_at',
  'n.updated_at',
  'o.slug as organisation_slug',
  'o.name as organisation_name',
] as const;

export interface NeedFilters {
  country?: string;
  theme?: string;
  status?: string[];
  involving?: string;
}

function needs(db: Db, f: NeedFilters) {
  let q = db.selectFrom('needs as n').leftJoin('organisations as o', 'o.id', 'n.organisation_id');
  if (f.country) q = q.where('n.country', '=', f.country);
  if (f.theme) q = q.where(sql<boolean>`${f.theme} = ANY(n.themes)`);
  if (f.status?.length) q = q.where('n.status', 'in', f.status);
  if (f.involving) {
    const user = f.involving;
    q = q.where((eb) =>
      eb.or([
        eb('n.posted_by', '=', user),
        eb(
          'n.id',
          'in',
          eb.selectFrom('need_offers').select('need_id').where('offered_by', '=', user),
        ),
      ]),
    );
  }
  return q;
}

export async function listNeeds(db: Db, f: NeedFilters, paging: { limit: number; offset: number }) {
  const base = needs(db, f);
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('c'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.c));
  const rows = await base
    .select([...NEED_COLUMNS])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows, total };
}

export type NeedRow = Awaited<ReturnType<typeof listNeeds>>['rows'][number];

export function findNeed(db: Db, idOrSlug: string) {
  const byId = /^[0-9a-f-]{36}$/i.test(idOrSlug);
  return db
    .selectFrom('needs as n')
    .leftJoin('organisations as o', 'o.id', 'n.organisation_id')
    .select([...NEED_COLUMNS])
    .where(byId ? 'n.id' : 'n.slug', '=', idOrSlug)
    .executeTakeFirst();
}

export async function slugTaken(db: Db, slug: string) {
  return !!(await db.selectFrom('needs').select('id').where('slug', '=', slug).executeTakeFirst());
}

export function insertNeed(db: Db, row: Insertable<NeedsTable>) {
  return db.insertInto('needs').values(row).execute();
}

export function setNeedStatus(db: Db, id: string, status: string, at: Date) {
  return db.updateTable('needs').set({ status, updated_at: at }).where('id', '=', id).execute();
}

export function lockNeed(db: Db, id: string) {
  return db.selectFrom('needs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function offers(db: Db, needId: string) {
  return db
    .selectFrom('need_offers as f')
    .leftJoin('organisations as o', 'o.id', 'f.organisation_id')
    .leftJoin('initiatives as i', 'i.id', 'f.initiative_id')
    .selectAll('f')
    .select([
      'o.slug as organisation_slug',
      'o.name as organisation_name',
      'i.slug as initiative_slug',
      'i.title as initiative_title',
    ])
    .where('f.need_id', '=', needId)
    .orderBy('f.created_at')
    .execute();
}

export function insertOffer(db: Db, row: Insertable<NeedOffersTable>) {
  return db.insertInto('need_offers').values(row).execute();
}

export function lockOffer(db: Db, id: string) {
  return db
    .selectFrom('need_offers')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function setOfferStatus(db: Db, id: string, status: string, note: string | null, at: Date) {
  return db
    .updateTable('need_offers')
    .set({ status, response_note: note, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Open needs by (country, theme): gaps where nothing is under way are flagged on /coverage. */
export function openNeedCells(db: Db) {
  return db
    .selectFrom('needs as n')
    .innerJoin(sql<{ theme: string }>`unnest(n.themes)`.as('t'), (join) => join.onTrue())
    .select(['n.id', 'n.slug', 'n.title', 'n.country', sql<string>`t.t`.as('theme')])
    .where('n.status', 'in', ['open', 'in-progress'])
    .where('n.country', 'is not', null)
    .execute();
}

export function needsOfCountry(db: Db, iso2: string) {
  return db
    .selectFrom('needs as n')
    .leftJoin('organisations as o', 'o.id', 'n.organisation_id')
    .select([...NEED_COLUMNS])
    .where('n.country', '=', iso2)
    .where('n.status', '<>', 'withdrawn')
    .orderBy('n.created_at', 'desc')
    .execute();
}
