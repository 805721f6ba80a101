/**
 * The one place where the live module meets the events module (the programme of scheduled
 * sessions and their reports), through the events module's index.ts.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { isAppError } from '../../platform/errors.ts';
import { getScheduledSession, recordSessionFigures } from '../events/index.ts';
import { isTerm } from '../reference/index.ts';
import type { Origin } from './live.ts';

export interface ScheduledSession {
  id: string;
  eventId: string;
  eventSlug: string;
  title: string;
  startsAt: string | Date;
  endsAt: string | Date;
  room: string | null;
  timeZone: string;
  speakers: Array<{
    name: string;
    stakeholderGroup: string;
    role: 'panellist' | 'moderator';
    origin?: Origin;
  }>;
}

/**
 * The programme's people who speak in a live session: speakers are panellists, the onsite and
 * online moderators are moderators (in the room and remote). Rapporteurs take notes, they are not
 * voices. Someone without a stakeholder group cannot be counted by group, so the organiser adds
 * them by hand.
 */
function liveSpeakers(
  people: ReadonlyArray<{ name: string; stakeholderGroup: string | null; role: string }>,
): ScheduledSession['speakers'] {
  const out: ScheduledSession['speakers'] = [];
  for (const p of people) {
    if (!p.stakeholderGroup || !isTerm('stakeholderGroup', p.stakeholderGroup)) continue;
    if (p.role === 'speaker')
      out.push({ name: p.name, stakeholderGroup: p.stakeholderGroup, role: 'panellist' });
    else if (p.role === 'onsite-moderator' || p.role === 'online-moderator')
      out.push({
        name: p.name,
        stakeholderGroup: p.stakeholderGroup,
        role: 'moderator',
        origin: p.role === 'online-moderator' ? 'remote' : 'room',
      });
  }
  return out;
}

/** The scheduled session a live session runs, or null when the programme does not know it. */
export async function findScheduledSession(
  ctx: ServiceContext,
  scheduledSessionId: string,
): Promise<ScheduledSession | null> {
  try {
    const session = await getScheduledSession(ctx, scheduledSessionId);
    return { ...session, speakers: liveSpeakers(session.speakers) };
  } catch (error) {
    // Not found, or not placed in a slot yet: not a session of the programme.
    if (isAppError(error) && error.status === 404) return null;
    throw error;
  }
}

/**
 * Hands the closed session's figures to the session report. The live session is closed already;
 * a report that cannot take the figures (the programme session was deleted since) does not undo
 * that, and the rapporteur can still export them from the live session.
 */
export async function sendFiguresToReport(
  ctx: ServiceContext,
  scheduledSessionId: string,
  figures: Record<string, unknown>,
): Promise<boolean> {
  try {
    await recordSessionFigures(ctx, scheduledSessionId, figures);
    return true;
  } catch (error) {
    if (isAppError(error) && error.status === 404) return false;
    throw error;
  }
}
