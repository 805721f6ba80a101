import type { Db } from '../../db/database.ts';
import type { ServiceContext } from '../../platform/context.ts';
import * as members from './members.repository.ts';
import { strongerNotice, type FollowTarget, type NoticeKind } from './discussions.ts';

export interface PostEvent {
  /** The post's id: one event, one notice per person at most. */
  eventId: string;
  thread: {
    id: string;
    title: string;
    groupId: string | null;
    themes: readonly string[];
    regionPath: readonly string[];
  };
  postId: string;
  authorId: string;
  authorName: string;
  mentions: readonly string[];
  excerpt: string;
  isOpening: boolean;
}

const WHY: Record<NoticeKind, string> = {
  mention: 'you were mentioned',
  thread: 'you follow this discussion',
  theme: 'you follow one of its themes',
  region: 'you follow its region',
};

/**
 * Works out who hears of a new post, records one notice per person for the event and queues one
 * email each, in the caller's transaction. A person who is mentioned and also follows the thread,
 * its theme and its region gets one notice (the most personal); the ledger's primary key
 * (event, person) makes a second notice for the same event impossible, even when this runs again.
 * People who may not see the thread (outside its private group) hear nothing.
 */
export async function notifyPost(trx: Db, ctx: ServiceContext, event: PostEvent): Promise<number> {
  const kinds = new Map<string, NoticeKind>();
  const add = (userId: string, kind: NoticeKind) =>
    kinds.set(userId, strongerNotice(kinds.get(userId), kind));

  for (const m of await members.usersByHandles(trx, event.mentions)) add(m.user_id, 'mention');
  const targets: Array<{ type: FollowTarget; id: string }> = [
    ...(event.isOpening ? [] : [{ type: 'thread' as const, id: event.thread.id }]),
    ...event.thread.themes.map((id) => ({ type: 'theme' as const, id })),
    ...event.thread.regionPath.map((id) => ({ type: 'region' as const, id })),
  ];
  for (const f of await members.followersOf(trx, targets))
    add(f.user_id, f.target_type as NoticeKind);
  kinds.delete(event.authorId);

  let candidates = [...kinds.keys()];
  if (event.thread.groupId) {
    const inGroup = await members.membersAmong(trx, event.thread.groupId, candidates);
    candidates = candidates.filter((id) => inGroup.has(id));
  }
  const people = await members.activeUsers(trx, candidates);
  const now = ctx.clock.now();
  const recorded = new Set(
    await members.recordNotices(
      trx,
      people.map((p) => ({
        event_id: event.eventId,
        user_id: p.id,
        thread_id: event.thread.id,
        kind: kinds.get(p.id)!,
        created_at: now,
      })),
    ),
  );
  const mailed: string[] = [];
  const base = ctx.config.baseUrl;
  for (const person of people) {
    if (!recorded.has(person.id) || person.email_notifications === false) continue;
    const kind = kinds.get(person.id)!;
    const subject =
      kind === 'mention'
        ? `${event.authorName} mentioned you in “${event.thread.title}”`
        : event.isOpening
          ? `New discussion: “${event.thread.title}”`
          : `New reply in “${event.thread.title}”`;
    await ctx.mailer.queue(trx, {
      to: person.email,
      subject,
      text: [
        `${event.authorName} wrote in “${event.thread.title}”:`,
        '',
        event.excerpt,
        '',
        `Read and reply: ${base}/discussions/${event.thread.id}#post-${event.postId}`,
        '',
        `You receive this because ${WHY[kind]}.`,
        `Change what you follow and how you are notified: ${base}/discussions/preferences`,
      ].join('\n'),
      headers: {
        'List-Unsubscribe': `<${base}/discussions/preferences>`,
        'X-Commons-Event': event.eventId,
      },
      category: 'discussion',
    });
    mailed.push(person.id);
  }
  await members.markMailed(trx, event.eventId, mailed);
  return recorded.size;
}

/** Tells an author, once, that a moderator hid their post or thread, and why. */
export async function notifyHidden(
  trx: Db,
  ctx: ServiceContext,
  args: {
    eventId: string;
    authorId: string;
    threadId: string;
    title: string;
    reason: string;
    what: 'post' | 'thread';
  },
): Promise<void> {
  const [person] = await members.activeUsers(trx, [args.authorId]);
  if (!person) return;
  const recorded = await members.recordNotices(trx, [
    {
      event_id: args.eventId,
      user_id: person.id,
      thread_id: args.threadId,
      kind: 'moderation',
      created_at: ctx.clock.now(),
    },
  ]);
  if (!recorded.length) return;
  await ctx.mailer.queue(trx, {
    to: person.email,
    subject: `A moderator hid your ${args.what} in “${args.title}”`,
    text: [
      `A moderator hid your ${args.what} in “${args.title}”.`,
      '',
      `Reason given: ${args.reason}`,
      '',
      `You can still see it, with this reason: ${ctx.config.baseUrl}/discussions/${args.threadId}`,
    ].join('\n'),
    headers: { 'X-Commons-Event': args.eventId },
    category: 'discussion',
  });
  await members.markMailed(trx, args.eventId, [person.id]);
}
