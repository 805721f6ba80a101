import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  DiscussionGroupsTable,
  DiscussionNotificationsTable,
  DiscussionPreferencesTable,
} from './discussions.table.ts';
import type { FollowTarget, GroupRole } from './discussions.ts';

/*
 * Members' side of discussions: private groups and their membership, follows, preferences
 * (handles, languages read) and the notification ledger.
 */

// Groups

export function membershipsOf(db: Db, userId: string) {
  return db
    .selectFrom('discussion_group_members')
    .select(['group_id', 'role'])
    .where('user_id', '=', userId)
    .execute();
}

export function insertGroup(db: Db, row: Insertable<DiscussionGroupsTable>) {
  return db.insertInto('discussion_groups').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findGroup(db: Db, id: string) {
  return db.selectFrom('discussion_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findGroupBySlug(db: Db, slug: string) {
  return db.selectFrom('discussion_groups').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function groupsOf(db: Db, userId: string) {
  return db
    .selectFrom('discussion_group_members')
    .innerJoin('discussion_groups', 'discussion_groups.id', 'discussion_group_members.group_id')
    .selectAll('discussion_groups')
    .select('discussion_group_members.role')
    .where('discussion_group_members.user_id', '=', userId)
    .orderBy('discussion_groups.name')
    .execute();
}

export function groupMembers(db: Db, groupId: string) {
  return db
    .selectFrom('discussion_group_members')
    .innerJoin('users', 'users.id', 'discussion_group_members.user_id')
    .select([
      'users.id',
      'users.display_name',
      'users.email',
      'discussion_group_members.role',
      'discussion_group_members.created_at',
    ])
    .where('discussion_group_members.group_id', '=', groupId)
    .orderBy('users.display_name')
    .execute();
}

export function upsertMember(
  db: Db,
  row: {
    group_id: string;
    user_id: string;
    role: GroupRole;
    added_by: string | null;
    created_at: Date;
  },
) {
  return db
    .insertInto('discussion_group_members')
    .values(row)
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ role: row.role }))
    .execute();
}

export function deleteMember(db: Db, groupId: string, userId: string) {
  return db
    .deleteFrom('discussion_group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function countAdmins(db: Db, groupId: string) {
  return db
    .selectFrom('discussion_group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

/** Which of these users belong to the group. */
export function membersAmong(db: Db, groupId: string, userIds: readonly string[]) {
  if (!userIds.length) return Promise.resolve(new Set<string>());
  return db
    .selectFrom('discussion_group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', 'in', userIds)
    .execute()
    .then((rows) => new Set(rows.map((r) => r.user_id)));
}

export function deleteMembershipsOf(db: Db, userId: string) {
  return db.deleteFrom('discussion_group_members').where('user_id', '=', userId).execute();
}

// Users (read-only: names and addresses for notices)

export function activeUsers(db: Db, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .leftJoin('discussion_preferences', 'discussion_preferences.user_id', 'users.id')
    .select([
      'users.id',
      'users.display_name',
      'users.email',
      'users.locale',
      'discussion_preferences.email_notifications',
    ])
    .where('users.id', 'in', ids)
    .where('users.status', '=', 'active')
    .execute();
}

// Follows

export function insertFollow(
  db: Db,
  row: { user_id: string; target_type: FollowTarget; target_id: string; created_at: Date },
) {
  return db
    .insertInto('discussion_follows')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
}

export function deleteFollow(db: Db, userId: string, type: FollowTarget, id: string) {
  return db
    .deleteFrom('discussion_follows')
    .where('user_id', '=', userId)
    .where('target_type', '=', type)
    .where('target_id', '=', id)
    .executeTakeFirst();
}

export function followsOf(db: Db, userId: string) {
  return db
    .selectFrom('discussion_follows')
    .leftJoin('discussion_threads', (join) =>
      join
        .on('discussion_follows.target_type', '=', 'thread')
        .on(sql`discussion_threads.id::text`, '=', sql.ref('discussion_follows.target_id')),
    )
    .select([
      'discussion_follows.target_type',
      'discussion_follows.target_id',
      'discussion_follows.created_at',
      'discussion_threads.title as thread_title',
    ])
    .where('discussion_follows.user_id', '=', userId)
    .orderBy('discussion_follows.created_at', 'desc')
    .execute();
}

/** Followers of any of these targets, with which target they follow. */
export function followersOf(db: Db, targets: ReadonlyArray<{ type: FollowTarget; id: string }>) {
  if (!targets.length) return Promise.resolve([]);
  return db
    .selectFrom('discussion_follows')
    .select(['user_id', 'target_type', 'target_id'])
    .where((eb) =>
      eb.or(
        targets.map((t) => eb.and([eb('target_type', '=', t.type), eb('target_id', '=', t.id)])),
      ),
    )
    .execute();
}

export function deleteFollowsOf(db: Db, userId: string) {
  return db.deleteFrom('discussion_follows').where('user_id', '=', userId).execute();
}

// Preferences

export function findPreferences(db: Db, userId: string) {
  return db
    .selectFrom('discussion_preferences')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function usersByHandles(db: Db, handles: readonly string[]) {
  if (!handles.length) return Promise.resolve([]);
  return db
    .selectFrom('discussion_preferences')
    .select(['user_id', 'handle'])
    .where('handle', 'in', handles)
    .execute();
}

export function handleTaken(db: Db, handle: string, exceptUser: string) {
  return db
    .selectFrom('discussion_preferences')
    .select('user_id')
    .where('handle', '=', handle)
    .where('user_id', '!=', exceptUser)
    .executeTakeFirst()
    .then((r) => !!r);
}

export function upsertPreferences(db: Db, row: Insertable<DiscussionPreferencesTable>) {
  const { user_id: _user, ...changes } = row;
  return db
    .insertInto('discussion_preferences')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertPreferencesIfMissing(db: Db, row: Insertable<DiscussionPreferencesTable>) {
  return db
    .insertInto('discussion_preferences')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function deletePreferencesOf(db: Db, userId: string) {
  return db.deleteFrom('discussion_preferences').where('user_id', '=', userId).execute();
}

// Notification ledger

/** Records notices; returns only the people newly recorded (a repeat of an event records nobody). */
export function recordNotices(db: Db, rows: Insertable<DiscussionNotificationsTable>[]) {
  if (!rows.length) return Promise.resolve([] as string[]);
  return db
    .insertInto('discussion_notifications')
    .values(rows)
    .onConflict((oc) => oc.columns(['event_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute()
    .then((r) => r.map((x) => x.user_id));
}

export function markMailed(db: Db, eventId: string, userIds: readonly string[]) {
  if (!userIds.length) return Promise.resolve();
  return db
    .updateTable('discussion_notifications')
    .set({ mailed: true })
    .where('event_id', '=', eventId)
    .where('user_id', 'in', userIds)
    .execute();
}

export function noticesOf(db: Db, userId: string, since: Date) {
  return db
    .selectFrom('discussion_notifications')
    .innerJoin('discussion_threads', 'discussion_threads.id', 'discussion_notifications.thread_id')
    .select([
      'discussion_notifications.event_id',
      'discussion_notifications.thread_id',
      'discussion_notifications.kind',
      'discussion_notifications.created_at',
      'discussion_threads.title',
    ])
    .where('discussion_notifications.user_id', '=', userId)
    .where('discussion_notifications.created_at', '>', since)
    .orderBy('discussion_notifications.created_at', 'desc')
    .limit(500)
    .execute();
}

export function deleteNoticesOf(db: Db, userId: string) {
  return db.deleteFrom('discussion_notifications').where('user_id', '=', userId).execute();
}
