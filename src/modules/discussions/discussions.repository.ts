import { sql, type Expression, type Insertable, type SqlBool, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  DiscussionAttachmentsTable,
  DiscussionFlagsTable,
  DiscussionModerationLogTable,
  DiscussionPostsTable,
  DiscussionThreadsTable,
} from './discussions.table.ts';
import type { Reader } from './discussions.ts';

/*
 * All SQL of threads and posts. Every read of threads goes through `visibleTo`, the SQL twin of
 * canSeeThread, so that no list, search, feed or count can include a thread the reader may not
 * see. Author names come from a read-only join on `users` (the accounts module has no bulk lookup).
 */

function uuids(ids: Iterable<string>) {
  return sql`${[...ids]}::uuid[]`;
}

/** The thread visibility rule in SQL (see canSeeThread and canModerate in discussions.ts). */
export function visibleTo(reader: Reader): Expression<SqlBool> {
  const groups = [...reader.groups.keys()];
  const adminGroups = [...reader.groups].filter(([, role]) => role === 'admin').map(([id]) => id);
  const uid = sql`${reader.userId}::uuid`;
  return sql<SqlBool>`(
    (discussion_threads.group_id IS NULL AND (discussion_threads.status = 'visible'
      OR discussion_threads.author_id = ${uid} OR ${reader.siteModerator}::boolean))
    OR (discussion_threads.group_id = ANY(${uuids(groups)}) AND (discussion_threads.status = 'visible'
      OR discussion_threads.author_id = ${uid} OR discussion_threads.group_id = ANY(${uuids(adminGroups)})))
  )`;
}

const threadColumns = [
  'discussion_threads.id',
  'discussion_threads.group_id',
  'discussion_threads.author_id',
  'discussion_threads.title',
  'discussion_threads.language',
  'discussion_threads.themes',
  'discussion_threads.region',
  'discussion_threads.link_kind',
  'discussion_threads.link_ref',
  'discussion_threads.link_path',
  'discussion_threads.status',
  'discussion_threads.hidden_reason',
  'discussion_threads.hidden_at',
  'discussion_threads.slow_mode_seconds',
  'discussion_threads.reply_count',
  'discussion_threads.is_demo',
  'discussion_threads.created_at',
  'discussion_threads.last_activity_at',
] as const;

function threads(db: Db) {
  return db
    .selectFrom('discussion_threads')
    .leftJoin('users as author', 'author.id', 'discussion_threads.author_id')
    .leftJoin('discussion_preferences as author_prefs', 'author_prefs.user_id', 'author.id')
    .leftJoin('discussion_groups', 'discussion_groups.id', 'discussion_threads.group_id')
    .leftJoin('discussion_posts as opening', (join) =>
      join
        .onRef('opening.thread_id', '=', 'discussion_threads.id')
        .on('opening.is_opening', '=', true),
    )
    .select(threadColumns)
    .select([
      'author.display_name as author_name',
      'author_prefs.handle as author_handle',
      'discussion_groups.name as group_name',
      'discussion_groups.slug as group_slug',
      'opening.body_md as opening_md',
      'opening.status as opening_status',
      'opening.erased as opening_erased',
    ]);
}

export type ThreadRow = Awaited<ReturnType<typeof findThread>> & object;

export function findThread(db: Db, id: string) {
  return threads(db).where('discussion_threads.id', '=', id).executeTakeFirst();
}

export interface ThreadFilters {
  q?: string;
  themes?: string[];
  region?: string;
  languages?: string[];
  groupId?: string;
  link?: { kind: string; ref: string };
  authorId?: string;
  limit: number;
  offset: number;
}

