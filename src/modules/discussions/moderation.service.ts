import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, checkRateLimit } from '../accounts/index.ts';
import * as repo from './discussions.repository.ts';
import { RATE_LIMITS, canModerate, canSeeThread, excerptOf, type Reader } from './discussions.ts';
import { readerFor } from './discussions.service.ts';
import { notifyHidden } from './notify.service.ts';
import { FlagInput, ModerationInput, SlowModeInput } from './discussions.schemas.ts';

async function seenThread(ctx: ServiceContext, reader: Reader, threadId: string) {
  if (!isUuid(threadId)) throw AppError.notFound('The discussion');
  const thread = await repo.findThread(ctx.db, threadId);
  if (
    !thread ||
    !canSeeThread(reader, {
      groupId: thread.group_id,
      authorId: thread.author_id,
      status: thread.status,
    })
  )
    throw AppError.notFound('The discussion');
  return thread;
}

async function postOf(ctx: ServiceContext, threadId: string, postId: string) {
  if (!isUuid(postId)) throw AppError.notFound('The post');
  const post = await repo.findPost(ctx.db, postId);
  if (!post || post.thread_id !== threadId) throw AppError.notFound('The post');
  return post;
}

/** Any member may report a post to the moderators, with a reason. */
export async function flagPost(
  ctx: ServiceContext,
  threadId: string,
  postId: string,
  raw: unknown,
): Promise<{ created: boolean }> {
  authorize(ctx, 'discussion.post');
  const userId = ctx.actor.userId!;
  const input = parseOrThrow(FlagInput, raw);
  const reader = await readerFor(ctx, ctx.db);
  const thread = await seenThread(ctx, reader, threadId);
  const post = await postOf(ctx, thread.id, postId);
  if (input.reason === 'other' && input.note.trim().length < 3)
    throw AppError.validation([
      { path: '/note', message: 'Say in a few words what is wrong with this post.' },
    ]);
  await checkRateLimit(ctx, { key: `discussions:flag:user:${userId}`, ...RATE_LIMITS.flags });
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const flag = await repo.insertFlag(trx, {
      id: newId(),
      thread_id: thread.id,
      post_id: post.id,
      reporter_id: userId,
      reason: input.reason,
      note: input.note.trim(),
      created_at: now,
    });
    // Reporting the same post twice while the first report is open changes nothing.
    if (!flag) return { created: false };
    await recordAudit(trx, ctx, {
      action: 'discussion.flag',
      entityType: 'discussion_post',
      entityId: post.id,
      after: { flagId: flag.id, reason: input.reason },
    });
    return { created: true };
  });
}

async function moderated(ctx: ServiceContext, threadId: string) {
  authorize(ctx, 'discussion.post');
  const reader = await readerFor(ctx, ctx.db);
  const thread = await seenThread(ctx, reader, threadId);
  if (!canModerate(reader, { groupId: thread.group_id })) throw AppError.forbidden();
  return { reader, thread };
}

type Action = 'hide-post' | 'restore-post' | 'hide-thread' | 'restore-thread';

/** Every moderation action carries a reason of a few words (blank space is not a reason). */
function reasonFrom(reason: string): string {
  const why = reason.trim();
  if (why.length < 3)
    throw AppError.validation([
      { path: '/reason', message: 'Give the reason in a few words (it is kept in the log).' },
    ]);
  return why;
}

/**
 * Hides or restores a post or a whole thread. The reason is kept in the moderation log, shown to
 * the author beside their post, and mailed to them (once) when something of theirs is hidden.
 */
export async function moderate(
  ctx: ServiceContext,
  action: Action,
  threadId: string,
  postId: string | null,
  raw: unknown,
): Promise<void> {
  authorize(ctx, 'discussion.post');
  const why = reasonFrom(parseOrThrow(ModerationInput, raw).reason);
  const { thread } = await moderated(ctx, threadId);
  const post = postId ? await postOf(ctx, thread.id, postId) : null;
  if ((action === 'hide-post' || action === 'restore-post') && !post)
    throw AppError.notFound('The post');
  const hiding = action.startsWith('hide');
  const current = post ? post.status : thread.status;
  if ((current === 'hidden') === hiding)
    throw new AppError('conflict', hiding ? 'This is already hidden.' : 'This is not hidden.');

  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const status = hiding ? 'hidden' : 'visible';
    const change = {
      status,
      hidden_reason: hiding ? why : null,
      hidden_at: hiding ? now : null,
    } as const;
    if (post) {
      await repo.updatePost(trx, post.id, change);
      if (post.is_opening)
        await repo.reindexThread(trx, thread.id, thread.title, hiding ? '' : post.body_md);
    } else {
      await repo.updateThread(trx, thread.id, change);
    }
    if (hiding)
      await repo.resolveFlags(
        trx,
        post ? { postId: post.id } : { threadId: thread.id },
        'upheld',
        ctx.actor.userId,
        now,
      );
    const logId = newId();
    await repo.insertLog(trx, {
      id: logId,
      at: now,
      moderator_id: ctx.actor.userId,
      action,
      thread_id: thread.id,
      post_id: post?.id ?? null,
      reason: why,
      details: JSON.stringify(
        post ? { excerpt: excerptOf(post.body_md, 120) } : { title: thread.title },
      ),
    });
    await recordAudit(trx, ctx, {
      action: `discussion.${action}`,
      entityType: post ? 'discussion_post' : 'discussion_thread',
      entityId: post?.id ?? thread.id,
      before: { status: current },
      after: { status, reason: why },
    });
    const authorId = post ? post.author_id : thread.author_id;
    if (hiding && authorId && authorId !== ctx.actor.userId)
      await notifyHidden(trx, ctx, {
        eventId: logId,
        authorId,
        threadId: thread.id,
        title: thread.title,
        reason: why,
        what: post ? 'post' : 'thread',
      });
  });
  await ctx.mailer.deliverPending(ctx.db);
}

