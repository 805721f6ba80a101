import type { Db } from '../../db/database.ts';

export function listCountries(db: Db) {
  return db.selectFrom('countries').selectAll().orderBy('name').execute();
}

export function findCountry(db: Db, iso2: string) {
  return db
    .selectFrom('countries')
    .selectAll()
    .where('iso2', '=', iso2.toUpperCase())
    .executeTakeFirst();
}

export function listLanguages(db: Db) {
  return db.selectFrom('languages').selectAll().orderBy('code').execute();
}

export function listRegions(db: Db) {
  return db.selectFrom('regions').selectAll().orderBy('m49').execute();
}

export function countCountries(db: Db) {
  return db
    .selectFrom('countries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}
