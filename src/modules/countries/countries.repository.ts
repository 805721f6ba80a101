import type { Db } from '../../db/database.ts';

export function fieldsOf(db: Db, countries: readonly string[]) {
  if (countries.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('country_profile_fields')
    .selectAll()
    .where('country', 'in', countries)
    .execute();
}

export function profileCounts(db: Db) {
  return db
    .selectFrom('country_profile_fields')
    .select([
      'country',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.max('as_of').as('latest'),
    ])
    .groupBy('country')
    .execute();
}

export async function upsertField(
  db: Db,
  row: {
    country: string;
    field: string;
    value: string;
    source_url: string | null;
    as_of: string;
    updated_by: string | null;
    is_demo: boolean;
    updated_at: Date;
  },
) {
  await db
    .insertInto('country_profile_fields')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['country', 'field']).doUpdateSet({
        value: row.value,
        source_url: row.source_url,
        as_of: row.as_of,
        updated_by: row.updated_by,
        is_demo: row.is_demo,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export function deleteField(db: Db, country: string, field: string) {
  return db
    .deleteFrom('country_profile_fields')
    .where('country', '=', country)
    .where('field', '=', field)
    .execute();
}
