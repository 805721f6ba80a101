import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Calls for proposals not yet closed at `now`, with their event. */
export function callsClosingAfter(db: Db, now: Date) {
  return db
    .selectFrom('calls')
    .innerJoin('events', 'events.id', 'calls.event_id')
    .select([
      'calls.id',
      'calls.title',
      'calls.closes_at',
      'events.slug as event_slug',
      'events.name as event_name',
    ])
    .where('calls.closes_at', '>', now)
    .orderBy('calls.closes_at')
    .orderBy('calls.id')
    .execute();
}

/** A person's unsent (draft) proposals whose call is still open at `now`. */
export function draftProposalsOf(db: Db, userId: string, now: Date) {
  return db
    .selectFrom('proposals')
    .innerJoin('calls', 'calls.id', 'proposals.call_id')
    .select(['proposals.id', 'proposals.title', 'calls.title as call_title', 'calls.closes_at'])
    .where('proposals.owner_id', '=', userId)
    .where('proposals.status', '=', 'draft')
    .where('calls.closes_at', '>', now)
    .orderBy('calls.closes_at')
    .orderBy('proposals.id')
    .execute();
}

/**
 * Events changed after `since`, newest change first. A call opened on an event counts as a change
 * of the event: that is what people following events want to hear about.
 */
export function eventsChangedSince(db: Db, since: Date, limit: number) {
  const changedAt = sql<Date>`greatest(events.updated_at, coalesce((select max(c.created_at) from calls c where c.event_id = events.id), events.updated_at))`;
  return db
    .selectFrom('events')
    .select([
      'id',
      'slug',
      'name',
      'place',
      'description',
      'starts_on',
      'ends_on',
      changedAt.as('changed_at'),
    ])
    .where(changedAt, '>', since)
    .orderBy('changed_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function allEvents(db: Db) {
  return db.selectFrom('events').select(['slug', 'updated_at']).orderBy('slug').execute();
}
