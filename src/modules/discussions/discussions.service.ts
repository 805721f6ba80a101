import type { Db } from '../../db/database.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, checkRateLimit, isAllowed } from '../accounts/index.ts';
import {
  isTerm,
  languageName,
  languages as listLanguages,
  regions as listRegions,
} from '../reference/index.ts';
import * as repo from './discussions.repository.ts';
import * as members from './members.repository.ts';
import {
  ANONYMOUS_READER,
  HANDLE,
  RATE_LIMITS,
  canModerate,
  canSeeHiddenPost,
  canSeeThread,
  excerptOf,
  handleFromName,
  isSitePath,
  slowModeWait,
  type FollowTarget,
  type GroupRole,
  type LinkKind,
  type Reader,
} from './discussions.ts';
import { renderMarkdown } from './markdown.ts';
import { checkAttachment, MAX_ATTACHMENTS, type UploadedFile } from './attachments.ts';
import { notifyPost } from './notify.service.ts';
import {
  toPostView,
  toSummary,
  type AttachmentView,
  type PostView,
  type ThreadSummary,
} from './discussions.present.ts';
import {
  PreferencesInput,
  ReplyInput,
  ThreadInput,
  type DiscussionQuery,
} from './discussions.schemas.ts';

/** Who the caller is for discussions: their private groups and whether they moderate the site. */
export async function readerFor(ctx: ServiceContext, db: Db = ctx.readDb): Promise<Reader> {
  const userId = ctx.actor.userId;
  if (!userId) return ANONYMOUS_READER;
  const rows = await members.membershipsOf(db, userId);
  return {
    userId,
    groups: new Map(rows.map((r) => [r.group_id, r.role as GroupRole])),
    siteModerator: isAllowed(ctx, 'discussion.moderate'),
  };
}

interface Places {
  regionPath(slug: string): string[] | null;
  languages: Set<string>;
  /** Language code by code, English name or own name, lowercased. */
  languageByToken: Map<string, string>;
}

let places: Promise<Places> | null = null;
/** Reference data changes only with a migration: read once per process. */
function loadPlaces(ctx: Pick<ServiceContext, 'readDb'>): Promise<Places> {
  places ??= (async () => {
    const [regionRows, languageRows] = await Promise.all([listRegions(ctx), listLanguages(ctx)]);
    const parent = new Map(regionRows.map((r) => [r.slug, r.parent]));
    const languageByToken = new Map<string, string>();
    for (const l of languageRows)
      for (const token of [l.code, l.name, l.nativeName, languageName(l.code, 'en')])
        if (token) languageByToken.set(token.toLowerCase(), l.code);
    return {
      languageByToken,
      languages: new Set(languageRows.map((l) => l.code)),
      regionPath(slug) {
        if (!parent.has(slug)) return null;
        const path: string[] = [];
        for (let at: string | null | undefined = slug; at; at = parent.get(at)) path.push(at);
        return path;
      },
    };
  })();
  places.catch(() => {
    places = null;
  });
  return places;
}

