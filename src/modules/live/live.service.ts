import { createHash, randomBytes } from 'node:crypto';
import type { ServiceContext } from '../../platform/context.ts';
import type { Db } from '../../db/database.ts';
import { ANONYMOUS } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { auditRecord, recordAudit } from '../../platform/audit.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { actorFor, authorize, isAllowed, type Scope } from '../accounts/index.ts';
import { isTerm } from '../reference/index.ts';
import * as repo from './live.repository.ts';
import type { QuestionRow, SessionRow } from './live.repository.ts';
import {
  AUDIENCE_ALL,
  AUDIENCE_STAFF,
  HIDE_REASONS,
  LIMITS,
  MODERATION_ACTIONS,
  ORIGINS,
  RATE_LIMITS,
  canReceiveMerge,
  isPublic,
  isTimeZone,
  makeCode,
  nextStatus,
  normaliseText,
  orderQuestions,
  participantAudience,
  type HideReason,
  type ModerationAction,
  type NewEvent,
  type Origin,
  type QuestionView,
  type RateLimitedAction,
} from './live.ts';
import { questionView, sessionState, sessionView, type LiveSessionView } from './live.present.ts';
import {
  FLOOR_REMOTE,
  FLOOR_ROOM,
  floorSpeakers,
  speakingTime,
  type Speaker,
  type SpeakingTimeFigures,
} from './speaking-time.ts';
import { findScheduledSession, sendFiguresToReport } from './live.integration.ts';

/** The bus channel carrying "session X has events up to seq N" hints (never the events). */
export const LIVE_CHANNEL = 'live_events';

/** Who a participant is: the random token in their browser's cookie (signed-in people: their account). */
export interface ParticipantRef {
  token: string | null;
}

const TOKEN = /^[\w-]{20,100}$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newParticipantToken(): string {
  return randomBytes(24).toString('base64url');
}

function scopeOf(session: Pick<SessionRow, 'event_id'>): Scope {
  return { type: 'event', id: session.event_id };
}

/** Whether the actor moderates this session (and so reads the moderators' stream). */
export function isStaff(ctx: ServiceContext, session: Pick<SessionRow, 'event_id'>): boolean {
  return isAllowed(ctx, 'session.moderate', scopeOf(session));
}

async function requireSession(ctx: ServiceContext, id: string): Promise<SessionRow> {
  const session = isUuid(id) ? await repo.findSession(ctx.db, id) : undefined;
  if (!session) throw AppError.notFound('The live session');
  return session;
}

function closedError(): AppError {
  return new AppError('conflict', 'This session is closed: it no longer takes questions or votes.');
}

function requireOpen(session: Pick<SessionRow, 'status'>): void {
  if (session.status !== 'open') throw closedError();
}

function notVotable(): AppError {
  return new AppError('conflict', 'You can vote only for questions that are still open.');
}

/** Counts one use of `action` by `subject` and refuses past the limit (429 with Retry-After). */
/** The fixed window a rate-limited action falls in now, for one subject (a participant). */
function rateWindow(ctx: ServiceContext, action: RateLimitedAction, subject: string) {
  const { max, windowSeconds } = RATE_LIMITS[action];
  const now = ctx.clock.now().getTime();
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  return {
    key: `${action}:${subject}`,
    start: new Date(start),
    max,
    waitSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
  };
}

function rateLimited(waitSeconds: number): AppError {
  return new AppError(
    'rate_limited',
    `Too many in a short time: please wait ${waitSeconds} seconds and try again.`,
    [],
    { 'retry-after': String(waitSeconds) },
  );
}

async function rateLimit(
  trx: ServiceContext['db'],
  ctx: ServiceContext,
  action: RateLimitedAction,
  subject: string,
): Promise<void> {
  const window = rateWindow(ctx, action, subject);
  const count = await repo.hitRateLimit(trx, window.key, window.start);
  if (count > window.max) throw rateLimited(window.waitSeconds);
}

/**
 * Tells every process that the session has new events; the events themselves are in the table.
 * Not awaited by the request: the change is committed, and streams also poll on every heartbeat,
 * so a lost hint delays events but loses none.
 */
function hint(ctx: ServiceContext, sessionId: string, seq: number): void {
  ctx.bus.publish(LIVE_CHANNEL, `${sessionId}:${seq}`).catch((error: unknown) => {
    ctx.log.warn({ err: error }, 'live: could not publish a hint');
  });
}