/** Slow mode: in this thread, each member may post once per `seconds` (moderators excepted). */
export async function setSlowMode(
  ctx: ServiceContext,
  threadId: string,
  raw: unknown,
): Promise<void> {
  authorize(ctx, 'discussion.post');
  const input = parseOrThrow(SlowModeInput, raw);
  const why = reasonFrom(input.reason);
  const { thread } = await moderated(ctx, threadId);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateThread(trx, thread.id, { slow_mode_seconds: input.seconds });
    await repo.insertLog(trx, {
      id: newId(),
      at: ctx.clock.now(),
      moderator_id: ctx.actor.userId,
      action: 'slow-mode',
      thread_id: thread.id,
      post_id: null,
      reason: why,
      details: JSON.stringify({ from: thread.slow_mode_seconds, to: input.seconds }),
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.slow-mode',
      entityType: 'discussion_thread',
      entityId: thread.id,
      before: { seconds: thread.slow_mode_seconds },
      after: { seconds: input.seconds, reason: why },
    });
  });
}

/** Closes a report without hiding anything. */
export async function dismissFlag(
  ctx: ServiceContext,
  flagId: string,
  raw: unknown,
): Promise<void> {
  authorize(ctx, 'discussion.post');
  const why = reasonFrom(parseOrThrow(ModerationInput, raw).reason);
  if (!isUuid(flagId)) throw AppError.notFound('The report');
  const flag = await repo.findFlag(ctx.db, flagId);
  if (!flag) throw AppError.notFound('The report');
  const { thread } = await moderated(ctx, flag.thread_id);
  if (flag.status !== 'open') throw new AppError('conflict', 'This report is already closed.');
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await repo.resolveFlags(trx, { flagId }, 'dismissed', ctx.actor.userId, now);
    await repo.insertLog(trx, {
      id: newId(),
      at: now,
      moderator_id: ctx.actor.userId,
      action: 'dismiss-flag',
      thread_id: thread.id,
      post_id: flag.post_id,
      reason: why,
      details: JSON.stringify({ flagId, flagReason: flag.reason }),
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.dismiss-flag',
      entityType: 'discussion_flag',
      entityId: flagId,
      after: { reason: why },
    });
  });
}

/** Whether the caller moderates anything: the site's open discussions or a private group. */
function moderatesAnything(reader: Reader): boolean {
  return reader.siteModerator || [...reader.groups.values()].includes('admin');
}

/** The moderators' queue: open reports on threads the caller moderates. */
export async function moderationQueue(ctx: ServiceContext) {
  authorize(ctx, 'discussion.post');
  const reader = await readerFor(ctx);
  if (!moderatesAnything(reader)) authorize(ctx, 'discussion.moderate');
  return (await repo.openFlags(ctx.readDb, reader)).map((f) => ({
    id: f.id,
    threadId: f.thread_id,
    postId: f.post_id,
    threadTitle: f.thread_title,
    inGroup: !!f.group_id,
    reason: f.reason,
    note: f.note,
    reporter: f.reporter_name,
    author: f.author_name,
    excerpt: excerptOf(f.body_md, 280),
    postHidden: f.post_status === 'hidden',
    isOpening: f.is_opening,
    createdAt: new Date(f.created_at),
  }));
}

/** Every moderation action on threads the caller moderates, newest first. */
export async function moderationLog(ctx: ServiceContext, options: { threadId?: string } = {}) {
  authorize(ctx, 'discussion.post');
  const reader = await readerFor(ctx);
  if (!moderatesAnything(reader)) authorize(ctx, 'discussion.moderate');
  return (
    await repo.moderationLog(ctx.readDb, reader, { threadId: options.threadId, limit: 500 })
  ).map((e) => ({
    id: e.id,
    at: new Date(e.at),
    action: e.action,
    threadId: e.thread_id,
    postId: e.post_id,
    threadTitle: e.thread_title,
    moderator: e.moderator_name,
    reason: e.reason,
    details: e.details as Record<string, unknown>,
  }));
}
