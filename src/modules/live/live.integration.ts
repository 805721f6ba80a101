/**
 * The one place where the live module meets the events module (the programme of scheduled
 * sessions and their reports). The events module exports, from its index.ts:
 *
 *   getScheduledSession(ctx, id) → { id, eventId, eventSlug, title, startsAt, endsAt, room,
 *                                     timeZone, speakers: [{ name, stakeholderGroup, role }] }
 *   recordSessionFigures(ctx, sessionId, figures)
 *
 * Until both modules are merged, a live session stands on its own (an organiser enters its event,
 * title, times and panellists) and these two functions are the only lines to change:
 *
 *   import { getScheduledSession, recordSessionFigures } from '../events/index.ts';
 */
import type { ServiceContext } from '../../platform/context.ts';

export interface ScheduledSession {
  id: string;
  eventId: string;
  eventSlug: string;
  title: string;
  startsAt: string | Date;
  endsAt: string | Date;
  room: string | null;
  timeZone: string;
  speakers: Array<{ name: string; stakeholderGroup: string; role: string }>;
}

/** The scheduled session a live session runs, or null when the programme does not know it. */
export async function findScheduledSession(
  _ctx: ServiceContext,
  _scheduledSessionId: string,
): Promise<ScheduledSession | null> {
  // At merge: `return getScheduledSession(ctx, scheduledSessionId).catch(() => null);`
  return null;
}

/** Hands the closed session's figures to the session report; false when there is no report yet. */
export async function sendFiguresToReport(
  _ctx: ServiceContext,
  _scheduledSessionId: string,
  _figures: unknown,
): Promise<boolean> {
  // At merge: `await recordSessionFigures(ctx, scheduledSessionId, figures); return true;`
  return false;
}
