/**
 * Live hybrid sessions: the domain's types and pure rules (no database, no HTTP).
 */
import type { Origin, QuestionStatus } from './live.table.ts';

export type { Origin, QuestionStatus };

export const ORIGINS = ['room', 'remote'] as const satisfies readonly Origin[];

export const LIMITS = {
  questionMin: 5,
  questionMax: 500,
  nameMax: 80,
  titleMax: 200,
  noteMax: 300,
  answerMax: 1000,
  backstageMax: 500,
  revealReasonMin: 10,
  revealReasonMax: 300,
  speakersMax: 12,
} as const;

/** Fixed-window rate limits per participant (or per moderator for backstage messages). */
export const RATE_LIMITS = {
  question: { max: 5, windowSeconds: 60 },
  vote: { max: 30, windowSeconds: 60 },
  backstage: { max: 30, windowSeconds: 60 },
} as const;
export type RateLimitedAction = keyof typeof RATE_LIMITS;

/** Why a moderator hid a question: a closed list, so that the public summary can count them. */
export const HIDE_REASONS = [
  'off-topic',
  'duplicate',
  'already-answered',
  'offensive',
  'personal-data',
  'spam',
  'other',
] as const;
export type HideReason = (typeof HIDE_REASONS)[number];

export const MODERATION_ACTIONS = ['approve', 'hide', 'pin', 'unpin', 'answer', 'merge'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** Statuses other participants see; the rest (pending, hidden, merged) stay with moderators. */
export const PUBLIC_STATUSES: ReadonlySet<QuestionStatus> = new Set([
  'approved',
  'pinned',
  'answered',
]);

export function isPublic(status: QuestionStatus): boolean {
  return PUBLIC_STATUSES.has(status);
}

/**
 * The status after a moderation action, or null when the action does not apply. Merged questions
 * are final (their votes moved to the kept question); a hidden question can be approved again.
 */
export function nextStatus(
  current: QuestionStatus,
  action: ModerationAction,
): QuestionStatus | null {
  if (current === 'merged') return null;
  switch (action) {
    case 'approve':
      return current === 'approved' ? null : 'approved';
    case 'hide':
      return current === 'hidden' ? null : 'hidden';
    case 'pin':
      return current === 'pinned' || current === 'hidden' ? null : 'pinned';
    case 'unpin':
      return current === 'pinned' ? 'approved' : null;
    case 'answer':
      return current === 'answered' || current === 'hidden' ? null : 'answered';
    case 'merge':
      return 'merged';
  }
}

/** Whether a question can absorb a duplicate: it must be one people can see or are about to. */
export function canReceiveMerge(status: QuestionStatus): boolean {
  return status === 'pending' || isPublic(status);
}

export interface Orderable {
  id: string;
  status: QuestionStatus;
  origin: Origin;
  votes: number;
  createdAt: string;
  answeredAt: string | null;
}

/**
 * The order of the question list: the one being answered first; then open questions — remote ones
 * first while the remote segment is on — by votes, then oldest first; answered ones last, latest
 * answered first. The presenter's "next" questions are the open ones in this order.
 */
export function orderQuestions<T extends Orderable>(
  questions: readonly T[],
  remoteFirst: boolean,
): T[] {
  const rank = (q: T) => (q.status === 'pinned' ? 0 : q.status === 'answered' ? 2 : 1);
  return [...questions].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    if (a.status === 'answered') {
      return (b.answeredAt ?? '').localeCompare(a.answeredAt ?? '') || a.id.localeCompare(b.id);
    }
    if (remoteFirst && a.origin !== b.origin) return a.origin === 'remote' ? -1 : 1;
    if (a.votes !== b.votes) return b.votes - a.votes;
    return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  });
}

/** The pinned question and the next open ones, for the presenter view. */
export function presenterQueue<T extends Orderable>(
  questions: readonly T[],
  remoteFirst: boolean,
  nextCount = 3,
): { current: T | null; next: T[] } {
  const ordered = orderQuestions(
    questions.filter((q) => q.status === 'pinned' || q.status === 'approved'),
    remoteFirst,
  );
  const current = ordered[0]?.status === 'pinned' ? ordered[0] : null;
  return { current, next: ordered.filter((q) => q.status === 'approved').slice(0, nextCount) };
}

/** Text as people type it: trimmed, inner runs of blank lines and spaces kept sane. */
export function normaliseText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // Control characters other than tab and newline have no place in a question.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/[ \t]+/g, ' ')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** Short links: unambiguous characters only (no 0/O, 1/I/L), easy to read aloud and type. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 6;
const CODE = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

export function isCode(value: string): boolean {
  return CODE.test(value);
}

export function makeCode(random: (n: number) => Uint8Array): string {
  const bytes = random(CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return code;
}

/** Stream audiences: every event row is for everybody, for moderators, or for one participant. */
export const AUDIENCE_ALL = 'all';
export const AUDIENCE_STAFF = 'staff';
export function participantAudience(participantId: string): string {
  return `p:${participantId}`;
}

/** The audiences a stream client may read. */
export function audiencesFor(staff: boolean, participantId: string | null): string[] {
  const audiences = [AUDIENCE_ALL];
  if (staff) audiences.push(AUDIENCE_STAFF);
  if (participantId) audiences.push(participantAudience(participantId));
  return audiences;
}

// ---- Views: what leaves the server. An anonymous author appears in none of them. ----

export interface QuestionView {
  id: string;
  text: string;
  /** The name the asker chose to show; null when asked anonymously. */
  authorName: string | null;
  anonymous: boolean;
  origin: Origin;
  status: QuestionStatus;
  votes: number;
  mergedCount: number;
  answer: string | null;
  createdAt: string;
  answeredAt: string | null;
  /** Moderators and the asker only: why it was hidden, and what it was merged into. */
  hideReason?: HideReason | null;
  hideNote?: string | null;
  mergedInto?: string | null;
  /** Only in the asker's own copy. */
  mine?: boolean;
}

export interface SessionState {
  status: 'open' | 'closed';
  moderation: boolean;
  remoteSegment: boolean;
}

export interface LiveEventPayloads {
  question: QuestionView;
  'question-removed': { id: string };
  state: SessionState;
  backstage: { id: string; authorLabel: string; body: string; createdAt: string };
  turn: { speaker: string | null; startedAt: string | null };
  vote: { id: string; votes: number };
}
export type LiveEventType = keyof LiveEventPayloads;

export interface NewEvent<K extends LiveEventType = LiveEventType> {
  type: K;
  audience: string;
  payload: LiveEventPayloads[K];
}

/** One server-sent event frame: the id is the session's sequence number. */
export function sseFrame(seq: number, type: string, data: string): string {
  return `id: ${seq}\nevent: ${type}\ndata: ${data}\n\n`;
}

// ---- Times: sessions are scheduled in their own time zone ----

export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
/** How far `tz` is ahead of UTC at the instant `date`, in milliseconds. */
function zoneOffset(date: Date, tz: string): number {
  let format = zoneFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(tz, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** A wall-clock time ("2025-06-24T14:30", as a datetime-local field sends it) in `tz` → instant. */
export function zonedToUtc(local: string, tz: string): Date | null {
  const m = LOCAL.exec(local);
  if (!m || !isTimeZone(tz)) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(guess);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  const first = guess - zoneOffset(new Date(guess), tz);
  return new Date(guess - zoneOffset(new Date(first), tz));
}