export interface DiscussionPage {
  items: ThreadSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ListOptions extends DiscussionQuery {
  /** Languages the member reads (pages apply the stored preference). */
  languages?: string[];
  /** Threads of one private group (still only for its members). */
  groupId?: string;
}

/** Threads the caller may see, newest activity first (or best match for a text search). */
export async function listDiscussions(
  ctx: ServiceContext,
  query: ListOptions,
): Promise<DiscussionPage> {
  const reader = await readerFor(ctx);
  return listFor(ctx, reader, query);
}

async function listFor(ctx: ServiceContext, reader: Reader, query: ListOptions) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const languages = query.language ? [query.language] : query.languages;
  const { rows, total } = await repo.listThreads(ctx.readDb, reader, {
    q: query.q?.trim() || undefined,
    themes: query.theme ? [query.theme] : undefined,
    region: query.region,
    languages: languages?.length ? languages : undefined,
    link:
      query.linkKind && query.linkRef ? { kind: query.linkKind, ref: query.linkRef } : undefined,
    groupId: query.groupId,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: rows.map((r) => toSummary(r, reader)), total, page, pageSize };
}

/** What anyone may see, whoever asks: feeds, sitemaps and caches use this. */
export function listPublicDiscussions(ctx: ServiceContext, query: ListOptions) {
  return listFor(ctx, ANONYMOUS_READER, query);
}

/** Threads about one resource, initiative, process or session (for that item's page). */
export async function threadsLinkedTo(
  ctx: ServiceContext,
  kind: LinkKind,
  ref: string,
  limit = 10,
): Promise<ThreadSummary[]> {
  const reader = await readerFor(ctx);
  const { rows } = await repo.listThreads(ctx.readDb, reader, {
    link: { kind, ref },
    limit,
    offset: 0,
  });
  return rows.map((r) => toSummary(r, reader));
}

export interface DiscussionDetail {
  thread: ThreadSummary;
  posts: PostView[];
  /** The reader moderates this thread (site moderator, or admin of its private group). */
  canModerate: boolean;
  canReply: boolean;
  following: boolean;
}

async function visibleThread(ctx: ServiceContext, reader: Reader, id: string, db = ctx.readDb) {
  if (!isUuid(id)) throw AppError.notFound('The discussion');
  const row = await repo.findThread(db, id);
  if (
    !row ||
    !canSeeThread(reader, { groupId: row.group_id, authorId: row.author_id, status: row.status })
  )
    throw AppError.notFound('The discussion');
  return row;
}

export async function getDiscussion(ctx: ServiceContext, id: string): Promise<DiscussionDetail> {
  const reader = await readerFor(ctx);
  const row = await visibleThread(ctx, reader, id);
  const postRows = await repo.postsOfThread(ctx.readDb, row.id);
  const files = await repo.attachmentsOf(
    ctx.readDb,
    postRows.map((p) => p.id),
  );
  const byPost = new Map<string, AttachmentView[]>();
  for (const f of files) {
    byPost.set(f.post_id, [
      ...(byPost.get(f.post_id) ?? []),
      { id: f.id, filename: f.filename, mediaType: f.media_type, size: f.byte_size },
    ]);
  }
  const following = reader.userId
    ? (await members.followsOf(ctx.readDb, reader.userId)).some(
        (f) => f.target_type === 'thread' && f.target_id === row.id,
      )
    : false;
  return {
    thread: toSummary(row, reader),
    posts: postRows.map((p) => toPostView(p, reader, row.group_id, byPost.get(p.id) ?? [])),
    canModerate: canModerate(reader, { groupId: row.group_id }),
    canReply: !!reader.userId && row.status === 'visible' && isAllowed(ctx, 'discussion.post'),
    following,
  };
}

/** Slow mode names itself in `errors` (path `/slowMode`) so that pages can say it in the reader's language. */
function slowModeRefusal(seconds: number, message: string): AppError {
  return new AppError('rate_limited', message, [{ path: '/slowMode', message }], {
    'retry-after': String(seconds),
  });
}

function waitWords(seconds: number): string {
  return seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Counts one post of a member against the shared rate limits. Called before the transaction that
 * writes: `checkRateLimit` uses its own connection, and PGlite has only one.
 */
async function checkPostRate(ctx: ServiceContext, userId: string) {
  await checkRateLimit(ctx, { key: `discussions:post:user:${userId}`, ...RATE_LIMITS.posts });
}

/** A member's handle (how others mention them), made from their name the first time. */
export async function ensureHandle(trx: Db, ctx: ServiceContext, userId: string): Promise<string> {
  const existing = await members.findPreferences(trx, userId);
  if (existing) return existing.handle;
  const base = handleFromName(ctx.actor.userId === userId ? ctx.actor.label : 'member');
  let handle = base;
  for (let n = 2; await members.handleTaken(trx, handle, userId); n++) handle = `${base}-${n}`;
  await members.insertPreferencesIfMissing(trx, {
    user_id: userId,
    handle,
    languages: [],
    updated_at: ctx.clock.now(),
  });
  return (await members.findPreferences(trx, userId))?.handle ?? handle;
}

async function checkFiles(files: readonly UploadedFile[], errors: FieldError[]) {
  if (files.length > MAX_ATTACHMENTS)
    errors.push({ path: '/attachments', message: `Attach at most ${MAX_ATTACHMENTS} files.` });
  const checked = [];
  for (const f of files.slice(0, MAX_ATTACHMENTS)) {
    const result = await checkAttachment(f);
    if (result.ok) checked.push(result.file);
    else errors.push({ path: '/attachments', message: result.message });
  }
  return checked;
}

const DEFAULT_LINK_PATHS: Record<LinkKind, (ref: string) => string> = {
  resource: (ref) => `/resources/${encodeURIComponent(ref)}`,
  initiative: (ref) => `/initiatives/${encodeURIComponent(ref)}`,
  process: (ref) => `/processes/${encodeURIComponent(ref)}`,
  session: (ref) => `/live/${encodeURIComponent(ref)}`,
};

/** Starts a thread with its opening post (and attachments). */
export async function createThread(
  ctx: ServiceContext,
  raw: unknown,
  files: readonly UploadedFile[] = [],
  options: { isDemo?: boolean } = {},
): Promise<{ id: string; postId: string }> {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId;
  if (!userId) throw AppError.forbidden('Only a member can start a discussion.');
  const input = parseOrThrow(ThreadInput, raw);
  const reader = await readerFor(ctx, ctx.db);
  const place = await loadPlaces(ctx);
  const errors: FieldError[] = [];
  const title = input.title.trim();
  const body = input.body.trim();
  if (title.length < 5)
    errors.push({
      path: '/title',
      message: 'Give the discussion a title of at least 5 characters.',
    });
  if (!body) errors.push({ path: '/body', message: 'Write the opening message.' });
  if (!place.languages.has(input.language))
    errors.push({ path: '/language', message: 'Choose the language of the discussion.' });
  const regionPath = input.region ? place.regionPath(input.region) : [];
  if (regionPath === null)
    errors.push({ path: '/region', message: 'Choose a region from the list.' });
  if (input.groupId && !reader.groups.has(input.groupId))
    errors.push({ path: '/groupId', message: 'Choose one of the groups you belong to.' });
  for (const theme of input.themes)
    if (!isTerm('theme', theme))
      errors.push({ path: '/themes', message: 'Choose themes from the list.' });
  let link: { kind: LinkKind; ref: string; path: string } | null = null;
  if (input.link) {
    const ref = input.link.ref.trim();
    const path = input.link.path?.trim() || DEFAULT_LINK_PATHS[input.link.kind as LinkKind](ref);
    if (!ref) errors.push({ path: '/link', message: 'Give the identifier of the linked item.' });
    else if (!isSitePath(path))
      errors.push({
        path: '/link',
        message: 'The link must be a path on this site, starting with /.',
      });
    else link = { kind: input.link.kind as LinkKind, ref, path };
  }
  const checked = await checkFiles(files, errors);
  if (errors.length) throw AppError.validation(errors);
  const rendered = renderMarkdown(body);
  await checkRateLimit(ctx, { key: `discussions:thread:user:${userId}`, ...RATE_LIMITS.threads });
  await checkPostRate(ctx, userId);

  const result = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await ensureHandle(trx, ctx, userId);
    const id = newId();
    await repo.insertThread(
      trx,
      {
        id,
        group_id: input.groupId ?? null,
        author_id: userId,
        title,
        language: input.language,
        themes: input.themes,
        region: input.region ?? null,
        region_path: regionPath ?? [],
        link_kind: link?.kind ?? null,
        link_ref: link?.ref ?? null,
        link_path: link?.path ?? null,
        is_demo: options.isDemo ?? false,
        created_at: now,
        last_activity_at: now,
      },
      body,
    );
    const post = await repo.insertPost(trx, {
      id: newId(),
      thread_id: id,
      author_id: userId,
      is_opening: true,
      body_md: body,
      body_html: rendered.html,
      created_at: now,
    });
    for (const f of checked)
      await repo.insertAttachment(trx, {
        id: newId(),
        post_id: post.id,
        thread_id: id,
        filename: f.filename,
        media_type: f.mediaType,
        byte_size: f.size,
        sha256: f.sha256,
        content: f.data,
        created_at: now,
      });
    // Authors follow what they start.
    await members.insertFollow(trx, {
      user_id: userId,
      target_type: 'thread',
      target_id: id,
      created_at: now,
    });
    await notifyPost(trx, ctx, {
      eventId: post.id,
      thread: {
        id,
        title,
        groupId: input.groupId ?? null,
        themes: input.themes,
        regionPath: regionPath ?? [],
      },
      postId: post.id,
      authorId: userId,
      authorName: ctx.actor.label,
      mentions: rendered.mentions,
      excerpt: excerptOf(body, 500),
      isOpening: true,
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.thread.create',
      entityType: 'discussion_thread',
      entityId: id,
      after: { title, groupId: input.groupId ?? null, attachments: checked.length },
      isPublic: !input.groupId,
    });
    return { id, postId: post.id };
  });
  await ctx.mailer.deliverPending(ctx.db);
  return result;
}

