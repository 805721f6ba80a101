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
