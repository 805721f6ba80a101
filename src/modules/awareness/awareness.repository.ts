import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Frequency, SavedSearchesTable } from './awareness.table.ts';

export type SavedSearchRow = Selectable<SavedSearchesTable>;

export function listSavedSearches(db: Db, userId: string) {
  return db
    .selectFrom('saved_searches')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function countSavedSearches(db: Db, userId: string): Promise<number> {
  const { n } = await db
    .selectFrom('saved_searches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export function findSavedSearch(db: Db, id: string) {
  return db.selectFrom('saved_searches').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Row-locked, inside a transaction: the digest and the owner's edits do not cross. */
export function lockSavedSearch(trx: Db, id: string) {
  return trx
    .selectFrom('saved_searches')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function findByQuery(db: Db, userId: string, kind: string, query: string) {
  return db
    .selectFrom('saved_searches')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('query', '=', query)
    .executeTakeFirst();
}

export function insertSavedSearch(db: Db, row: Insertable<SavedSearchesTable>) {
  return db.insertInto('saved_searches').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateSavedSearch(
  db: Db,
  id: string,
  changes: Partial<{
    label: string;
    frequency: Frequency;
    locale: string;
    last_period: string;
    watermark: Date;
    last_sent_at: Date;
    updated_at: Date;
  }>,
) {
  return db
    .updateTable('saved_searches')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function deleteSavedSearch(db: Db, id: string) {
  return db.deleteFrom('saved_searches').where('id', '=', id).executeTakeFirst();
}

/**
 * Saved searches whose alert is due: their frequency's current period has no digest yet.
 * Paged by id so that one pass visits each once even while rows change.
 */
export function dueSavedSearches(
  db: Db,
  periods: { daily: string; weekly: string },
  afterId: string | null,
  limit: number,
) {
  let query = db
    .selectFrom('saved_searches')
    .innerJoin('users', 'users.id', 'saved_searches.user_id')
    .selectAll('saved_searches')
    .select(['users.email', 'users.display_name'])
    .where('users.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('saved_searches.frequency', '=', 'daily'),
          eb('saved_searches.last_period', '<>', periods.daily),
        ]),
        eb.and([
          eb('saved_searches.frequency', '=', 'weekly'),
          eb('saved_searches.last_period', '<>', periods.weekly),
        ]),
      ]),
    );
  if (afterId) query = query.where('saved_searches.id', '>', afterId);
  return query.orderBy('saved_searches.id').limit(limit).execute();
}

/** Claims a digest period for a saved search; false when it was claimed before (a retry). */
export async function claimDigest(
  trx: Db,
  row: { saved_search_id: string; period: string; created_at: Date; item_count: number },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('digest_deliveries')
    .values({ ...row, mail_id: null })
    .onConflict((oc) => oc.columns(['saved_search_id', 'period']).doNothing())
    .returning('period')
    .executeTakeFirst();
  return !!inserted;
}

export function setDigestMail(trx: Db, savedSearchId: string, period: string, mailId: string) {
  return trx
    .updateTable('digest_deliveries')
    .set({ mail_id: mailId })
    .where('saved_search_id', '=', savedSearchId)
    .where('period', '=', period)
    .execute();
}

export function digestsOf(db: Db, savedSearchId: string) {
  return db
    .selectFrom('digest_deliveries')
    .selectAll()
    .where('saved_search_id', '=', savedSearchId)
    .orderBy('created_at', 'desc')
    .execute();
}

export function findCalendarFeed(db: Db, userId: string) {
  return db
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function findCalendarByToken(db: Db, token: string) {
  return db
    .selectFrom('calendar_feeds')
    .innerJoin('users', 'users.id', 'calendar_feeds.user_id')
    .select(['calendar_feeds.user_id', 'users.display_name', 'users.locale', 'users.status'])
    .where('calendar_feeds.token', '=', token)
    .executeTakeFirst();
}

export function upsertCalendarFeed(db: Db, userId: string, token: string, now: Date) {
  return db
    .insertInto('calendar_feeds')
    .values({ user_id: userId, token, created_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ token, created_at: now, last_used_at: null }),
    )
    .execute();
}

export function deleteCalendarFeed(db: Db, userId: string) {
  return db.deleteFrom('calendar_feeds').where('user_id', '=', userId).executeTakeFirst();
}

export function touchCalendarFeed(db: Db, userId: string, now: Date) {
  return db
    .updateTable('calendar_feeds')
    .set({ last_used_at: now })
    .where('user_id', '=', userId)
    .execute();
}

export function findUser(db: Db, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'locale', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}