/** Replies in a thread, optionally quoting one of its posts. Slow mode and rate limits apply. */
export async function reply(
  ctx: ServiceContext,
  threadId: string,
  raw: unknown,
  files: readonly UploadedFile[] = [],
): Promise<{ id: string }> {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId;
  if (!userId) throw AppError.forbidden('Only a member can reply.');
  const input = parseOrThrow(ReplyInput, raw);
  const reader = await readerFor(ctx, ctx.db);
  const thread = await visibleThread(ctx, reader, threadId, ctx.db);
  if (thread.status === 'hidden')
    throw new AppError('conflict', 'This discussion is hidden by moderators and takes no replies.');
  const errors: FieldError[] = [];
  const body = input.body.trim();
  if (!body) errors.push({ path: '/body', message: 'Write your reply.' });
  if (input.quoteOf) {
    const quoted = await repo.findPost(ctx.db, input.quoteOf);
    if (
      !quoted ||
      quoted.thread_id !== thread.id ||
      (quoted.status === 'hidden' &&
        !canSeeHiddenPost(reader, { groupId: thread.group_id }, { authorId: quoted.author_id }))
    )
      errors.push({ path: '/quoteOf', message: 'You can quote only a post of this discussion.' });
  }
  const checked = await checkFiles(files, errors);
  if (errors.length) throw AppError.validation(errors);
  const rendered = renderMarkdown(body);
  const moderates = canModerate(reader, { groupId: thread.group_id });
  const regionPath = thread.region ? ((await loadPlaces(ctx)).regionPath(thread.region) ?? []) : [];
  await checkPostRate(ctx, userId);

  const result = await ctx.db.transaction().execute(async (trx) => {
    // The row lock makes two quick replies of one member in one thread take turns for slow mode.
    const locked = await repo.lockThread(trx, thread.id);
    if (!locked || locked.status === 'hidden') throw AppError.notFound('The discussion');
    const now = ctx.clock.now();
    if (!moderates) {
      const wait = slowModeWait(
        locked.slow_mode_seconds,
        await repo.lastPostIn(trx, userId, thread.id),
        now,
      );
      if (wait)
        throw slowModeRefusal(
          wait,
          `This discussion is in slow mode: you can post again in ${waitWords(wait)}.`,
        );
    }
    await ensureHandle(trx, ctx, userId);
    const post = await repo.insertPost(trx, {
      id: newId(),
      thread_id: thread.id,
      author_id: userId,
      quote_of: input.quoteOf ?? null,
      body_md: body,
      body_html: rendered.html,
      created_at: now,
    });
    for (const f of checked)
      await repo.insertAttachment(trx, {
        id: newId(),
        post_id: post.id,
        thread_id: thread.id,
        filename: f.filename,
        media_type: f.mediaType,
        byte_size: f.size,
        sha256: f.sha256,
        content: f.data,
        created_at: now,
      });
    await repo.bumpThread(trx, thread.id, now);
    await notifyPost(trx, ctx, {
      eventId: post.id,
      thread: {
        id: thread.id,
        title: thread.title,
        groupId: thread.group_id,
        themes: thread.themes,
        regionPath,
      },
      postId: post.id,
      authorId: userId,
      authorName: ctx.actor.label,
      mentions: rendered.mentions,
      excerpt: excerptOf(body, 500),
      isOpening: false,
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.post.create',
      entityType: 'discussion_post',
      entityId: post.id,
      after: { threadId: thread.id, quoteOf: input.quoteOf ?? null, attachments: checked.length },
      isPublic: !thread.group_id,
    });
    return { id: post.id };
  });
  await ctx.mailer.deliverPending(ctx.db);
  return result;
}

