import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  LiveParticipantsTable,
  LiveQuestionsTable,
  LiveSessionsTable,
  LiveSpeakersTable,
  QuestionStatus,
} from './live.table.ts';
import type { NewEvent } from './live.ts';

export type SessionRow = Selectable<LiveSessionsTable>;
export type SpeakerRow = Selectable<LiveSpeakersTable>;
export type ParticipantRow = Selectable<LiveParticipantsTable>;
export type QuestionRow = Selectable<LiveQuestionsTable>;

// ---- Sessions ----

export function insertSession(db: Db, row: Insertable<LiveSessionsTable>) {
  return db.insertInto('live_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertSpeakers(db: Db, rows: Insertable<LiveSpeakersTable>[]) {
  if (rows.length === 0) return;
  await db.insertInto('live_speakers').values(rows).execute();
}

export function findSession(db: Db, id: string) {
  return db.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSessionByCode(db: Db, code: string) {
  return db.selectFrom('live_sessions').selectAll().where('code', '=', code).executeTakeFirst();
}

export function codeTaken(db: Db, code: string) {
  return db
    .selectFrom('live_sessions')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirst()
    .then((r) => !!r);
}

/**
 * Locks the session row: changes to a session's live state are serialised on it. FOR NO KEY
 * UPDATE, like the UPDATE that numbers events: rows inserted with a foreign key to the session
 * hold KEY SHARE on it, which FOR UPDATE would wait for (and deadlock between two voters).
 */
export function lockSession(trx: Db, id: string) {
  return trx
    .selectFrom('live_sessions')
    .selectAll()
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

export function updateSession(trx: Db, id: string, patch: Updateable<LiveSessionsTable>) {
  return trx
    .updateTable('live_sessions')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function speakersOf(db: Db, sessionId: string) {
  return db
    .selectFrom('live_speakers')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('position')
    .execute();
}

export async function lastSeq(db: Db, sessionId: string): Promise<number | null> {
  const row = await db
    .selectFrom('live_sessions')
    .select('last_seq')
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row ? Number(row.last_seq) : null;
}

// ---- Events ----

/**
 * Appends events with the next numbers of the session's sequence. Call it inside the transaction
 * that makes the change, as late as possible: the UPDATE takes the session row's lock until
 * commit, so events become visible in sequence order and a reader never sees seq N+1 without N.
 * With onlyIfOpen, nothing is written (null) when the session has been closed meanwhile.
 */
export async function appendEvents(
  trx: Db,
  sessionId: string,
  events: readonly NewEvent[],
  at: Date,
  options: { onlyIfOpen?: boolean } = {},
): Promise<number | null> {
  if (events.length === 0) return (await lastSeq(trx, sessionId)) ?? 0;
  const open = options.onlyIfOpen ? sql`AND status = 'open'` : sql``;
  // One round trip: take the numbers and write the rows in the same statement.
  const rows = await sql<{ seq: number }>`
    WITH s AS (
      UPDATE live_sessions SET last_seq = last_seq + ${events.length}
      WHERE id = ${sessionId} ${open} RETURNING last_seq
    )
    INSERT INTO live_events (session_id, seq, type, audience, payload, created_at)
    SELECT ${sessionId}::uuid, s.last_seq - ${events.length} + e.ord, e.value->>'type',
      e.value->>'audience', e.value->'payload', ${at}::timestamptz
    FROM s, jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS e(value, ord)
    RETURNING seq`.execute(trx);
  if (rows.rows.length === 0) return null;
  return Math.max(...rows.rows.map((r) => Number(r.seq)));
}

export interface EventRow {
  seq: number;
  type: string;
  audience: string;
  /** The payload as JSON text, sent to clients as it is stored. */
  data: string;
}

/** Events after `after`, in order; only the given audiences when listed. */
export async function eventsAfter(
  db: Db,
  sessionId: string,
  after: number,
  limit: number,
  audiences?: readonly string[],
): Promise<EventRow[]> {
  let query = db
    .selectFrom('live_events')
    .select(['seq', 'type', 'audience', sql<string>`payload::text`.as('data')])
    .where('session_id', '=', sessionId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit);
  if (audiences) query = query.where('audience', 'in', audiences);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

// ---- Participants ----

export function findParticipantByToken(db: Db, sessionId: string, tokenHash: string) {
  return db
    .selectFrom('live_participants')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function findParticipantByUser(db: Db, sessionId: string, userId: string) {
  return db
    .selectFrom('live_participants')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function findParticipant(db: Db, id: string) {
  return db.selectFrom('live_participants').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertParticipant(db: Db, row: Insertable<LiveParticipantsTable>) {
  return db.insertInto('live_participants').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateParticipant(db: Db, id: string, patch: Updateable<LiveParticipantsTable>) {
  return db
    .updateTable('live_participants')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---- Questions and votes ----

export function insertQuestion(db: Db, row: Insertable<LiveQuestionsTable>) {
  return db.insertInto('live_questions').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findQuestion(db: Db, sessionId: string, id: string) {
  return db
    .selectFrom('live_questions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function updateQuestion(db: Db, id: string, patch: Updateable<LiveQuestionsTable>) {
  return db
    .updateTable('live_questions')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One more vote, if the question is still open for votes; undefined otherwise. */
export function incrementVotes(db: Db, id: string, at: Date) {
  return db
    .updateTable('live_questions')
    .set((eb) => ({ votes: eb('votes', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .where('status', 'in', ['approved', 'pinned'])
    .returningAll()
    .executeTakeFirst();
}

export function findPinned(db: Db, sessionId: string) {
  return db
    .selectFrom('live_questions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('status', '=', 'pinned')
    .executeTakeFirst();
}

export function listQuestions(db: Db, sessionId: string, statuses?: readonly QuestionStatus[]) {
  let query = db
    .selectFrom('live_questions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at');
  if (statuses) query = query.where('status', 'in', statuses);
  return query.execute();
}

export function questionsOf(db: Db, participantId: string) {
  return db
    .selectFrom('live_questions')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('created_at')
    .execute();
}

/** Records a vote; false when this participant had already voted for the question. */
export async function insertVote(
  db: Db,
  row: { question_id: string; participant_id: string; session_id: string; created_at: Date },
): Promise<boolean> {
  const inserted = await db
    .insertInto('live_votes')
    .values(row)
    .onConflict((oc) => oc.columns(['question_id', 'participant_id']).doNothing())
    .returning('question_id')
    .executeTakeFirst();
  return !!inserted;
}

export async function votedBy(db: Db, sessionId: string, participantId: string) {
  const rows = await db
    .selectFrom('live_votes')
    .select('question_id')
    .where('session_id', '=', sessionId)
    .where('participant_id', '=', participantId)
    .execute();
  return new Set(rows.map((r) => r.question_id));
}

/** Moves the votes of a merged duplicate to the kept question (one vote per person stays one). */
export async function moveVotes(trx: Db, fromId: string, toId: string): Promise<number> {
  await sql`INSERT INTO live_votes (question_id, participant_id, session_id, created_at)
    SELECT ${toId}, participant_id, session_id, created_at FROM live_votes WHERE question_id = ${fromId}
    ON CONFLICT (question_id, participant_id) DO NOTHING`.execute(trx);
  const row = await trx
    .selectFrom('live_votes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('question_id', '=', toId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface QuestionTally {
  origin: string;
  status: string;
  hide_reason: string | null;
  n: number;
}

export async function tallyQuestions(db: Db, sessionId: string): Promise<QuestionTally[]> {
  const rows = await db
    .selectFrom('live_questions')
    .select(['origin', 'status', 'hide_reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', '=', sessionId)
    .groupBy(['origin', 'status', 'hide_reason'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

// ---- Backstage ----

export function insertBackstage(
  db: Db,
  row: {
    id: string;
    session_id: string;
    author_id: string | null;
    author_label: string;
    body: string;
    created_at: Date;
  },
) {
  return db.insertInto('live_backstage').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listBackstage(db: Db, sessionId: string, limit: number) {
  return db
    .selectFrom('live_backstage')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

// ---- Speaking turns ----

export function openTurn(db: Db, sessionId: string) {
  return db
    .selectFrom('live_turns')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

export async function endTurn(db: Db, id: string, at: Date) {
  await db.updateTable('live_turns').set({ ended_at: at }).where('id', '=', id).execute();
}

export async function insertTurn(
  db: Db,
  row: {
    id: string;
    session_id: string;
    speaker_id: string | null;
    floor: 'room' | 'remote' | null;
    started_at: Date;
  },
) {
  await db.insertInto('live_turns').values(row).execute();
}

export function listTurns(db: Db, sessionId: string) {
  return db
    .selectFrom('live_turns')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('started_at')
    .execute();
}

// ---- Rate limits ----

/** Counts one more hit in the current window and returns the window's count. */
export async function hitRateLimit(trx: Db, key: string, windowStart: Date): Promise<number> {
  // Old windows of this key are useless: dropped in the same round trip.
  const result = await sql<{ count: number }>`
    WITH gone AS (
      DELETE FROM live_rate_limits WHERE key = ${key} AND window_start < ${windowStart}
    )
    INSERT INTO live_rate_limits (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = live_rate_limits.count + 1
    RETURNING count`.execute(trx);
  return Number(result.rows[0]!.count);
}

// ---- The ask path, folded ----

/**
 * What asking needs to know, in one round trip: the session (or nothing) and the asker's
 * participant row in it (or nulls), found by account or by the browser's token hash.
 */
export function askContext(
  db: Db,
  sessionId: string,
  who: { userId: string | null; tokenHash: string | null },
) {
  return db
    .selectFrom('live_sessions as s')
    .leftJoin('live_participants as p', (join) => {
      const onSession = join.onRef('p.session_id', '=', 's.id');
      if (who.userId) return onSession.on('p.user_id', '=', who.userId);
      if (who.tokenHash) return onSession.on('p.token_hash', '=', who.tokenHash);
      return onSession.on(sql<boolean>`false`);
    })
    .select([
      's.id',
      's.status',
      's.moderation',
      'p.id as participant_id',
      'p.origin as participant_origin',
      'p.display_name as participant_name',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

export interface FoldedAsk {
  sessionId: string;
  /** The whole question row, every column, as it is to be stored. */
  question: Record<string, unknown>;
  events: readonly NewEvent[];
  rateLimit: { key: string; windowStart: Date; max: number };
  /** The audit row (see `auditRecord`). */
  audit: Record<string, unknown>;
}

/**
 * Asks a question in ONE statement (so one implicit transaction and one round trip): counts the
 * asker's hit in the current rate-limit window unless it is full, then — only if it counted and the
 * session is open — numbers the events on the session row (its lock, held until the statement
 * commits, keeps the sequence gap-free and in commit order), writes the question, its audit row
 * and its events. Answers what happened: `lastSeq` when written; otherwise `counted` (the window
 * had room, so the session closed meanwhile) and the session's `status` (null: no such session).
 */
export async function askFolded(
  db: Db,
  ask: FoldedAsk,
): Promise<{ lastSeq: number | null; counted: boolean; status: string | null }> {
  const { sessionId, events, rateLimit } = ask;
  const n = events.length;
  const result = await sql<{
    counted: number | null;
    last_seq: number | null;
    status: string | null;
  }>`
    WITH gone AS (
      DELETE FROM live_rate_limits WHERE key = ${rateLimit.key} AND window_start < ${rateLimit.windowStart}
    ),
    rl AS (
      INSERT INTO live_rate_limits AS r (key, window_start, count)
      SELECT ${rateLimit.key}, ${rateLimit.windowStart}::timestamptz, 1
      WHERE EXISTS (SELECT 1 FROM live_sessions WHERE id = ${sessionId} AND status = 'open')
      ON CONFLICT (key, window_start) DO UPDATE SET count = r.count + 1
        WHERE r.count < ${rateLimit.max}
      RETURNING count
    ),
    s AS (
      UPDATE live_sessions SET last_seq = last_seq + ${n}
      WHERE id = ${sessionId} AND status = 'open' AND EXISTS (SELECT 1 FROM rl)
      RETURNING last_seq
    ),
    q AS (
      INSERT INTO live_questions
      SELECT r.* FROM s, jsonb_populate_record(NULL::live_questions, ${JSON.stringify(ask.question)}::jsonb) AS r
    ),
    a AS (
      INSERT INTO audit_log
      SELECT r.* FROM s, jsonb_populate_record(NULL::audit_log, ${JSON.stringify(ask.audit)}::jsonb) AS r
    ),
    e AS (
      INSERT INTO live_events (session_id, seq, type, audience, payload, created_at)
      SELECT ${sessionId}::uuid, s.last_seq - ${n} + e.ord, e.value->>'type',
        e.value->>'audience', e.value->'payload', ${ask.question.created_at as string}::timestamptz
      FROM s, jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS e(value, ord)
    )
    SELECT (SELECT count FROM rl) AS counted, (SELECT last_seq FROM s) AS last_seq,
      (SELECT status FROM live_sessions WHERE id = ${sessionId}) AS status`.execute(db);
  const row = result.rows[0]!;
  return {
    lastSeq: row.last_seq === null ? null : Number(row.last_seq),
    counted: row.counted !== null,
    status: row.status,
  };
}
