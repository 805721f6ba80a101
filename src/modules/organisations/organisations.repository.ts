import type { Db } from '../../db/database.ts';
import type { Insertable } from 'kysely';
import type { OrganisationsTable } from './organisations.table.ts';

export function findBySlug(db: Db, slug: string) {
  return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findById(db: Db, id: string) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findManyBySlug(db: Db, slugs: readonly string[]) {
  if (slugs.length === 0) return Promise.resolve([]);
  return db.selectFrom('organisations').selectAll().where('slug', 'in', slugs).execute();
}

export function findManyById(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('organisations').selectAll().where('id', 'in', ids).execute();
}

export async function memberStates(db: Db, organisationIds: readonly string[]) {
  if (organisationIds.length === 0) return new Map<string, string[]>();
  const rows = await db
    .selectFrom('organisation_member_states')
    .select(['organisation_id', 'country'])
    .where('organisation_id', 'in', organisationIds)
    .orderBy('country')
    .execute();
  const map = new Map<string, string[]>();
  for (const row of rows)
    map.set(row.organisation_id, [...(map.get(row.organisation_id) ?? []), row.country]);
  return map;
}

export async function insertOrganisation(
  db: Db,
  row: Insertable<OrganisationsTable>,
  members: readonly string[],
) {
  const inserted = await db
    .insertInto('organisations')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (members.length) {
    await db
      .insertInto('organisation_member_states')
      .values(members.map((country) => ({ organisation_id: inserted.id, country })))
      .execute();
  }
  return inserted;
}

export function countOrganisations(db: Db) {
  return db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export interface OrganisationFilters {
  q?: string;
  stakeholderGroup?: string;
  kind?: string;
  country?: string;
  /** Organisations having this country among their member states. */
  memberState?: string;
}

function filtered(db: Db, f: OrganisationFilters) {
  let query = db.selectFrom('organisations');
  if (f.stakeholderGroup) query = query.where('stakeholder_group', '=', f.stakeholderGroup);
  if (f.kind) query = query.where('kind', '=', f.kind);
  if (f.country) query = query.where('country', '=', f.country);
  if (f.memberState) {
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('organisation_member_states')
        .select('organisation_id')
        .where('country', '=', f.memberState!),
    );
  }
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', like),
        eb(eb.fn('lower', ['acronym']), 'like', like),
        eb(eb.fn('lower', ['description']), 'like', like),
      ]),
    );
  }
  return query;
}

export async function listOrganisations(
  db: Db,
  f: OrganisationFilters,
  paging: { limit: number; offset: number },
) {
  const base = filtered(db, f);
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
  const rows = await base
    .selectAll()
    .orderBy('name')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows, total };
}

export function allOrganisations(db: Db) {
  return db.selectFrom('organisations').selectAll().orderBy('slug').execute();
}

export function updateOrganisation(
  db: Db,
  id: string,
  changes: Partial<Insertable<OrganisationsTable>>,
  members: readonly string[],
) {
  return (async () => {
    await db.updateTable('organisations').set(changes).where('id', '=', id).execute();
    await db.deleteFrom('organisation_member_states').where('organisation_id', '=', id).execute();
    if (members.length) {
      await db
        .insertInto('organisation_member_states')
        .values(members.map((country) => ({ organisation_id: id, country })))
        .execute();
    }
  })();
}

/** Organisations whose member states include a country (its regional memberships). */
export function memberships(db: Db, iso2: string) {
  return db
    .selectFrom('organisations as o')
    .innerJoin('organisation_member_states as m', 'm.organisation_id', 'o.id')
    .selectAll('o')
    .where('m.country', '=', iso2)
    .orderBy('o.name')
    .execute();
}