/** An attachment, if the caller may see the post it belongs to. */
export async function getAttachment(ctx: ServiceContext, id: string) {
  if (!isUuid(id)) throw AppError.notFound('The file');
  const file = await repo.findAttachment(ctx.readDb, id);
  if (!file) throw AppError.notFound('The file');
  const reader = await readerFor(ctx);
  const thread = await repo.findThread(ctx.readDb, file.thread_id);
  const post = await repo.findPost(ctx.readDb, file.post_id);
  if (
    !thread ||
    !post ||
    post.erased ||
    !canSeeThread(reader, {
      groupId: thread.group_id,
      authorId: thread.author_id,
      status: thread.status,
    }) ||
    (post.status === 'hidden' &&
      !canSeeHiddenPost(reader, { groupId: thread.group_id }, { authorId: post.author_id }))
  )
    throw AppError.notFound('The file');
  return {
    filename: file.filename,
    mediaType: file.media_type,
    data: Buffer.from(file.content),
    sha256: file.sha256,
  };
}

async function checkFollowTarget(
  ctx: ServiceContext,
  reader: Reader,
  type: FollowTarget,
  id: string,
) {
  if (type === 'thread') {
    await visibleThread(ctx, reader, id, ctx.db);
    return;
  }
  if (type === 'theme' && !isTerm('theme', id))
    throw AppError.validation([{ path: '/targetId', message: 'Choose a theme from the list.' }]);
  if (type === 'region' && !(await loadPlaces(ctx)).regionPath(id))
    throw AppError.validation([{ path: '/targetId', message: 'Choose a region from the list.' }]);
}

