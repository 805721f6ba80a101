/**
 * Discussions: domain types and the pure rules of who sees and may do what. No database here, so
 * that the rules can be tested on every combination.
 */
import { slugify } from '../../platform/ids.ts';

export const LINK_KINDS = ['resource', 'initiative', 'process', 'session'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const FLAG_REASONS = [
  'spam',
  'abuse',
  'off-topic',
  'personal-data',
  'misinformation',
  'other',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/** Slow mode: a member may post in the thread once per this many seconds (0: off). */
export const SLOW_MODE_CHOICES = [0, 30, 60, 300, 900, 3600] as const;

/** Rate limits per member, whatever the thread (moderators included: they are members too). */
/** Per member, counted through the accounts module's `checkRateLimit` (shared by every module). */
export const RATE_LIMITS = {
  posts: { limit: 10, windowSeconds: 10 * 60 },
  threads: { limit: 5, windowSeconds: 60 * 60 },
  flags: { limit: 20, windowSeconds: 60 * 60 },
} as const;

export const FOLLOW_TARGETS = ['thread', 'theme', 'region'] as const;
export type FollowTarget = (typeof FOLLOW_TARGETS)[number];

export type GroupRole = 'admin' | 'member';

/** Who is reading, as far as discussions are concerned. */
export interface Reader {
  userId: string | null;
  /** The private groups the reader belongs to, and their role in each. */
  groups: ReadonlyMap<string, GroupRole>;
  /** Holds 'discussion.moderate' on the site: moderates the open discussions (not private groups). */
  siteModerator: boolean;
}

export const ANONYMOUS_READER: Reader = Object.freeze({
  userId: null,
  groups: new Map(),
  siteModerator: false,
});

export interface ThreadAccessFacts {
  groupId: string | null;
  authorId: string | null;
  status: 'visible' | 'hidden';
}

/**
 * Moderators of a thread: site moderators for open discussions; for a private group's thread only
 * that group's admins (a site moderator outside the group is an outsider and sees nothing of it).
 */
export function canModerate(reader: Reader, thread: Pick<ThreadAccessFacts, 'groupId'>): boolean {
  if (thread.groupId === null) return reader.siteModerator;
  return reader.groups.get(thread.groupId) === 'admin';
}

/** A private group's thread is seen by its members only; a hidden thread by its author and moderators. */
export function canSeeThread(reader: Reader, thread: ThreadAccessFacts): boolean {
  if (thread.groupId !== null && !reader.groups.has(thread.groupId)) return false;
  if (thread.status === 'visible') return true;
  return (
    (reader.userId !== null && reader.userId === thread.authorId) || canModerate(reader, thread)
  );
}

/** Whether a hidden post's content is shown (to its author, with the reason, and to moderators). */
export function canSeeHiddenPost(
  reader: Reader,
  thread: Pick<ThreadAccessFacts, 'groupId'>,
  post: { authorId: string | null },
): boolean {
  return (reader.userId !== null && reader.userId === post.authorId) || canModerate(reader, thread);
}

/** Seconds until the member may post again in a slow-mode thread (0: now). */
export function slowModeWait(slowModeSeconds: number, lastPostAt: Date | null, now: Date): number {
  if (!slowModeSeconds || !lastPostAt) return 0;
  const wait = slowModeSeconds * 1000 - (now.getTime() - lastPostAt.getTime());
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

export const HANDLE = /^[a-z0-9][a-z0-9_-]{1,29}$/;

/** A first handle for a member from their name ("Amina Sow" → "amina-sow"). */
export function handleFromName(name: string): string {
  const base = slugify(name, 24);
  // slugify answers "item" for names in other scripts.
  if (base === 'item' && !/item/i.test(name)) return 'member';
  return HANDLE.test(base) ? base : 'member';
}

/** A path on this platform for a linked item: relative, no scheme, no way out of the site. */
export function isSitePath(path: string): boolean {
  return /^\/(?!\/)[\w\-./~%?=&#]*$/.test(path) && !path.includes('..') && path.length <= 300;
}

/** Plain-text excerpt of Markdown for lists, feeds and mail. */
export function excerptOf(markdown: string, max = 240): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Which notice a person gets for a post when several reasons apply: the most personal one. */
export const NOTICE_PRIORITY = ['mention', 'thread', 'theme', 'region'] as const;
export type NoticeKind = (typeof NOTICE_PRIORITY)[number];

export function strongerNotice(a: NoticeKind | undefined, b: NoticeKind): NoticeKind {
  if (!a) return b;
  return NOTICE_PRIORITY.indexOf(a) <= NOTICE_PRIORITY.indexOf(b) ? a : b;
}
