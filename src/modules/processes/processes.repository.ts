import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  ProcessesTable,
  ProcessMeetingsTable,
  ProcessDelegationsTable,
} from './processes.table.ts';

export type ProcessRow = Selectable<ProcessesTable>;
export type MeetingRow = Selectable<ProcessMeetingsTable>;
export type DelegationRow = Selectable<ProcessDelegationsTable>;

export interface ProcessFilter {
  q?: string;
  kind?: string;
  modality?: string;
}

function filtered(db: Db, filter: ProcessFilter) {
  let query = db.selectFrom('processes');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.modality) query = query.where('modality', '=', filter.modality);
  if (filter.q) {
    // Only public columns are searched: nothing confidential can surface in a match.
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', like),
        eb(eb.fn('lower', ['short_name']), 'like', like),
        eb(eb.fn('lower', ['description']), 'like', like),
        eb(eb.fn('lower', ['mandate']), 'like', like),
      ]),
    );
  }
  return query;
}

export async function listProcesses(
  db: Db,
  filter: ProcessFilter,
  page: { limit: number; offset: number },
) {
  const [rows, count] = await Promise.all([
    filtered(db, filter)
      .selectAll()
      .orderBy(sql`coalesce(starts_on, '9999-12-31')`, 'desc')
      .orderBy('name')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    filtered(db, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findProcessById(db: Db, id: string) {
  return db.selectFrom('processes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findProcessBySlug(db: Db, slug: string) {
  return db.selectFrom('processes').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findProcessesByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('processes').selectAll().where('id', 'in', ids).execute();
}

export function childrenOf(db: Db, parentId: string) {
  return db
    .selectFrom('processes')
    .selectAll()
    .where('parent_id', '=', parentId)
    .orderBy('name')
    .execute();
}

export function insertProcess(db: Db, row: Insertable<ProcessesTable>) {
  return db.insertInto('processes').values(row).returningAll().executeTakeFirstOrThrow();
}

export function countProcesses(db: Db) {
  return db
    .selectFrom('processes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export async function meetingsOf(db: Db, processIds: readonly string[]) {
  const map = new Map<string, MeetingRow[]>();
  if (processIds.length === 0) return map;
  const rows = await db
    .selectFrom('process_meetings')
    .selectAll()
    .where('process_id', 'in', processIds)
    .orderBy('starts_on')
    .execute();
  for (const row of rows) map.set(row.process_id, [...(map.get(row.process_id) ?? []), row]);
  return map;
}

export function findMeeting(db: Db, processId: string, meetingId: string) {
  return db
    .selectFrom('process_meetings')
    .selectAll()
    .where('process_id', '=', processId)
    .where('id', '=', meetingId)
    .executeTakeFirst();
}

export function insertMeeting(db: Db, row: Insertable<ProcessMeetingsTable>) {
  return db.insertInto('process_meetings').values(row).returningAll().executeTakeFirstOrThrow();
}

export function delegationOf(db: Db, processId: string, userId: string) {
  return db
    .selectFrom('process_delegations')
    .selectAll()
    .where('process_id', '=', processId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function delegationsOf(db: Db, processId: string) {
  return db
    .selectFrom('process_delegations')
    .innerJoin('users', 'users.id', 'process_delegations.user_id')
    .select([
      'process_delegations.process_id',
      'process_delegations.user_id',
      'process_delegations.country',
      'process_delegations.created_at',
      'users.display_name',
      'users.email',
      'users.locale',
    ])
    .where('process_delegations.process_id', '=', processId)
    .orderBy('process_delegations.country')
    .execute();
}

export function upsertDelegation(db: Db, row: Insertable<ProcessDelegationsTable>) {
  return db
    .insertInto('process_delegations')
    .values(row)
    .onConflict((oc) => oc.columns(['process_id', 'user_id']).doUpdateSet({ country: row.country }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deleteDelegation(db: Db, processId: string, userId: string) {
  return db
    .deleteFrom('process_delegations')
    .where('process_id', '=', processId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/** Every process, by name (for the sitemap and the deadlines calendar: there are dozens). */
export function allProcesses(db: Db) {
  return db.selectFrom('processes').selectAll().orderBy('name').orderBy('id').execute();
}