/** Follow a thread, a theme or a region: new posts there are notified (one notice per post). */
export async function follow(ctx: ServiceContext, type: FollowTarget, id: string) {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId!;
  const reader = await readerFor(ctx, ctx.db);
  await checkFollowTarget(ctx, reader, type, id);
  await ctx.db.transaction().execute(async (trx) => {
    await ensureHandle(trx, ctx, userId);
    const added = await members.insertFollow(trx, {
      user_id: userId,
      target_type: type,
      target_id: id,
      created_at: ctx.clock.now(),
    });
    if (added)
      await recordAudit(trx, ctx, {
        action: 'discussion.follow',
        entityType: `discussion_${type}`,
        entityId: id,
      });
  });
}

export async function unfollow(ctx: ServiceContext, type: FollowTarget, id: string) {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId!;
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await members.deleteFollow(trx, userId, type, id);
    if (Number(removed.numDeletedRows) > 0)
      await recordAudit(trx, ctx, {
        action: 'discussion.unfollow',
        entityType: `discussion_${type}`,
        entityId: id,
      });
  });
}

export interface Preferences {
  handle: string;
  languages: string[];
  emailNotifications: boolean;
  follows: Array<{ type: FollowTarget; id: string; title: string | null }>;
}

/** The caller's settings (made with a first handle if they have none yet). */
export async function getPreferences(ctx: ServiceContext): Promise<Preferences> {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId!;
  let prefs = await members.findPreferences(ctx.db, userId);
  if (!prefs) {
    await ctx.db.transaction().execute((trx) => ensureHandle(trx, ctx, userId));
    prefs = await members.findPreferences(ctx.db, userId);
  }
  const follows = await members.followsOf(ctx.db, userId);
  return {
    handle: prefs!.handle,
    languages: prefs!.languages,
    emailNotifications: prefs!.email_notifications,
    follows: follows.map((f) => ({
      type: f.target_type as FollowTarget,
      id: f.target_id,
      title: f.thread_title ?? null,
    })),
  };
}