/** The threads a reader may see that meet the filters, on the threads table alone. */
function filtered(db: Db, reader: Reader, f: ThreadFilters) {
  let query = db.selectFrom('discussion_threads').where(visibleTo(reader));
  if (f.q)
    query = query.where(
      sql<SqlBool>`discussion_threads.search @@ (SELECT websearch_to_tsquery('simple', unaccent(${f.q})))`,
    );
  if (f.themes?.length)
    query = query.where(sql<SqlBool>`discussion_threads.themes && ${f.themes}::text[]`);
  if (f.region)
    query = query.where(sql<SqlBool>`discussion_threads.region_path @> ARRAY[${f.region}]::text[]`);
  if (f.languages?.length) query = query.where('discussion_threads.language', 'in', f.languages);
  if (f.groupId) query = query.where('discussion_threads.group_id', '=', f.groupId);
  if (f.link)
    query = query
      .where('discussion_threads.link_kind', '=', f.link.kind as never)
      .where('discussion_threads.link_ref', '=', f.link.ref);
  if (f.authorId) query = query.where('discussion_threads.author_id', '=', f.authorId);
  return query;
}

/**
 * One page of threads: filtered, ordered and cut on the threads table first, then joined with
 * authors, groups and opening posts for the page's rows only.
 */
export async function listThreads(db: Db, reader: Reader, f: ThreadFilters) {
  const rank = f.q
    ? sql<number>`ts_rank(discussion_threads.search, (SELECT websearch_to_tsquery('simple', unaccent(${f.q}))))`
    : sql<number>`0`;
  const page = filtered(db, reader, f)
    .select(['discussion_threads.id as page_id', rank.as('rank')])
    .orderBy('rank', 'desc')
    .orderBy('discussion_threads.last_activity_at', 'desc')
    .orderBy('discussion_threads.id', 'desc')
    .limit(f.limit)
    .offset(f.offset);
  const rows = await threads(db)
    .innerJoin(page.as('page'), 'page.page_id', 'discussion_threads.id')
    .orderBy('page.rank', 'desc')
    .orderBy('discussion_threads.last_activity_at', 'desc')
    .orderBy('discussion_threads.id', 'desc')
    .execute();
  const { n } = await filtered(db, reader, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

const searchVector = (title: string, body: string) =>
  sql`setweight(to_tsvector('simple', unaccent(${title})), 'A') || to_tsvector('simple', unaccent(${body}))`;

export function insertThread(
  db: Db,
  row: Omit<Insertable<DiscussionThreadsTable>, 'search'>,
  body: string,
) {
  return db
    .insertInto('discussion_threads')
    .values({ ...row, search: searchVector(row.title, body) })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function updateThread(
  db: Db,
  id: string,
  changes: Omit<Updateable<DiscussionThreadsTable>, 'search'>,
) {
  return db.updateTable('discussion_threads').set(changes).where('id', '=', id).execute();
}

/** Search covers the title and the opening post while it is visible. */
export function reindexThread(db: Db, id: string, title: string, body: string) {
  return db
    .updateTable('discussion_threads')
    .set({ search: searchVector(title, body) })
    .where('id', '=', id)
    .execute();
}

export function lockThread(db: Db, id: string) {
  return db
    .selectFrom('discussion_threads')
    .select(['id', 'status', 'slow_mode_seconds', 'group_id', 'author_id', 'title'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function insertPost(db: Db, row: Insertable<DiscussionPostsTable>) {
  return db.insertInto('discussion_posts').values(row).returningAll().executeTakeFirstOrThrow();
}

export function bumpThread(db: Db, id: string, at: Date) {
  return db
    .updateTable('discussion_threads')
    .set((eb) => ({ reply_count: eb('reply_count', '+', 1), last_activity_at: at }))
    .where('id', '=', id)
    .execute();
}

export function postsOfThread(db: Db, threadId: string) {
  return db
    .selectFrom('discussion_posts')
    .leftJoin('users as author', 'author.id', 'discussion_posts.author_id')
    .leftJoin('discussion_preferences as author_prefs', 'author_prefs.user_id', 'author.id')
    .selectAll('discussion_posts')
    .select(['author.display_name as author_name', 'author_prefs.handle as author_handle'])
    .where('discussion_posts.thread_id', '=', threadId)
    .orderBy('discussion_posts.created_at')
    .orderBy('discussion_posts.id')
    .execute();
}
export type PostRow = Awaited<ReturnType<typeof postsOfThread>>[number];

export function findPost(db: Db, id: string) {
  return db.selectFrom('discussion_posts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updatePost(db: Db, id: string, changes: Updateable<DiscussionPostsTable>) {
  return db.updateTable('discussion_posts').set(changes).where('id', '=', id).execute();
}

export function lastPostIn(db: Db, authorId: string, threadId: string) {
  return db
    .selectFrom('discussion_posts')
    .select('created_at')
    .where('author_id', '=', authorId)
    .where('thread_id', '=', threadId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
    .then((r) => (r ? new Date(r.created_at) : null));
}

// Attachments

export function insertAttachment(db: Db, row: Insertable<DiscussionAttachmentsTable>) {
  return db.insertInto('discussion_attachments').values(row).execute();
}

export function attachmentsOf(db: Db, postIds: readonly string[]) {
  if (!postIds.length) return Promise.resolve([]);
  return db
    .selectFrom('discussion_attachments')
    .select(['id', 'post_id', 'filename', 'media_type', 'byte_size', 'created_at'])
    .where('post_id', 'in', postIds)
    .orderBy('created_at')
    .execute();
}

export function findAttachment(db: Db, id: string) {
  return db
    .selectFrom('discussion_attachments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

// Flags and the moderation log

export function insertFlag(db: Db, row: Insertable<DiscussionFlagsTable>) {
  return db
    .insertInto('discussion_flags')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['post_id', 'reporter_id']).where('status', '=', 'open').doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
}

/** Open flags on threads the reader moderates. */
export function openFlags(db: Db, reader: Reader) {
  const adminGroups = [...reader.groups].filter(([, role]) => role === 'admin').map(([id]) => id);
  return db
    .selectFrom('discussion_flags')
    .innerJoin('discussion_threads', 'discussion_threads.id', 'discussion_flags.thread_id')
    .innerJoin('discussion_posts', 'discussion_posts.id', 'discussion_flags.post_id')
    .leftJoin('users as reporter', 'reporter.id', 'discussion_flags.reporter_id')
    .leftJoin('users as author', 'author.id', 'discussion_posts.author_id')
    .select([
      'discussion_flags.id',
      'discussion_flags.thread_id',
      'discussion_flags.post_id',
      'discussion_flags.reason',
      'discussion_flags.note',
      'discussion_flags.created_at',
      'discussion_threads.title as thread_title',
      'discussion_threads.group_id',
      'discussion_posts.body_md',
      'discussion_posts.status as post_status',
      'discussion_posts.is_opening',
      'reporter.display_name as reporter_name',
      'author.display_name as author_name',
    ])
    .where('discussion_flags.status', '=', 'open')
    .where(
      sql<SqlBool>`((discussion_threads.group_id IS NULL AND ${reader.siteModerator}::boolean) OR discussion_threads.group_id = ANY(${uuids(adminGroups)}))`,
    )
    .orderBy('discussion_flags.created_at')
    .limit(200)
    .execute();
}

export function findFlag(db: Db, id: string) {
  return db.selectFrom('discussion_flags').selectAll().where('id', '=', id).executeTakeFirst();
}

export function resolveFlags(
  db: Db,
  where: { postId?: string; flagId?: string; threadId?: string },
  status: 'upheld' | 'dismissed',
  by: string | null,
  at: Date,
) {
  let query = db
    .updateTable('discussion_flags')
    .set({ status, resolved_by: by, resolved_at: at })
    .where('status', '=', 'open');
  if (where.postId) query = query.where('post_id', '=', where.postId);
  if (where.flagId) query = query.where('id', '=', where.flagId);
  if (where.threadId) query = query.where('thread_id', '=', where.threadId);
  if (!where.postId && !where.flagId && !where.threadId)
    throw new Error('resolveFlags needs a target');
  return query.returning('id').execute();
}

export function insertLog(db: Db, row: Insertable<DiscussionModerationLogTable>) {
  return db.insertInto('discussion_moderation_log').values(row).execute();
}

/** The moderation log of threads the reader moderates (or of one thread). */
export function moderationLog(
  db: Db,
  reader: Reader,
  options: { threadId?: string; limit: number },
) {
  const adminGroups = [...reader.groups].filter(([, role]) => role === 'admin').map(([id]) => id);
  let query = db
    .selectFrom('discussion_moderation_log')
    .innerJoin('discussion_threads', 'discussion_threads.id', 'discussion_moderation_log.thread_id')
    .leftJoin('users as moderator', 'moderator.id', 'discussion_moderation_log.moderator_id')
    .select([
      'discussion_moderation_log.id',
      'discussion_moderation_log.at',
      'discussion_moderation_log.action',
      'discussion_moderation_log.thread_id',
      'discussion_moderation_log.post_id',
      'discussion_moderation_log.reason',
      'discussion_moderation_log.details',
      'discussion_threads.title as thread_title',
      'moderator.display_name as moderator_name',
    ])
    .where(
      sql<SqlBool>`((discussion_threads.group_id IS NULL AND ${reader.siteModerator}::boolean) OR discussion_threads.group_id = ANY(${uuids(adminGroups)}))`,
    );
  if (options.threadId)
    query = query.where('discussion_moderation_log.thread_id', '=', options.threadId);
  return query
    .orderBy('discussion_moderation_log.at', 'desc')
    .orderBy('discussion_moderation_log.id', 'desc')
    .limit(options.limit)
    .execute();
}

// Personal data

export function threadsBy(db: Db, userId: string) {
  return db
    .selectFrom('discussion_threads')
    .select(threadColumns)
    .where('author_id', '=', userId)
    .execute();
}

export function postsBy(db: Db, userId: string) {
  return db
    .selectFrom('discussion_posts')
    .select(['id', 'thread_id', 'is_opening', 'body_md', 'status', 'hidden_reason', 'created_at'])
    .where('author_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export function flagsBy(db: Db, userId: string) {
  return db
    .selectFrom('discussion_flags')
    .select(['id', 'thread_id', 'post_id', 'reason', 'note', 'status', 'created_at'])
    .where('reporter_id', '=', userId)
    .execute();
}

/** Threads the person opened where nobody else has written: erased whole. */
export function threadsOnlyBy(db: Db, userId: string) {
  return db
    .selectFrom('discussion_threads')
    .select('id')
    .where('author_id', '=', userId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('discussion_posts')
            .select('discussion_posts.id')
            .whereRef('discussion_posts.thread_id', '=', 'discussion_threads.id')
            .where((eb) =>
              eb.or([
                eb('discussion_posts.author_id', '!=', userId),
                eb('discussion_posts.author_id', 'is', null),
              ]),
            ),
        ),
      ),
    )
    .execute()
    .then((rows) => rows.map((r) => r.id));
}

export function deleteThreads(db: Db, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve();
  return db.deleteFrom('discussion_threads').where('id', 'in', ids).execute();
}

/** Blanks the person's remaining posts, keeping the place of each in its conversation. */
export function erasePostsBy(db: Db, userId: string) {
  return db
    .updateTable('discussion_posts')
    .set({ body_md: '', body_html: '', erased: true, author_id: null })
    .where('author_id', '=', userId)
    .returning(['id', 'thread_id', 'is_opening'])
    .execute();
}

export function deleteAttachmentsOf(db: Db, postIds: readonly string[]) {
  if (!postIds.length) return Promise.resolve();
  return db.deleteFrom('discussion_attachments').where('post_id', 'in', postIds).execute();
}

export function detachThreadsOf(db: Db, userId: string) {
  return db
    .updateTable('discussion_threads')
    .set({ author_id: null })
    .where('author_id', '=', userId)
    .execute();
}

export function detachFlagsOf(db: Db, userId: string) {
  return db
    .updateTable('discussion_flags')
    .set({ reporter_id: null, note: '' })
    .where('reporter_id', '=', userId)
    .execute();
}

/** Keeps moderation actions and decisions on reports, without the person who took them. */
export async function detachModeratorOf(db: Db, userId: string) {
  await db
    .updateTable('discussion_moderation_log')
    .set({ moderator_id: null })
    .where('moderator_id', '=', userId)
    .execute();
  await db
    .updateTable('discussion_flags')
    .set({ resolved_by: null })
    .where('resolved_by', '=', userId)
    .execute();
}
