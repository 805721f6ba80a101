import type { Insertable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  CallsTable,
  EventsTable,
  EventSessionsTable,
  ProposalPeopleTable,
  ProposalsTable,
  ReviewPhasesTable,
  SessionReportsTable,
} from './events.table.ts';

// Events, rooms, slots, calls and phases -----------------------------------------------------

export function listEvents(db: Db, limit: number, offset: number) {
  return db
    .selectFrom('events')
    .selectAll()
    .orderBy('starts_on', 'desc')
    .orderBy('name')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countEvents(db: Db): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function findEventById(db: Db, id: string) {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEventBySlug(db: Db, slug: string) {
  return db.selectFrom('events').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function insertEvent(db: Db, row: Insertable<EventsTable>) {
  return db.insertInto('events').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateEvent(db: Db, id: string, patch: Updateable<EventsTable>) {
  return db.updateTable('events').set(patch).where('id', '=', id).execute();
}

export function roomsOf(db: Db, eventId: string) {
  return db
    .selectFrom('event_rooms')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('position')
    .orderBy('name')
    .execute();
}

export function insertRooms(
  db: Db,
  rows: Array<{
    id: string;
    event_id: string;
    name: string;
    capacity: number | null;
    position: number;
  }>,
) {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insertInto('event_rooms').values(rows).returningAll().execute();
}

export function updateRoom(db: Db, id: string, patch: { name: string; capacity: number | null }) {
  return db.updateTable('event_rooms').set(patch).where('id', '=', id).execute();
}

export function deleteRoom(db: Db, id: string) {
  return db.deleteFrom('event_rooms').where('id', '=', id).execute();
}

export function slotsOf(db: Db, eventId: string) {
  return db
    .selectFrom('event_slots')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('starts_at')
    .execute();
}

export function insertSlots(
  db: Db,
  rows: Array<{ id: string; event_id: string; starts_at: Date; ends_at: Date }>,
) {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insertInto('event_slots').values(rows).returningAll().execute();
}

export function updateSlot(db: Db, id: string, patch: { starts_at: Date; ends_at: Date }) {
  return db.updateTable('event_slots').set(patch).where('id', '=', id).execute();
}

export function deleteSlot(db: Db, id: string) {
  return db.deleteFrom('event_slots').where('id', '=', id).execute();
}

export function callsOf(db: Db, eventId: string) {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('opens_at')
    .execute();
}

export function callsOfEvents(db: Db, eventIds: readonly string[]) {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('calls').selectAll().where('event_id', 'in', eventIds).execute();
}

export function findCall(db: Db, id: string) {
  return db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertCall(db: Db, row: Insertable<CallsTable>) {
  return db.insertInto('calls').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateCall(db: Db, id: string, patch: Updateable<CallsTable>) {
  return db.updateTable('calls').set(patch).where('id', '=', id).execute();
}

export function deletePhases(db: Db, callId: string) {
  return db.deleteFrom('review_phases').where('call_id', '=', callId).execute();
}

export function phasesOf(db: Db, callIds: readonly string[]) {
  if (callIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('review_phases')
    .selectAll()
    .where('call_id', 'in', callIds)
    .orderBy('starts_at')
    .execute();
}

export function insertPhase(db: Db, row: Insertable<ReviewPhasesTable>) {
  return db.insertInto('review_phases').values(row).returningAll().executeTakeFirstOrThrow();
}

// Proposals and people -----------------------------------------------------------------------

export function findProposal(db: Db, id: string) {
  return db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockProposal(db: Db, id: string) {
  return db.selectFrom('proposals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function proposalsOfCall(db: Db, callId: string, statuses?: readonly string[]) {
  let q = db.selectFrom('proposals').selectAll().where('call_id', '=', callId);
  if (statuses?.length) q = q.where('status', 'in', statuses as never);
  return q.orderBy('created_at').execute();
}

export function proposalsOfOwner(db: Db, ownerId: string) {
  return db
    .selectFrom('proposals')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .orderBy('updated_at', 'desc')
    .execute();
}

export function proposalsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('proposals').selectAll().where('id', 'in', ids).execute();
}

export function insertProposal(db: Db, row: Insertable<ProposalsTable>) {
  return db.insertInto('proposals').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateProposal(db: Db, id: string, patch: Updateable<ProposalsTable>) {
  return db
    .updateTable('proposals')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function peopleOf(db: Db, proposalIds: readonly string[]) {
  if (proposalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('proposal_people')
    .selectAll()
    .where('proposal_id', 'in', proposalIds)
    .orderBy('proposal_id')
    .orderBy('role')
    .orderBy('position')
    .execute();
}

export function insertPeople(db: Db, rows: Insertable<ProposalPeopleTable>[]) {
  if (rows.length === 0) return Promise.resolve();
  return db
    .insertInto('proposal_people')
    .values(rows)
    .execute()
    .then(() => undefined);
}

export function updatePerson(db: Db, id: string, patch: Updateable<ProposalPeopleTable>) {
  return db.updateTable('proposal_people').set(patch).where('id', '=', id).execute();
}

export function deletePeople(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve();
  return db
    .deleteFrom('proposal_people')
    .where('id', 'in', ids)
    .execute()
    .then(() => undefined);
}

export function findPersonByToken(db: Db, tokenHash: string) {
  return db
    .selectFrom('proposal_people')
    .selectAll()
    .where('invite_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Sessions of earlier events whose proposal named one of these emails or owners as proposers. */
export function earlierSessionsOf(
  db: Db,
  options: { emails: readonly string[]; ownerId: string | null; beforeEventId: string },
) {
  const emails = options.emails.map((e) => e.toLowerCase());
  return db
    .selectFrom('event_sessions as s')
    .innerJoin('proposals as p', 'p.id', 's.proposal_id')
    .leftJoin('session_reports as r', 'r.session_id', 's.id')
    .select(['s.id', 's.report_due_at', 'r.filed_at'])
    .where('s.event_id', '!=', options.beforeEventId)
    .where((eb) =>
      eb.or([
        ...(options.ownerId ? [eb('p.owner_id', '=', options.ownerId)] : []),
        ...(emails.length
          ? [
              eb.exists(
                eb
                  .selectFrom('proposal_people as pp')
                  .select('pp.id')
                  .whereRef('pp.proposal_id', '=', 'p.id')
                  .where('pp.role', 'in', ['proposer', 'co-proposer'])
                  .where(sql<string>`lower(pp.email)`, 'in', emails),
              ),
            ]
          : []),
      ]),
    )
    .execute();
}

// Reviewers, assignments, conflicts and reviews ----------------------------------------------

export function reviewersOf(db: Db, eventId: string) {
  return db
    .selectFrom('event_reviewers as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'r.stakeholder_group', 'r.organisation', 'u.display_name', 'u.email'])
    .where('r.event_id', '=', eventId)
    .orderBy('u.display_name')
    .execute();
}

export function upsertReviewer(
  db: Db,
  row: { event_id: string; user_id: string; stakeholder_group: string; organisation: string },
) {
  return db
    .insertInto('event_reviewers')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['event_id', 'user_id']).doUpdateSet({
        stakeholder_group: row.stakeholder_group,
        organisation: row.organisation,
      }),
    )
    .execute();
}

export function deleteReviewer(db: Db, eventId: string, userId: string) {
  return db
    .deleteFrom('event_reviewers')
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .execute();
}

export function isInPool(db: Db, eventId: string, userId: string) {
  return db
    .selectFrom('event_reviewers')
    .select('user_id')
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
    .then((r) => !!r);
}

/** Takes a reviewer off every proposal of the event they have not reviewed yet. */
export function deleteOpenAssignments(db: Db, eventId: string, reviewerId: string) {
  return db
    .deleteFrom('review_assignments as a')
    .where('a.reviewer_id', '=', reviewerId)
    .where(
      'a.proposal_id',
      'in',
      db
        .selectFrom('proposals as p')
        .innerJoin('calls as c', 'c.id', 'p.call_id')
        .select('p.id')
        .where('c.event_id', '=', eventId),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('reviews as r')
            .select('r.id')
            .whereRef('r.proposal_id', '=', 'a.proposal_id')
            .whereRef('r.reviewer_id', '=', 'a.reviewer_id'),
        ),
      ),
    )
    .execute();
}

export function assignmentsOfCall(db: Db, callId: string) {
  return db
    .selectFrom('review_assignments as a')
    .innerJoin('proposals as p', 'p.id', 'a.proposal_id')
    .select(['a.proposal_id', 'a.reviewer_id'])
    .where('p.call_id', '=', callId)
    .execute();
}

export async function insertAssignments(
  db: Db,
  rows: Array<{ proposal_id: string; reviewer_id: string }>,
  at: Date,
) {
  // One statement per thousand rows keeps parameters under the protocol's limit.
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('review_assignments')
      .values(rows.slice(i, i + 1000).map((r) => ({ ...r, assigned_at: at })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export function deleteAssignment(db: Db, proposalId: string, reviewerId: string) {
  return db
    .deleteFrom('review_assignments')
    .where('proposal_id', '=', proposalId)
    .where('reviewer_id', '=', reviewerId)
    .execute();
}

export function conflictsOfCall(db: Db, callId: string) {
  return db
    .selectFrom('review_conflicts as c')
    .innerJoin('proposals as p', 'p.id', 'c.proposal_id')
    .select(['c.proposal_id', 'c.reviewer_id'])
    .where('p.call_id', '=', callId)
    .execute();
}

/** Declared conflicts of a call with the reason, the proposal's title and the reviewer's name. */
export function conflictDetailsOfCall(db: Db, callId: string) {
  return db
    .selectFrom('review_conflicts as c')
    .innerJoin('proposals as p', 'p.id', 'c.proposal_id')
    .innerJoin('users as u', 'u.id', 'c.reviewer_id')
    .select([
      'c.proposal_id',
      'c.reviewer_id',
      'c.reason',
      'c.declared_at',
      'p.title',
      'u.display_name',
    ])
    .where('p.call_id', '=', callId)
    .orderBy('u.display_name')
    .orderBy('p.title')
    .execute();
}

export function deleteConflict(db: Db, proposalId: string, reviewerId: string) {
  return db
    .deleteFrom('review_conflicts')
    .where('proposal_id', '=', proposalId)
    .where('reviewer_id', '=', reviewerId)
    .execute();
}

export function insertConflict(
  db: Db,
  row: { proposal_id: string; reviewer_id: string; reason: string; declared_at: Date },
) {
  return db
    .insertInto('review_conflicts')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function reviewsOfCall(db: Db, callId: string) {
  return db
    .selectFrom('reviews as r')
    .innerJoin('proposals as p', 'p.id', 'r.proposal_id')
    .innerJoin('users as u', 'u.id', 'r.reviewer_id')
    .selectAll('r')
    .select('u.display_name as reviewer_name')
    .where('p.call_id', '=', callId)
    .orderBy('r.created_at')
    .execute();
}

export function reviewsOfProposal(db: Db, proposalId: string) {
  return db
    .selectFrom('reviews as r')
    .innerJoin('users as u', 'u.id', 'r.reviewer_id')
    .selectAll('r')
    .select('u.display_name as reviewer_name')
    .where('r.proposal_id', '=', proposalId)
    .orderBy('r.created_at')
    .execute();
}

export function upsertReview(
  db: Db,
  row: {
    id: string;
    proposal_id: string;
    reviewer_id: string;
    scores: string;
    weighted: number;
    comment: string;
    action: 'accept' | 'reject' | 'merge' | 'revise';
    merge_with_id: string | null;
    created_at: Date;
    updated_at: Date;
  },
) {
  return db
    .insertInto('reviews')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['proposal_id', 'reviewer_id']).doUpdateSet({
        scores: row.scores,
        weighted: row.weighted,
        comment: row.comment,
        action: row.action,
        merge_with_id: row.merge_with_id,
        updated_at: row.updated_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function setReviewWeighted(db: Db, id: string, weighted: number) {
  return db.updateTable('reviews').set({ weighted }).where('id', '=', id).execute();
}

// Decision outbox ----------------------------------------------------------------------------

export function outboxOf(db: Db, eventId: string, status?: 'held' | 'sent') {
  let q = db.selectFrom('event_outbox').selectAll().where('event_id', '=', eventId);
  if (status) q = q.where('status', '=', status);
  return q.orderBy('created_at').execute();
}

export async function replaceHeldLetters(
  db: Db,
  proposalId: string,
  rows: Array<{
    id: string;
    event_id: string;
    to_address: string;
    subject: string;
    body: string;
    created_at: Date;
  }>,
) {
  await db
    .deleteFrom('event_outbox')
    .where('proposal_id', '=', proposalId)
    .where('status', '=', 'held')
    .execute();
  if (rows.length) {
    await db
      .insertInto('event_outbox')
      .values(rows.map((r) => ({ ...r, proposal_id: proposalId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export function markLettersSent(db: Db, ids: readonly string[], at: Date) {
  if (ids.length === 0) return Promise.resolve();
  return db
    .updateTable('event_outbox')
    .set({ status: 'sent', sent_at: at })
    .where('id', 'in', ids)
    .execute()
    .then(() => undefined);
}

// Sessions, people, reports and agendas ------------------------------------------------------

export function sessionsOf(db: Db, eventId: string) {
  return db
    .selectFrom('event_sessions')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('starts_at')
    .orderBy('title')
    .execute();
}

/** Accepted, submitted proposals of an event's calls that no session was made from yet. */
export function unscheduledAccepted(db: Db, eventId: string) {
  return db
    .selectFrom('proposals as p')
    .innerJoin('calls as c', 'c.id', 'p.call_id')
    .leftJoin('event_sessions as s', 's.proposal_id', 'p.id')
    .select(['p.id', 'p.title', 'p.duration_minutes', 'p.call_id', 'p.decision_status'])
    .where('c.event_id', '=', eventId)
    .where('p.status', '=', 'submitted')
    .where('p.decision', '=', 'accept')
    .where('s.id', 'is', null)
    .orderBy('p.title')
    .execute();
}

export function findSession(db: Db, id: string) {
  return db.selectFrom('event_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockSessionsOfEvent(db: Db, eventId: string) {
  // Placements are checked against every other session: serialise them per event.
  return db.selectFrom('events').select('id').where('id', '=', eventId).forUpdate().execute();
}

export function insertSession(db: Db, row: Insertable<EventSessionsTable>) {
  return db.insertInto('event_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateSession(db: Db, id: string, patch: Updateable<EventSessionsTable>) {
  return db
    .updateTable('event_sessions')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function sessionPeopleOf(db: Db, sessionIds: readonly string[]) {
  if (sessionIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('session_people')
    .selectAll()
    .where('session_id', 'in', sessionIds)
    .orderBy('session_id')
    .orderBy('position')
    .execute();
}

export function insertSessionPeople(
  db: Db,
  rows: Array<{
    session_id: string;
    position: number;
    role: string;
    name: string;
    email: string | null;
    organisation: string;
    stakeholder_group: string | null;
  }>,
) {
  if (rows.length === 0) return Promise.resolve();
  return db
    .insertInto('session_people')
    .values(rows)
    .execute()
    .then(() => undefined);
}

export function reportsOf(db: Db, sessionIds: readonly string[]) {
  if (sessionIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('session_reports')
    .selectAll()
    .where('session_id', 'in', sessionIds)
    .execute();
}

export function upsertReport(
  db: Db,
  row: Insertable<SessionReportsTable> & { session_id: string },
  update: Updateable<SessionReportsTable>,
) {
  return db
    .insertInto('session_reports')
    .values(row)
    .onConflict((oc) => oc.column('session_id').doUpdateSet(update))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function agendaOf(db: Db, userId: string, eventId: string) {
  return db
    .selectFrom('agenda_items as a')
    .innerJoin('event_sessions as s', 's.id', 'a.session_id')
    .select('a.session_id')
    .where('a.user_id', '=', userId)
    .where('s.event_id', '=', eventId)
    .execute();
}

export function addAgendaItem(db: Db, userId: string, sessionId: string, at: Date) {
  return db
    .insertInto('agenda_items')
    .values({ user_id: userId, session_id: sessionId, added_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function removeAgendaItem(db: Db, userId: string, sessionId: string) {
  return db
    .deleteFrom('agenda_items')
    .where('user_id', '=', userId)
    .where('session_id', '=', sessionId)
    .execute();
}

export function findUserEmail(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Demo data only: record the answers fictional people would have given through their links. */
export function demoConfirmPeople(
  db: Db,
  proposalId: string,
  answers: Array<{
    role: string;
    position: number;
    gender: string | null;
    firstTime: boolean | null;
  }>,
  at: Date,
) {
  return Promise.all(
    answers.map((a) =>
      db
        .updateTable('proposal_people')
        .set({
          status: 'confirmed',
          gender: a.gender,
          first_time: a.firstTime,
          invite_token_hash: null,
          responded_at: at,
        })
        .where('proposal_id', '=', proposalId)
        .where('role', '=', a.role)
        .where('position', '=', a.position)
        .execute(),
    ),
  );
}

export function markDemo(db: Db, eventId: string) {
  return Promise.all([
    db
      .updateTable('proposals')
      .set({ is_demo: true })
      .where('call_id', 'in', db.selectFrom('calls').select('id').where('event_id', '=', eventId))
      .execute(),
    db
      .updateTable('event_sessions')
      .set({ is_demo: true })
      .where('event_id', '=', eventId)
      .execute(),
  ]);
}

// Similar proposals --------------------------------------------------------------------------

/** The texts compared for similarity: the submitted proposals of a call. */
export function submittedTextsOfCall(db: Db, callId: string) {
  return db
    .selectFrom('proposals')
    .select(['id', 'title', 'content', 'policy_question'])
    .where('call_id', '=', callId)
    .where('status', '=', 'submitted')
    .execute();
}

/**
 * Replaces the stored pairs of one proposal: pairs no longer similar go, the others are written or
 * refreshed (an organiser's earlier merge suggestion on a pair that stays is kept).
 */
export async function replaceSimilarities(
  db: Db,
  callId: string,
  proposalId: string,
  pairs: ReadonlyArray<{ a: string; b: string; similarity: number; sharedTerms: string[] }>,
  at: Date,
): Promise<void> {
  const keep = pairs.map((p) => (p.a === proposalId ? p.b : p.a));
  let del = db
    .deleteFrom('proposal_similarities')
    .where((eb) => eb.or([eb('proposal_a', '=', proposalId), eb('proposal_b', '=', proposalId)]));
  if (keep.length)
    del = del.where('proposal_a', 'not in', keep).where('proposal_b', 'not in', keep);
  await del.execute();
  if (pairs.length === 0) return;
  await db
    .insertInto('proposal_similarities')
    .values(
      pairs.map((p) => ({
        call_id: callId,
        proposal_a: p.a,
        proposal_b: p.b,
        similarity: p.similarity,
        shared_terms: p.sharedTerms,
        computed_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['proposal_a', 'proposal_b']).doUpdateSet((eb) => ({
        similarity: eb.ref('excluded.similarity'),
        shared_terms: eb.ref('excluded.shared_terms'),
        computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute();
}

export function deleteSimilaritiesOf(db: Db, proposalId: string) {
  return db
    .deleteFrom('proposal_similarities')
    .where((eb) => eb.or([eb('proposal_a', '=', proposalId), eb('proposal_b', '=', proposalId)]))
    .execute();
}

/** Stored pairs of a call (or of one proposal in it) between proposals still submitted. */
export function similaritiesOf(db: Db, callId: string, proposalId?: string) {
  let q = db
    .selectFrom('proposal_similarities as s')
    .innerJoin('proposals as pa', 'pa.id', 's.proposal_a')
    .innerJoin('proposals as pb', 'pb.id', 's.proposal_b')
    .select([
      's.proposal_a',
      's.proposal_b',
      'pa.title as title_a',
      'pb.title as title_b',
      's.similarity',
      's.shared_terms',
      's.merge_suggested_at',
    ])
    .where('s.call_id', '=', callId)
    .where('pa.status', '=', 'submitted')
    .where('pb.status', '=', 'submitted');
  if (proposalId)
    q = q.where((eb) =>
      eb.or([eb('s.proposal_a', '=', proposalId), eb('s.proposal_b', '=', proposalId)]),
    );
  return q
    .orderBy('s.similarity', 'desc')
    .orderBy('s.proposal_a')
    .orderBy('s.proposal_b')
    .execute();
}

export function lockSimilarity(db: Db, a: string, b: string) {
  return db
    .selectFrom('proposal_similarities')
    .selectAll()
    .where('proposal_a', '=', a)
    .where('proposal_b', '=', b)
    .forUpdate()
    .executeTakeFirst();
}

export function markMergeSuggested(db: Db, a: string, b: string, at: Date, by: string | null) {
  return db
    .updateTable('proposal_similarities')
    .set({ merge_suggested_at: at, merge_suggested_by: by })
    .where('proposal_a', '=', a)
    .where('proposal_b', '=', b)
    .execute();
}

/**
 * Serialises the similarity refresh of one call until commit: two proposals submitted at once
 * would otherwise each miss the other, still uncommitted. Taken last in the saving transaction.
 */
export async function lockCallSimilarities(db: Db, callId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`proposal-similarity:${callId}`}))`.execute(db);
}