/** What the caller follows, as "type:id" keys (read only). */
export async function myFollows(ctx: ServiceContext): Promise<Set<string>> {
  if (!ctx.actor.userId) return new Set();
  const rows = await members.followsOf(ctx.readDb, ctx.actor.userId);
  return new Set(rows.map((f) => `${f.target_type}:${f.target_id}`));
}

/** Only the languages a member reads, for filtering lists (empty: all). */
export async function readingLanguages(ctx: ServiceContext): Promise<string[]> {
  if (!ctx.actor.userId) return [];
  return (await members.findPreferences(ctx.readDb, ctx.actor.userId))?.languages ?? [];
}

export async function savePreferences(ctx: ServiceContext, raw: unknown): Promise<void> {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId!;
  const input = parseOrThrow(PreferencesInput, raw);
  const handle = input.handle.trim().replace(/^@/, '').toLowerCase();
  const errors: FieldError[] = [];
  const place = await loadPlaces(ctx);
  if (!HANDLE.test(handle))
    errors.push({
      path: '/handle',
      message:
        'Use 2 to 30 letters, digits, hyphens or underscores, starting with a letter or digit.',
    });
  const languages: string[] = [];
  for (const token of input.languages) {
    const code = place.languageByToken.get(token.trim().toLowerCase());
    if (!code)
      errors.push({
        path: '/languages',
        message: `Unknown language "${token.trim().slice(0, 60)}": use a name such as French or a code such as fr.`,
      });
    else if (!languages.includes(code)) languages.push(code);
  }
  if (errors.length) throw AppError.validation(errors);
  await ctx.db.transaction().execute(async (trx) => {
    if (await members.handleTaken(trx, handle, userId))
      throw AppError.validation([
        { path: '/handle', message: `@${handle} is taken: choose another.` },
      ]);
    const before = await members.findPreferences(trx, userId);
    await members.upsertPreferences(trx, {
      user_id: userId,
      handle,
      languages,
      email_notifications: input.emailNotifications,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.preferences.update',
      entityType: 'user',
      entityId: userId,
      before: before
        ? { handle: before.handle, languages: before.languages, email: before.email_notifications }
        : undefined,
      after: { handle, languages, email: input.emailNotifications },
    });
  });
}

/** Notices a member received since a time (for the digests of saved searches and alerts). */
export async function noticesSince(ctx: ServiceContext, userId: string, since: Date) {
  if (ctx.actor.userId !== userId && ctx.actor.via !== 'system') authorize(ctx, 'users.manage');
  return (await members.noticesOf(ctx.readDb, userId, since)).map((n) => ({
    eventId: n.event_id,
    threadId: n.thread_id,
    title: n.title,
    kind: n.kind,
    at: new Date(n.created_at),
    url: `/discussions/${n.thread_id}`,
  }));
}

export async function countPublicDiscussions(ctx: ServiceContext): Promise<number> {
  return (await listPublicDiscussions(ctx, { pageSize: 1 })).total;
}