/** The events a question's change produces, for each audience allowed to know. */
function questionEvents(before: QuestionRow | null, after: QuestionRow): NewEvent[] {
  const events: NewEvent[] = [];
  if (isPublic(after.status)) {
    events.push({
      type: 'question',
      audience: AUDIENCE_ALL,
      payload: questionView(after, 'public'),
    });
  } else {
    events.push({
      type: 'question',
      audience: AUDIENCE_STAFF,
      payload: questionView(after, 'staff'),
    });
    if (before && isPublic(before.status)) {
      events.push({ type: 'question-removed', audience: AUDIENCE_ALL, payload: { id: after.id } });
    }
    // The asker hears what became of their question, and why it was hidden.
    events.push({
      type: 'question',
      audience: participantAudience(after.participant_id),
      payload: questionView(after, 'author'),
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

export interface NewSpeaker {
  name: string;
  stakeholderGroup: string;
  origin?: Origin;
  role?: 'panellist' | 'moderator';
}

export interface NewLiveSession {
  eventId?: string | null;
  scheduledSessionId?: string | null;
  title?: string | null;
  startsAt?: Date | string | null;
  endsAt?: Date | string | null;
  timeZone?: string | null;
  room?: string | null;
  moderation?: boolean;
  speakers?: NewSpeaker[];
  isDemo?: boolean;
}

function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An organiser opens a live session for one session of their event. */
export async function createLiveSession(
  ctx: ServiceContext,
  input: NewLiveSession,
): Promise<LiveSessionView> {
  const scheduledId = input.scheduledSessionId?.trim() || null;
  const scheduled = scheduledId ? await findScheduledSession(ctx, scheduledId) : null;
  const eventId = (input.eventId?.trim() || scheduled?.eventId || '').slice(0, 100);
  const errors: FieldError[] = [];
  if (scheduledId && !scheduled) {
    errors.push({
      path: '/scheduledSessionId',
      message: 'No session of the programme has this id, or it is not scheduled yet.',
    });
  } else if (scheduled && eventId !== scheduled.eventId) {
    errors.push({
      path: '/scheduledSessionId',
      message: 'This programme session belongs to another event.',
    });
  }
  // Fields left empty take the programme's values (forms post empty strings).
  const given = <T>(value: T | null | undefined): T | undefined =>
    value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
      ? undefined
      : value;
  // Organisers manage their own events: the permission is checked in the event's scope.
  if (eventId) authorize(ctx, 'event.manage', { type: 'event', id: eventId });
  else if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'event.manage');
  else errors.push({ path: '/eventId', message: 'Give the event this session belongs to.' });

  const title = normaliseText(given(input.title) ?? scheduled?.title ?? '').replace(/\n/g, ' ');
  if (!title || title.length > LIMITS.titleMax) {
    errors.push({ path: '/title', message: `Give a title of 1 to ${LIMITS.titleMax} characters.` });
  }
  const startsAt = toDate(given(input.startsAt) ?? scheduled?.startsAt);
  const endsAt = toDate(given(input.endsAt) ?? scheduled?.endsAt);
  if (!startsAt) errors.push({ path: '/startsAt', message: 'Give the start date and time.' });
  if (!endsAt) errors.push({ path: '/endsAt', message: 'Give the end date and time.' });
  if (startsAt && endsAt && endsAt <= startsAt) {
    errors.push({ path: '/endsAt', message: 'The session must end after it starts.' });
  }
  // Times taken from the programme are shown in its event's zone; typed times bring their own.
  const typedTimes = given(input.startsAt) !== undefined || given(input.endsAt) !== undefined;
  const timeZone = scheduled && !typedTimes ? scheduled.timeZone : input.timeZone?.trim() || 'UTC';
  if (!isTimeZone(timeZone))
    errors.push({ path: '/timeZone', message: 'Choose a known time zone.' });
  const room = normaliseText(given(input.room) ?? scheduled?.room ?? '').slice(0, 200) || null;

  const typedSpeakers = (input.speakers ?? []).filter((s) => s.name.trim());
  const speakers: NewSpeaker[] =
    typedSpeakers.length > 0 ? typedSpeakers : (scheduled?.speakers ?? []);
  if (speakers.length > LIMITS.speakersMax) {
    errors.push({ path: '/speakers', message: `List at most ${LIMITS.speakersMax} speakers.` });
  }
  speakers.forEach((s, i) => {
    if (s.name.trim().length > LIMITS.nameMax) {
      errors.push({
        path: `/speakers/${i}/name`,
        message: `Use at most ${LIMITS.nameMax} characters.`,
      });
    }
    if (!isTerm('stakeholderGroup', s.stakeholderGroup)) {
      errors.push({
        path: `/speakers/${i}/stakeholderGroup`,
        message: 'Choose a stakeholder group.',
      });
    }
    if (s.origin && !ORIGINS.includes(s.origin)) {
      errors.push({ path: `/speakers/${i}/origin`, message: 'Choose room or remote.' });
    }
  });
  if (errors.length) throw AppError.validation(errors);

  return ctx.db.transaction().execute(async (trx) => {
    let code = makeCode((n) => randomBytes(n));
    for (let attempt = 0; await repo.codeTaken(trx, code); attempt++) {
      if (attempt > 20) throw new AppError('conflict', 'Could not find a free short code.');
      code = makeCode((n) => randomBytes(n));
    }
    const now = ctx.clock.now();
    const row = await repo.insertSession(trx, {
      id: newId(),
      code,
      scheduled_session_id: scheduledId,
      event_id: eventId,
      title,
      starts_at: startsAt!,
      ends_at: endsAt!,
      time_zone: timeZone,
      room,
      moderation: input.moderation ?? true,
      is_demo: input.isDemo ?? false,
      created_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    const speakerRows = speakers.map((s, i) => ({
      id: newId(),
      session_id: row.id,
      position: i + 1,
      name: s.name.trim(),
      stakeholder_group: s.stakeholderGroup,
      role: s.role ?? 'panellist',
      origin: s.origin ?? 'room',
    }));
    await repo.insertSpeakers(trx, speakerRows);
    await recordAudit(trx, ctx, {
      action: 'live.session.create',
      entityType: 'live_session',
      entityId: row.id,
      after: { title, eventId, scheduledSessionId: scheduledId, speakers: speakerRows.length },
      isPublic: true,
    });
    return sessionView(row, await repo.speakersOf(trx, row.id));
  });
}

export async function getLiveSession(ctx: ServiceContext, id: string): Promise<LiveSessionView> {
  const session = await requireSession(ctx, id);
  return sessionView(session, await repo.speakersOf(ctx.db, session.id));
}

/** The session a short code stands for (the code is case-insensitive when typed). */
export async function findSessionByCode(ctx: ServiceContext, code: string): Promise<string> {
  const normalised = code.trim().toUpperCase();
  const session = /^[A-Z0-9]{4,12}$/.test(normalised)
    ? await repo.findSessionByCode(ctx.db, normalised)
    : undefined;
  if (!session) throw AppError.notFound('The live session');
  return session.id;
}

export interface SettingsChange {
  moderation?: boolean;
  remoteSegment?: boolean;
  status?: 'open' | 'closed';
}

/** Moderators switch the queue, the remote segment, and open or close the session. */
export async function updateSettings(
  ctx: ServiceContext,
  sessionId: string,
  change: SettingsChange,
): Promise<LiveSessionView> {
  const found = await requireSession(ctx, sessionId);
  authorize(ctx, 'session.moderate', scopeOf(found));
  const result = await ctx.db.transaction().execute(async (trx) => {
    const session = (await repo.lockSession(trx, found.id))!;
    const now = ctx.clock.now();
    const patch: Parameters<typeof repo.updateSession>[2] = { updated_at: now };
    if (change.moderation !== undefined) patch.moderation = change.moderation;
    if (change.remoteSegment !== undefined) patch.remote_segment = change.remoteSegment;
    const events: NewEvent[] = [];
    if (change.status !== undefined && change.status !== session.status) {
      patch.status = change.status;
      patch.closed_at = change.status === 'closed' ? now : null;
      const open = change.status === 'closed' ? await repo.openTurn(trx, session.id) : undefined;
      if (open) {
        await repo.endTurn(trx, open.id, now);
        events.push({
          type: 'turn',
          audience: AUDIENCE_STAFF,
          payload: { speaker: null, startedAt: null },
        });
      }
    }
    const updated = await repo.updateSession(trx, session.id, patch);
    events.push({ type: 'state', audience: AUDIENCE_ALL, payload: sessionState(updated) });
    const seq = (await repo.appendEvents(trx, session.id, events, now))!;
    await recordAudit(trx, ctx, {
      action: 'live.session.settings',
      entityType: 'live_session',
      entityId: session.id,
      before: sessionState(session),
      after: sessionState(updated),
      isPublic: true,
    });
    return { updated, seq };
  });
  hint(ctx, found.id, result.seq);
  if (change.status === 'closed' && result.updated.scheduled_session_id) {
    await sendFiguresToReport(
      ctx,
      result.updated.scheduled_session_id,
      figuresForReport(await buildFigures(ctx, result.updated)),
    );
  }
  return sessionView(result.updated, await repo.speakersOf(ctx.db, found.id));
}

// ---------------------------------------------------------------------------------------------
// Participants
// ---------------------------------------------------------------------------------------------

export interface Participant {
  id: string;
  origin: Origin;
  displayName: string | null;
}

async function findParticipantRow(
  ctx: ServiceContext,
  db: ServiceContext['db'],
  sessionId: string,
  ref: ParticipantRef,
) {
  if (ctx.actor.userId) return repo.findParticipantByUser(db, sessionId, ctx.actor.userId);
  if (ref.token && TOKEN.test(ref.token)) {
    return repo.findParticipantByToken(db, sessionId, hashToken(ref.token));
  }
  return undefined;
}

export async function findParticipant(
  ctx: ServiceContext,
  sessionId: string,
  ref: ParticipantRef,
): Promise<Participant | null> {
  if (!isUuid(sessionId)) return null;
  const row = await findParticipantRow(ctx, ctx.db, sessionId, ref);
  return row ? { id: row.id, origin: row.origin, displayName: row.display_name } : null;
}

/**
 * Joins a session as someone in the room or remote (and says it again to change). Returns a new
 * browser token when the participant had none, for the caller to keep in a cookie.
 */
export async function joinSession(
  ctx: ServiceContext,
  sessionId: string,
  ref: ParticipantRef,
  input: { origin: string; name?: string | null },
): Promise<{ participant: Participant; token: string | null }> {
  const session = await requireSession(ctx, sessionId);
  const errors: FieldError[] = [];
  if (!ORIGINS.includes(input.origin as Origin)) {
    errors.push({ path: '/origin', message: 'Say whether you are in the room or remote.' });
  }
  const name = normaliseText(input.name ?? '').replace(/\n/g, ' ') || null;
  if (name && name.length > LIMITS.nameMax) {
    errors.push({ path: '/name', message: `Use at most ${LIMITS.nameMax} characters.` });
  }
  if (errors.length) throw AppError.validation(errors);
  const origin = input.origin as Origin;
  const validToken = ref.token && TOKEN.test(ref.token) ? ref.token : null;
  const token = ctx.actor.userId || validToken ? null : newParticipantToken();
  const participant = await ctx.db.transaction().execute(async (trx) => {
    const existing = await findParticipantRow(ctx, trx, session.id, { token: validToken });
    const now = ctx.clock.now();
    const row = existing
      ? await repo.updateParticipant(trx, existing.id, {
          origin,
          display_name: name ?? existing.display_name,
          updated_at: now,
        })
      : await repo.insertParticipant(trx, {
          id: newId(),
          session_id: session.id,
          token_hash: ctx.actor.userId ? null : hashToken(validToken ?? token!),
          user_id: ctx.actor.userId,
          origin,
          display_name: name,
          created_at: now,
          updated_at: now,
        });
    await recordAudit(trx, ctx, {
      action: existing ? 'live.participant.update' : 'live.participant.join',
      entityType: 'live_session',
      entityId: session.id,
      after: { participantId: row.id, origin },
    });
    return row;
  });
  return {
    participant: {
      id: participant.id,
      origin: participant.origin,
      displayName: participant.display_name,
    },
    token,
  };
}

function notJoined(): AppError {
  return AppError.validation(
    [{ path: '/origin', message: 'Say first whether you are in the room or remote.' }],
    'Join the session first.',
  );
}

// ---------------------------------------------------------------------------------------------
// Questions and votes
// ---------------------------------------------------------------------------------------------

export interface NewQuestion {
  text: string;
  anonymous?: boolean;
  name?: string | null;
}

/** A participant asks a question, with a name or anonymously; moderators see it first by default. */
export async function askQuestion(
  ctx: ServiceContext,
  sessionId: string,
  ref: ParticipantRef,
  input: NewQuestion,
): Promise<QuestionView> {
  if (!isUuid(sessionId)) throw AppError.notFound('The live session');
  const text = normaliseText(input.text ?? '');
  const anonymous = input.anonymous ?? false;
  const givenName = normaliseText(input.name ?? '').replace(/\n/g, ' ');
  const errors: FieldError[] = [];
  if (text.length < LIMITS.questionMin || text.length > LIMITS.questionMax) {
    errors.push({
      path: '/text',
      message: `Write a question of ${LIMITS.questionMin} to ${LIMITS.questionMax} characters.`,
    });
  }
  // An anonymous question leaves no trace of its asker in the audit log either: only the
  // participant row knows, and moderators reach it through the audited reveal.
  const auditCtx: ServiceContext = anonymous
    ? { ...ctx, actor: { ...ANONYMOUS, label: 'anonymous participant' } }
    : ctx;
  // Asking is the hot path of a busy session: one read (the session and the asker), then one
  // statement that counts the rate limit, numbers the events under the session's row lock and
  // writes the question, its audit row and its events. On its own that statement commits as it
  // ends, so the session's row lock is held only while it runs: inside BEGIN … COMMIT the lock
  // would last until COMMIT arrived, which on a busy event loop is long, and every other asker
  // of the session would queue behind it. Under an Idempotency-Key claim it runs in a transaction
  // so that the claim fences it (a retry after a crash must not ask twice).
  const who = ctx.actor.userId
    ? { userId: ctx.actor.userId, tokenHash: null }
    : { userId: null, tokenHash: ref.token && TOKEN.test(ref.token) ? hashToken(ref.token) : null };
  const found = await repo.askContext(ctx.db, sessionId, who);
  if (!found) throw AppError.notFound('The live session');
  if (!found.participant_id || !found.participant_origin) throw notJoined();
  let authorName: string | null = null;
  if (!anonymous) {
    authorName = givenName || found.participant_name || (ctx.actor.userId ? ctx.actor.label : '');
    if (!authorName) {
      errors.push({ path: '/name', message: 'Give the name to show, or ask anonymously.' });
    } else if (authorName.length > LIMITS.nameMax) {
      errors.push({ path: '/name', message: `Use at most ${LIMITS.nameMax} characters.` });
    }
  }
  if (errors.length) throw AppError.validation(errors);
  requireOpen(found);
  const now = ctx.clock.now();
  const row: QuestionRow = {
    id: newId(),
    session_id: found.id,
    participant_id: found.participant_id,
    origin: found.participant_origin,
    body: text,
    anonymous,
    author_name: anonymous ? null : authorName,
    status: found.moderation ? 'pending' : 'approved',
    hide_reason: null,
    hide_note: null,
    merged_into: null,
    merged_count: 0,
    votes: 0,
    answer: null,
    created_at: now,
    updated_at: now,
    published_at: found.moderation ? null : now,
    pinned_at: null,
    answered_at: null,
  };
  const window = rateWindow(ctx, 'question', found.participant_id);
  const ask = (db: Db) =>
    repo.askFolded(db, {
      sessionId: found.id,
      question: row,
      events: questionEvents(null, row),
      rateLimit: { key: window.key, windowStart: window.start, max: window.max },
      audit: auditRecord(auditCtx, {
        action: 'live.question.ask',
        entityType: 'live_question',
        entityId: row.id,
        after: { sessionId: found.id, origin: row.origin, anonymous, status: row.status },
      }),
    });
  const outcome = ctx.fenced ? await ctx.db.transaction().execute(ask) : await ask(ctx.db);
  if (outcome.lastSeq === null) {
    if (outcome.status === null) throw AppError.notFound('The live session');
    // The window had room, so the session closed between the read and the write.
    if (outcome.counted || outcome.status !== 'open') throw closedError();
    throw rateLimited(window.waitSeconds);
  }
  const seq = outcome.lastSeq;
  hint(ctx, sessionId, seq);
  return questionView(row, 'author');
}

/** One vote per participant and question, for questions others can see. */
export async function voteQuestion(
  ctx: ServiceContext,
  sessionId: string,
  questionId: string,
  ref: ParticipantRef,
): Promise<{ id: string; votes: number }> {
  if (!isUuid(sessionId)) throw AppError.notFound('The live session');
  if (!isUuid(questionId)) throw AppError.notFound('The question');
  const result = await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.findSession(trx, sessionId);
    if (!session) throw AppError.notFound('The live session');
    const participant = await findParticipantRow(ctx, trx, session.id, ref);
    if (!participant) throw notJoined();
    requireOpen(session);
    const question = await repo.findQuestion(trx, session.id, questionId);
    if (!question) throw AppError.notFound('The question');
    if (question.status !== 'approved' && question.status !== 'pinned') throw notVotable();
    if (question.participant_id === participant.id) {
      throw new AppError('conflict', 'You cannot vote for your own question.');
    }
    await rateLimit(trx, ctx, 'vote', participant.id);
    const now = ctx.clock.now();
    const fresh = await repo.insertVote(trx, {
      question_id: question.id,
      participant_id: participant.id,
      session_id: session.id,
      created_at: now,
    });
    if (!fresh) throw new AppError('conflict', 'You have already voted for this question.');
    await recordAudit(trx, ctx, {
      action: 'live.question.vote',
      entityType: 'live_question',
      entityId: question.id,
    });
    // The session's lock before the question's row, in the order moderators take them.
    await repo.lockSession(trx, session.id);
    const updated = await repo.incrementVotes(trx, question.id, now);
    if (!updated) throw notVotable();
    const seq = await repo.appendEvents(
      trx,
      session.id,
      [{ type: 'vote', audience: AUDIENCE_ALL, payload: { id: updated.id, votes: updated.votes } }],
      now,
      { onlyIfOpen: true },
    );
    if (seq === null) throw closedError();
    return { votes: updated.votes, seq };
  });
  hint(ctx, sessionId, result.seq);
  return { id: questionId, votes: result.votes };
}

export interface ModerationInput {
  action: string;
  reason?: string | null;
  note?: string | null;
  into?: string | null;
  answer?: string | null;
}

/** Approve, hide with a reason, pin as "now answering", unpin, mark answered, merge a duplicate. */
export async function moderateQuestion(
  ctx: ServiceContext,
  sessionId: string,
  questionId: string,
  input: ModerationInput,
): Promise<QuestionView> {
  const session = await requireSession(ctx, sessionId);
  authorize(ctx, 'session.moderate', scopeOf(session));
  if (!isUuid(questionId)) throw AppError.notFound('The question');
  const errors: FieldError[] = [];
  const action = input.action as ModerationAction;
  if (!MODERATION_ACTIONS.includes(action)) {
    errors.push({ path: '/action', message: 'Choose one of the offered actions.' });
  }
  const reason = input.reason || null;
  if (action === 'hide' && !HIDE_REASONS.includes(reason as HideReason)) {
    errors.push({ path: '/reason', message: 'Choose why the question is hidden.' });
  }
  const note = normaliseText(input.note ?? '') || null;
  if (note && note.length > LIMITS.noteMax) {
    errors.push({ path: '/note', message: `Use at most ${LIMITS.noteMax} characters.` });
  }
  const answer = normaliseText(input.answer ?? '') || null;
  if (answer && answer.length > LIMITS.answerMax) {
    errors.push({ path: '/answer', message: `Use at most ${LIMITS.answerMax} characters.` });
  }
  if (action === 'merge' && !(input.into && isUuid(input.into))) {
    errors.push({ path: '/into', message: 'Choose the question to merge this one into.' });
  }
  if (errors.length) throw AppError.validation(errors);

  const { row, seq } = await ctx.db.transaction().execute(async (trx) => {
    await repo.lockSession(trx, session.id);
    const question = await repo.findQuestion(trx, session.id, questionId);
    if (!question) throw AppError.notFound('The question');
    const status = nextStatus(question.status, action);
    if (!status) {
      throw new AppError(
        'conflict',
        `This action does not apply to a question that is ${question.status}.`,
      );
    }
    const now = ctx.clock.now();
    const events: NewEvent[] = [];
    const published = question.published_at ?? now;
    let updated: QuestionRow;
    switch (action) {
      case 'approve':
        updated = await repo.updateQuestion(trx, question.id, {
          status,
          published_at: published,
          hide_reason: null,
          hide_note: null,
          answered_at: null,
          updated_at: now,
        });
        break;
      case 'hide':
        updated = await repo.updateQuestion(trx, question.id, {
          status,
          hide_reason: reason,
          hide_note: note,
          pinned_at: null,
          updated_at: now,
        });
        break;
      case 'pin': {
        const pinned = await repo.findPinned(trx, session.id);
        if (pinned) {
          const back = await repo.updateQuestion(trx, pinned.id, {
            status: 'approved',
            updated_at: now,
          });
          events.push(...questionEvents(pinned, back));
        }
        updated = await repo.updateQuestion(trx, question.id, {
          status,
          pinned_at: now,
          published_at: published,
          answered_at: null,
          updated_at: now,
        });
        break;
      }
      case 'unpin':
        updated = await repo.updateQuestion(trx, question.id, { status, updated_at: now });
        break;
      case 'answer':
        updated = await repo.updateQuestion(trx, question.id, {
          status,
          answered_at: now,
          published_at: published,
          answer: answer ?? question.answer,
          updated_at: now,
        });
        break;
      case 'merge': {
        const target = await repo.findQuestion(trx, session.id, input.into!);
        if (!target || target.id === question.id || !canReceiveMerge(target.status)) {
          throw AppError.validation([
            { path: '/into', message: 'Choose another open question of this session.' },
          ]);
        }
        updated = await repo.updateQuestion(trx, question.id, {
          status,
          merged_into: target.id,
          pinned_at: null,
          updated_at: now,
        });
        const votes = await repo.moveVotes(trx, question.id, target.id);
        const kept = await repo.updateQuestion(trx, target.id, {
          votes,
          merged_count: target.merged_count + 1 + question.merged_count,
          updated_at: now,
        });
        events.push(...questionEvents(question, updated), ...questionEvents(target, kept));
        break;
      }
    }
    if (action !== 'merge') events.push(...questionEvents(question, updated));
    const seq = (await repo.appendEvents(trx, session.id, events, now))!;
    await recordAudit(trx, ctx, {
      action: `live.question.${action}`,
      entityType: 'live_question',
      entityId: question.id,
      before: { status: question.status },
      after: {
        status: updated.status,
        ...(action === 'hide' ? { reason, note } : {}),
        ...(action === 'merge' ? { into: input.into } : {}),
      },
    });
    return { row: updated, seq };
  });
  hint(ctx, session.id, seq);
  return questionView(row, 'staff');
}

export interface RevealedAuthor {
  questionId: string;
  origin: Origin;
  /** The name the participant gave when joining, if any. */
  participantName: string | null;
  /** The account's name when they were signed in. */
  accountName: string | null;
}

/**
 * Who asked an anonymous question: moderators may see it only through this audited action, with
 * a reason that the audit log keeps. Nothing about it reaches any participant.
 */
export async function revealAuthor(
  ctx: ServiceContext,
  sessionId: string,
  questionId: string,
  input: { reason: string },
): Promise<RevealedAuthor> {
  const session = await requireSession(ctx, sessionId);
  authorize(ctx, 'live.reveal-author', scopeOf(session));
  const reason = normaliseText(input.reason ?? '');
  if (reason.length < LIMITS.revealReasonMin || reason.length > LIMITS.revealReasonMax) {
    throw AppError.validation([
      {
        path: '/reason',
        message: `Say why, in ${LIMITS.revealReasonMin} to ${LIMITS.revealReasonMax} characters.`,
      },
    ]);
  }
  const question = isUuid(questionId)
    ? await repo.findQuestion(ctx.db, session.id, questionId)
    : undefined;
  if (!question) throw AppError.notFound('The question');
  const participant = (await repo.findParticipant(ctx.db, question.participant_id))!;
  let accountName: string | null = null;
  if (participant.user_id) {
    accountName = await actorFor(ctx, participant.user_id)
      .then((a) => a.label)
      .catch(() => null);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(trx, ctx, {
      action: 'live.question.reveal-author',
      entityType: 'live_question',
      entityId: question.id,
      after: { sessionId: session.id, reason, participantId: participant.id },
    });
  });
  return {
    questionId: question.id,
    origin: participant.origin,
    participantName: participant.display_name,
    accountName,
  };
}

// ---------------------------------------------------------------------------------------------
// Backstage and speaking time
// ---------------------------------------------------------------------------------------------

export interface BackstageMessage {
  id: string;
  authorLabel: string;
  body: string;
  createdAt: string;
}

/** A message from the remote moderator to the room's moderator (moderators only). */
export async function postBackstage(
  ctx: ServiceContext,
  sessionId: string,
  input: { body: string },
): Promise<BackstageMessage> {
  const session = await requireSession(ctx, sessionId);
  authorize(ctx, 'session.moderate', scopeOf(session));
  const body = normaliseText(input.body ?? '');
  if (!body || body.length > LIMITS.backstageMax) {
    throw AppError.validation([
      { path: '/body', message: `Write a message of 1 to ${LIMITS.backstageMax} characters.` },
    ]);
  }
  const { message, seq } = await ctx.db.transaction().execute(async (trx) => {
    await rateLimit(trx, ctx, 'backstage', ctx.actor.userId ?? ctx.actor.label);
    const now = ctx.clock.now();
    const row = await repo.insertBackstage(trx, {
      id: newId(),
      session_id: session.id,
      author_id: ctx.actor.userId,
      author_label: ctx.actor.label,
      body,
      created_at: now,
    });
    const message: BackstageMessage = {
      id: row.id,
      authorLabel: row.author_label,
      body: row.body,
      createdAt: new Date(row.created_at).toISOString(),
    };
    const seq = (await repo.appendEvents(
      trx,
      session.id,
      [{ type: 'backstage', audience: AUDIENCE_STAFF, payload: message }],
      now,
    ))!;
    await recordAudit(trx, ctx, {
      action: 'live.backstage.post',
      entityType: 'live_session',
      entityId: session.id,
      after: { messageId: row.id },
    });
    return { message, seq };
  });
  hint(ctx, session.id, seq);
  return message;
}

async function speakersFor(ctx: ServiceContext, sessionId: string): Promise<Speaker[]> {
  const rows = await repo.speakersOf(ctx.db, sessionId);
  return [
    ...rows.map((s) => ({
      key: s.id,
      name: s.name,
      stakeholderGroup: s.stakeholder_group,
      role: s.role,
      origin: s.origin,
    })),
    ...floorSpeakers({ room: 'Floor (in the room)', remote: 'Floor (remote)' }),
  ];
}

function turnKey(turn: { speaker_id: string | null; floor: Origin | null }): string {
  return turn.speaker_id ?? `floor:${turn.floor}`;
}

/**
 * One tap: starts this speaker's turn (ending anyone else's), or ends it if they are speaking.
 * Returns who speaks now (null when nobody does).
 */
export async function toggleTurn(
  ctx: ServiceContext,
  sessionId: string,
  speakerKey: string,
): Promise<{ speaker: string | null }> {
  const session = await requireSession(ctx, sessionId);
  authorize(ctx, 'session.moderate', scopeOf(session));
  const speakers = await speakersFor(ctx, session.id);
  if (!speakers.some((s) => s.key === speakerKey)) {
    throw AppError.validation([{ path: '/speaker', message: 'Choose a speaker of this session.' }]);
  }
  const result = await ctx.db.transaction().execute(async (trx) => {
    const locked = (await repo.lockSession(trx, session.id))!;
    requireOpen(locked);
    const now = ctx.clock.now();
    const open = await repo.openTurn(trx, session.id);
    if (open) await repo.endTurn(trx, open.id, now);
    const stopping = open !== undefined && turnKey(open) === speakerKey;
    if (!stopping) {
      const floor =
        speakerKey === FLOOR_ROOM ? 'room' : speakerKey === FLOOR_REMOTE ? 'remote' : null;
      await repo.insertTurn(trx, {
        id: newId(),
        session_id: session.id,
        speaker_id: floor ? null : speakerKey,
        floor,
        started_at: now,
      });
    }
    const speaker = stopping ? null : speakerKey;
    const seq = (await repo.appendEvents(
      trx,
      session.id,
      [
        {
          type: 'turn',
          audience: AUDIENCE_STAFF,
          payload: { speaker, startedAt: speaker ? now.toISOString() : null },
        },
      ],
      now,
    ))!;
    await recordAudit(trx, ctx, {
      action: stopping ? 'live.turn.stop' : 'live.turn.start',
      entityType: 'live_session',
      entityId: session.id,
      after: { speaker: speakerKey },
    });
    return { speaker, seq };
  });
  hint(ctx, session.id, result.seq);
  return { speaker: result.speaker };
}

async function figuresOf(ctx: ServiceContext, sessionId: string): Promise<SpeakingTimeFigures> {
  const [speakers, turns] = await Promise.all([
    speakersFor(ctx, sessionId),
    repo.listTurns(ctx.db, sessionId),
  ]);
  return speakingTime(
    speakers,
    turns.map((t) => ({
      key: turnKey(t),
      startedAt: new Date(t.started_at),
      endedAt: t.ended_at ? new Date(t.ended_at) : null,
    })),
    ctx.clock.now(),
  );
}

/** Totals per person, per stakeholder group and room versus remote (moderators, rapporteurs). */
export async function speakingTimeFigures(
  ctx: ServiceContext,
  sessionId: string,
): Promise<SpeakingTimeFigures> {
  const session = await requireSession(ctx, sessionId);
  if (!isAllowed(ctx, 'session.report', scopeOf(session))) {
    authorize(ctx, 'session.moderate', scopeOf(session));
  }
  return figuresOf(ctx, session.id);
}

// ---------------------------------------------------------------------------------------------
// Reading: pages, lists, summary, report
// ---------------------------------------------------------------------------------------------

export async function listQuestions(
  ctx: ServiceContext,
  sessionId: string,
  options: { all?: boolean } = {},
): Promise<QuestionView[]> {
  const session = await requireSession(ctx, sessionId);
  if (options.all) authorize(ctx, 'session.moderate', scopeOf(session));
  const rows = await repo.listQuestions(
    ctx.db,
    session.id,
    options.all ? undefined : ['approved', 'pinned', 'answered'],
  );
  const views = rows.map((r) => questionView(r, options.all ? 'staff' : 'public'));
  return orderQuestions(views, session.remote_segment);
}

export interface ParticipantPage {
  session: LiveSessionView;
  /** The stream position this page reflects: the island asks for events after it. */
  after: number;
  staff: boolean;
  participant: Participant | null;
  questions: QuestionView[];
  mine: QuestionView[];
  voted: string[];
}

export async function participantPage(
  ctx: ServiceContext,
  sessionId: string,
  ref: ParticipantRef,
): Promise<ParticipantPage> {
  const found = await requireSession(ctx, sessionId);
  // The position first, then the data: anything newer is replayed, and replaying is idempotent.
  const after = (await repo.lastSeq(ctx.db, found.id)) ?? 0;
  const session = (await repo.findSession(ctx.db, found.id))!;
  const participant = await findParticipant(ctx, session.id, ref);
  const [speakers, rows, mineRows, voted] = await Promise.all([
    repo.speakersOf(ctx.db, session.id),
    repo.listQuestions(ctx.db, session.id, ['approved', 'pinned', 'answered']),
    participant ? repo.questionsOf(ctx.db, participant.id) : Promise.resolve([]),
    participant
      ? repo.votedBy(ctx.db, session.id, participant.id)
      : Promise.resolve(new Set<string>()),
  ]);
  return {
    session: sessionView(session, speakers),
    after,
    staff: isStaff(ctx, session),
    participant,
    questions: orderQuestions(
      rows.map((r) => questionView(r, 'public')),
      session.remote_segment,
    ),
    mine: mineRows.map((r) => questionView(r, 'author')),
    voted: [...voted],
  };
}

export interface ConsoleData {
  session: LiveSessionView;
  after: number;
  questions: QuestionView[];
  backstage: BackstageMessage[];
  figures: SpeakingTimeFigures;
}

export async function consoleData(ctx: ServiceContext, sessionId: string): Promise<ConsoleData> {
  const found = await requireSession(ctx, sessionId);
  authorize(ctx, 'session.moderate', scopeOf(found));
  const after = (await repo.lastSeq(ctx.db, found.id)) ?? 0;
  const session = (await repo.findSession(ctx.db, found.id))!;
  const [speakers, rows, backstage, figures] = await Promise.all([
    repo.speakersOf(ctx.db, session.id),
    repo.listQuestions(ctx.db, session.id),
    repo.listBackstage(ctx.db, session.id, 50),
    figuresOf(ctx, session.id),
  ]);
  return {
    session: sessionView(session, speakers),
    after,
    questions: orderQuestions(
      rows.map((r) => questionView(r, 'staff')),
      session.remote_segment,
    ),
    backstage: backstage.map((m) => ({
      id: m.id,
      authorLabel: m.author_label,
      body: m.body,
      createdAt: new Date(m.created_at).toISOString(),
    })),
    figures,
  };
}

export interface ModerationSummary {
  sessionId: string;
  title: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  questions: {
    total: number;
    fromRoom: number;
    fromRemote: number;
    published: number;
    answered: number;
    answeredFromRoom: number;
    answeredFromRemote: number;
    hidden: number;
    hiddenByReason: Record<string, number>;
    merged: number;
    pending: number;
  };
  speakingTime: {
    totalSeconds: number;
    room: number;
    remote: number;
    byGroup: Array<{ group: string; seconds: number; share: number }>;
  };
}

async function summaryOf(ctx: ServiceContext, session: SessionRow): Promise<ModerationSummary> {
  const [tally, figures] = await Promise.all([
    repo.tallyQuestions(ctx.db, session.id),
    figuresOf(ctx, session.id),
  ]);
  const sum = (filter: (t: repo.QuestionTally) => boolean) =>
    tally.filter(filter).reduce((a, t) => a + t.n, 0);
  const hiddenByReason: Record<string, number> = {};
  for (const t of tally) {
    if (t.status === 'hidden' && t.hide_reason) {
      hiddenByReason[t.hide_reason] = (hiddenByReason[t.hide_reason] ?? 0) + t.n;
    }
  }
  return {
    sessionId: session.id,
    title: session.title,
    status: session.status,
    closedAt: session.closed_at ? new Date(session.closed_at).toISOString() : null,
    questions: {
      total: sum(() => true),
      fromRoom: sum((t) => t.origin === 'room'),
      fromRemote: sum((t) => t.origin === 'remote'),
      published: sum((t) => isPublic(t.status as QuestionRow['status'])),
      answered: sum((t) => t.status === 'answered'),
      answeredFromRoom: sum((t) => t.status === 'answered' && t.origin === 'room'),
      answeredFromRemote: sum((t) => t.status === 'answered' && t.origin === 'remote'),
      hidden: sum((t) => t.status === 'hidden'),
      hiddenByReason,
      merged: sum((t) => t.status === 'merged'),
      pending: sum((t) => t.status === 'pending'),
    },
    speakingTime: {
      totalSeconds: figures.totalSeconds,
      room: figures.byOrigin.room,
      remote: figures.byOrigin.remote,
      byGroup: figures.byGroup,
    },
  };
}

/** The public account of the moderation, once the session is closed (moderators: any time). */
export async function moderationSummary(
  ctx: ServiceContext,
  sessionId: string,
): Promise<ModerationSummary> {
  const session = await requireSession(ctx, sessionId);
  if (session.status !== 'closed' && !isStaff(ctx, session)) {
    throw new AppError('conflict', 'The moderation summary is published when the session closes.');
  }
  return summaryOf(ctx, session);
}

export interface SessionFigures {
  session: Omit<LiveSessionView, 'code' | 'lastSeq'>;
  summary: ModerationSummary;
  questions: Array<
    Pick<
      QuestionView,
      | 'id'
      | 'text'
      | 'authorName'
      | 'anonymous'
      | 'origin'
      | 'status'
      | 'votes'
      | 'mergedCount'
      | 'answer'
      | 'answeredAt'
    >
  >;
  speakingTime: SpeakingTimeFigures;
}

async function buildFigures(ctx: ServiceContext, session: SessionRow): Promise<SessionFigures> {
  const [speakers, rows, summary, figures] = await Promise.all([
    repo.speakersOf(ctx.db, session.id),
    repo.listQuestions(ctx.db, session.id, ['approved', 'pinned', 'answered']),
    summaryOf(ctx, session),
    figuresOf(ctx, session.id),
  ]);
  const { code: _code, lastSeq: _lastSeq, ...view } = sessionView(session, speakers);
  const questions = orderQuestions(
    rows.map((r) => questionView(r, 'public')),
    false,
  ).map((q) => ({
    id: q.id,
    text: q.text,
    authorName: q.authorName,
    anonymous: q.anonymous,
    origin: q.origin,
    status: q.status,
    votes: q.votes,
    mergedCount: q.mergedCount,
    answer: q.answer,
    answeredAt: q.answeredAt,
  }));
  return { session: view, summary, questions, speakingTime: figures };
}

/** The session report keeps at most this much JSON of live figures (the events module's limit). */
const REPORT_FIGURES_MAX_CHARS = 20_000;

/**
 * The figures handed to the programme's session report when a session closes: the counts the
 * report names (questions asked, answered, remote; votes; seconds spoken by group), the moderation
 * summary and speaking time, and the published questions with their answers — answered ones first,
 * as many as fit the report's limit (the rest are counted in `questionsLeftOut`; the rapporteur's
 * export from the live session has them all).
 */
export function figuresForReport(figures: SessionFigures): Record<string, unknown> {
  const speakingSeconds: Record<string, number> = {};
  for (const g of figures.speakingTime.byGroup) speakingSeconds[g.group] = g.seconds;
  const questions = [...figures.questions]
    .sort((a, b) => Number(b.status === 'answered') - Number(a.status === 'answered'))
    .map((q) => ({
      text: q.text,
      authorName: q.authorName,
      origin: q.origin,
      votes: q.votes,
      answer: q.answer,
      answered: q.status === 'answered',
    }));
  const base = {
    liveSessionId: figures.session.id,
    questionsAsked: figures.summary.questions.total,
    questionsAnswered: figures.summary.questions.answered,
    remoteQuestions: figures.summary.questions.fromRemote,
    votes: figures.questions.reduce((n, q) => n + q.votes, 0),
    speakingSeconds,
    summary: figures.summary,
    speakingTime: { ...figures.speakingTime, current: null },
  };
  let size = JSON.stringify({ ...base, questions: [], questionsLeftOut: questions.length }).length;
  const kept: typeof questions = [];
  for (const q of questions) {
    const next = JSON.stringify(q).length + 1;
    // A little room for the digits of the count left out.
    if (size + next > REPORT_FIGURES_MAX_CHARS - 20) break;
    kept.push(q);
    size += next;
  }
  return { ...base, questions: kept, questionsLeftOut: questions.length - kept.length };
}

/**
 * Questions, answers and speaking-time figures for the rapporteur's report. Anonymous questions
 * stay anonymous here too.
 */
export async function exportSessionFigures(
  ctx: ServiceContext,
  liveSessionId: string,
): Promise<SessionFigures> {
  const session = await requireSession(ctx, liveSessionId);
  authorize(ctx, 'session.report', scopeOf(session));
  return buildFigures(ctx, session);
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

export interface StreamAccess {
  sessionId: string;
  staff: boolean;
  participantId: string | null;
}

/** What a stream client may read: everybody's events, plus the moderators' or their own. */
export async function streamAccess(
  ctx: ServiceContext,
  sessionId: string,
  ref: ParticipantRef,
): Promise<StreamAccess> {
  const session = await requireSession(ctx, sessionId);
  const participant = await findParticipant(ctx, session.id, ref);
  return {
    sessionId: session.id,
    staff: isStaff(ctx, session),
    participantId: participant?.id ?? null,
  };
}

export function readEvents(
  deps: Pick<ServiceContext, 'db'>,
  sessionId: string,
  after: number,
  limit: number,
  audiences?: readonly string[],
): Promise<repo.EventRow[]> {
  return repo.eventsAfter(deps.db, sessionId, after, limit, audiences);
}

export async function currentSeq(
  deps: Pick<ServiceContext, 'db'>,
  sessionId: string,
): Promise<number> {
  return (await repo.lastSeq(deps.db, sessionId)) ?? 0;
}

export async function presenterData(
  ctx: ServiceContext,
  sessionId: string,
): Promise<{ session: LiveSessionView; after: number; questions: QuestionView[] }> {
  const found = await requireSession(ctx, sessionId);
  const after = (await repo.lastSeq(ctx.db, found.id)) ?? 0;
  const session = (await repo.findSession(ctx.db, found.id))!;
  const rows = await repo.listQuestions(ctx.db, session.id, ['approved', 'pinned']);
  return {
    session: sessionView(session, []),
    after,
    questions: rows.map((r) => questionView(r, 'public')),
  };
}
