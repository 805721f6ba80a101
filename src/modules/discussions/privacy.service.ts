import type { ServiceContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './discussions.repository.ts';
import * as members from './members.repository.ts';

function selfOrAdmin(ctx: ServiceContext, userId: string): void {
  if (ctx.actor.userId === userId || ctx.actor.via === 'system') return;
  authorize(ctx, 'users.manage');
}

/** Everything discussions hold about a person, for their data export. */
export async function personalData(ctx: ServiceContext, userId: string) {
  selfOrAdmin(ctx, userId);
  const [threads, posts, flags, follows, preferences, groups, notices] = await Promise.all([
    repo.threadsBy(ctx.db, userId),
    repo.postsBy(ctx.db, userId),
    repo.flagsBy(ctx.db, userId),
    members.followsOf(ctx.db, userId),
    members.findPreferences(ctx.db, userId),
    members.groupsOf(ctx.db, userId),
    members.noticesOf(ctx.db, userId, new Date(0)),
  ]);
  return {
    discussions: {
      preferences: preferences
        ? {
            handle: preferences.handle,
            languages: preferences.languages,
            emailNotifications: preferences.email_notifications,
          }
        : null,
      threads: threads.map((t) => ({
        id: t.id,
        title: t.title,
        language: t.language,
        themes: t.themes,
        region: t.region,
        status: t.status,
        createdAt: new Date(t.created_at).toISOString(),
      })),
      posts: posts.map((p) => ({
        id: p.id,
        threadId: p.thread_id,
        isOpening: p.is_opening,
        markdown: p.body_md,
        status: p.status,
        hiddenReason: p.hidden_reason,
        createdAt: new Date(p.created_at).toISOString(),
      })),
      reports: flags.map((f) => ({
        id: f.id,
        postId: f.post_id,
        reason: f.reason,
        note: f.note,
        status: f.status,
        createdAt: new Date(f.created_at).toISOString(),
      })),
      follows: follows.map((f) => ({ type: f.target_type, id: f.target_id })),
      groups: groups.map((g) => ({ id: g.id, name: g.name, role: g.role })),
      notices: notices.map((n) => ({
        threadId: n.thread_id,
        kind: n.kind,
        at: new Date(n.created_at).toISOString(),
      })),
    },
  };
}

/**
 * Erases a person from discussions: threads nobody else wrote in go entirely; their other posts
 * are blanked (the conversation keeps its shape, the words and files go); follows, preferences,
 * memberships and notices go; their reports stay for the moderators, without their name or note.
 */
export async function erasePersonalData(ctx: ServiceContext, userId: string) {
  selfOrAdmin(ctx, userId);
  return ctx.db.transaction().execute(async (trx) => {
    const ownThreads = await repo.threadsOnlyBy(trx, userId);
    await repo.deleteThreads(trx, ownThreads);
    const blanked = await repo.erasePostsBy(trx, userId);
    await repo.deleteAttachmentsOf(
      trx,
      blanked.map((p) => p.id),
    );
    for (const p of blanked.filter((b) => b.is_opening)) {
      const thread = await repo.findThread(trx, p.thread_id);
      if (thread) await repo.reindexThread(trx, thread.id, thread.title, '');
    }
    await repo.detachThreadsOf(trx, userId);
    await repo.detachFlagsOf(trx, userId);
    await repo.detachModeratorOf(trx, userId);
    await members.deleteFollowsOf(trx, userId);
    await members.deleteMembershipsOf(trx, userId);
    await members.deleteNoticesOf(trx, userId);
    await members.deletePreferencesOf(trx, userId);
    const summary = { threadsDeleted: ownThreads.length, postsErased: blanked.length };
    await recordAudit(trx, ctx, {
      action: 'discussion.personal-data.erase',
      entityType: 'user',
      entityId: userId,
      after: summary,
    });
    return summary;
  });
}
