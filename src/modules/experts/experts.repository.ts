import { sql, type Expression, type Insertable, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ExpertProfilesTable } from './experts.table.ts';
import type { Visibility } from './experts.ts';

/**
 * Profiles are joined with `users` only to leave out accounts that are disabled or erased (the
 * accounts module exposes no bulk lookup yet; this read-only join is the one place it is needed).
 */
function active(db: Db) {
  return db
    .selectFrom('expert_profiles')
    .innerJoin('users', 'users.id', 'expert_profiles.user_id')
    .where('users.status', '=', 'active');
}

function profiles(db: Db) {
  return active(db).selectAll('expert_profiles');
}

export type ProfileRow = Awaited<ReturnType<typeof findByUserId>> & object;

export function findByUserId(db: Db, userId: string) {
  return profiles(db).where('expert_profiles.user_id', '=', userId).executeTakeFirst();
}

export function findById(db: Db, id: string) {
  return profiles(db).where('expert_profiles.id', '=', id).executeTakeFirst();
}

/** Only the profile row, whatever the account's state (for personal-data export and erasure). */
export function findRawByUserId(db: Db, userId: string) {
  return db
    .selectFrom('expert_profiles')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export interface SearchTexts {
  public: string;
  members: string;
  owner: string;
}

const vector = (text: string) => sql`to_tsvector('simple', unaccent(${text}))`;

export async function upsertProfile(
  db: Db,
  row: Omit<Insertable<ExpertProfilesTable>, 'search_public' | 'search_members' | 'search_owner'>,
  texts: SearchTexts,
) {
  const values = {
    ...row,
    search_public: vector(texts.public),
    search_members: vector(texts.members),
    search_owner: vector(texts.owner),
  };
  const { id: _id, user_id: _user, created_at: _created, is_demo: _demo, ...changes } = values;
  return db
    .insertInto('expert_profiles')
    .values(values)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deleteByUserId(db: Db, userId: string) {
  return db.deleteFrom('expert_profiles').where('user_id', '=', userId).executeTakeFirst();
}

/** Who is reading: their id (owner of their own profile) and the levels they may see on others. */
export interface Reader {
  viewerId: string | null;
  levels: Visibility[];
}

export interface ProfileSearch extends Reader {
  q?: string;
  themes?: string[];
  cmmDimensions?: string[];
  languages?: string[];
  /** Region slugs or ISO2 countries; a profile matches when its experience covers any of them. */
  areas?: string[];
  stakeholderGroup?: string;
  available?: 'any' | 'missions' | 'mentoring';
  /** Match profiles meeting ANY of the field criteria (needs matching) instead of ALL (search). */
  anyOf?: boolean;
  /** Order by how much of the criteria each profile meets, in the fields the reader may see. */
  byOverlap?: boolean;
  limit: number;
  offset: number;
}

function viewer(r: Reader) {
  return sql`${r.viewerId}::uuid`;
}

/** A field condition that only holds where the reader may see the field (or owns the profile). */
function visibleAnd(r: Reader, field: string, condition: Expression<SqlBool>): Expression<SqlBool> {
  return sql<SqlBool>`((expert_profiles.user_id = ${viewer(r)} OR expert_profiles.visibility->>${field} = ANY(${r.levels}::text[])) AND ${condition})`;
}

function conditions(s: ProfileSearch): {
  base: Expression<SqlBool>[];
  fields: Expression<SqlBool>[];
} {
  const base: Expression<SqlBool>[] = [
    sql<SqlBool>`(expert_profiles.user_id = ${viewer(s)} OR (expert_profiles.listed AND expert_profiles.audience = ANY(${s.levels}::text[])))`,
  ];
  const fields: Expression<SqlBool>[] = [];
  if (s.q) {
    const query = sql`(SELECT websearch_to_tsquery('simple', unaccent(${s.q})))`;
    base.push(
      s.levels.includes('members')
        ? sql<SqlBool>`((expert_profiles.user_id = ${viewer(s)} AND expert_profiles.search_owner @@ ${query}) OR expert_profiles.search_members @@ ${query})`
        : sql<SqlBool>`((expert_profiles.user_id = ${viewer(s)} AND expert_profiles.search_owner @@ ${query}) OR expert_profiles.search_public @@ ${query})`,
    );
  }
  if (s.themes?.length)
    fields.push(
      visibleAnd(s, 'expertise', sql<SqlBool>`expert_profiles.themes && ${s.themes}::text[]`),
    );
  if (s.cmmDimensions?.length)
    fields.push(
      visibleAnd(
        s,
        'expertise',
        sql<SqlBool>`expert_profiles.cmm_dimensions && ${s.cmmDimensions}::text[]`,
      ),
    );
  if (s.languages?.length)
    fields.push(
      visibleAnd(s, 'languages', sql<SqlBool>`expert_profiles.languages && ${s.languages}::text[]`),
    );
  if (s.areas?.length)
    fields.push(
      visibleAnd(
        s,
        'experience',
        sql<SqlBool>`expert_profiles.experience_area && ${s.areas}::text[]`,
      ),
    );
  if (s.stakeholderGroup)
    fields.push(
      visibleAnd(
        s,
        'stakeholderGroup',
        sql<SqlBool>`expert_profiles.stakeholder_group = ${s.stakeholderGroup}`,
      ),
    );
  if (s.available)
    fields.push(
      visibleAnd(
        s,
        'availability',
        s.available === 'any'
          ? sql<SqlBool>`cardinality(expert_profiles.available_for) > 0`
          : sql<SqlBool>`${s.available} = ANY(expert_profiles.available_for)`,
      ),
    );
  return { base, fields };
}

function filtered(db: Db, s: ProfileSearch) {
  const { base, fields } = conditions(s);
  return active(db).where((eb) => {
    const all = [...base];
    if (fields.length) all.push(s.anyOf ? eb.or(fields) : eb.and(fields));
    return eb.and(all);
  });
}

function visible(r: Reader, field: string) {
  return sql`(expert_profiles.user_id = ${viewer(r)} OR expert_profiles.visibility->>${field} = ANY(${r.levels}::text[]))`;
}

/** 1 when the column shares a value with the criteria (cheap: no set operations per row). */
function overlap(column: string, values: readonly string[] | undefined) {
  if (!values?.length) return sql`0`;
  return sql`(${sql.ref(column)} && ${[...values]}::text[])::int`;
}

/** A rough score in SQL (weights as in matchReasons) to pick candidates before exact reasons. */
function overlapScore(s: ProfileSearch) {
  return sql<number>`(
    CASE WHEN ${visible(s, 'expertise')} THEN 3 * ${overlap('expert_profiles.themes', s.themes)} + 2 * ${overlap('expert_profiles.cmm_dimensions', s.cmmDimensions)} ELSE 0 END
    + CASE WHEN ${visible(s, 'languages')} THEN 2 * ${overlap('expert_profiles.languages', s.languages)} ELSE 0 END
    + CASE WHEN ${visible(s, 'experience')} THEN 2 * ${overlap('expert_profiles.experience_area', s.areas)} ELSE 0 END
  )`;
}

/**
 * One page of profiles: filtered, ordered and cut on the profiles first, then read whole for the
 * page's rows only.
 */
export async function searchProfiles(db: Db, s: ProfileSearch) {
  let rank = sql<number>`0`;
  if (s.q) {
    const tsq = sql`(SELECT websearch_to_tsquery('simple', unaccent(${s.q})))`;
    const doc = s.levels.includes('members')
      ? sql`CASE WHEN expert_profiles.user_id = ${viewer(s)} THEN expert_profiles.search_owner ELSE expert_profiles.search_members END`
      : sql`CASE WHEN expert_profiles.user_id = ${viewer(s)} THEN expert_profiles.search_owner ELSE expert_profiles.search_public END`;
    rank = sql<number>`ts_rank(${doc}, ${tsq})`;
  } else if (s.byOverlap) {
    rank = overlapScore(s);
  }
  const page = filtered(db, s)
    .select(['expert_profiles.id as page_id', rank.as('rank')])
    .orderBy('rank', 'desc')
    .orderBy('expert_profiles.updated_at', 'desc')
    .orderBy('expert_profiles.id')
    .limit(s.limit)
    .offset(s.offset);
  const rows = await db
    .selectFrom('expert_profiles')
    .innerJoin(page.as('page'), 'page.page_id', 'expert_profiles.id')
    .selectAll('expert_profiles')
    .orderBy('page.rank', 'desc')
    .orderBy('expert_profiles.updated_at', 'desc')
    .orderBy('expert_profiles.id')
    .execute();
  const { n } = await filtered(db, s)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export function countListed(db: Db, levels: Visibility[]) {
  return active(db)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('expert_profiles.listed', '=', true)
    .where(sql<SqlBool>`expert_profiles.audience = ANY(${levels}::text[])`)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}
