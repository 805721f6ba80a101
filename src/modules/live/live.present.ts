import type { QuestionRow, SessionRow, SpeakerRow } from './live.repository.ts';
import type { HideReason, QuestionView, SessionState } from './live.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * A question as others see it. Whatever the audience, the asker's identity is never part of it:
 * only the name they chose to show, or nothing when they asked anonymously.
 */
export function questionView(
  row: QuestionRow,
  audience: 'public' | 'staff' | 'author',
): QuestionView {
  const view: QuestionView = {
    id: row.id,
    text: row.body,
    authorName: row.anonymous ? null : row.author_name,
    anonymous: row.anonymous,
    origin: row.origin,
    status: row.status,
    votes: row.votes,
    mergedCount: row.merged_count,
    answer: row.answer,
    createdAt: iso(row.created_at)!,
    answeredAt: iso(row.answered_at),
  };
  if (audience !== 'public') {
    view.hideReason = row.hide_reason as HideReason | null;
    view.hideNote = row.hide_note;
    view.mergedInto = row.merged_into;
  }
  if (audience === 'author') view.mine = true;
  return view;
}

export function sessionState(row: SessionRow): SessionState {
  return { status: row.status, moderation: row.moderation, remoteSegment: row.remote_segment };
}

export interface LiveSessionView {
  id: string;
  code: string;
  eventId: string;
  scheduledSessionId: string | null;
  title: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  room: string | null;
  status: 'open' | 'closed';
  moderation: boolean;
  remoteSegment: boolean;
  lastSeq: number;
  speakers: Array<{
    id: string;
    name: string;
    stakeholderGroup: string;
    role: 'panellist' | 'moderator';
    origin: 'room' | 'remote';
  }>;
}

export function sessionView(row: SessionRow, speakers: readonly SpeakerRow[]): LiveSessionView {
  return {
    id: row.id,
    code: row.code,
    eventId: row.event_id,
    scheduledSessionId: row.scheduled_session_id,
    title: row.title,
    startsAt: iso(row.starts_at)!,
    endsAt: iso(row.ends_at)!,
    timeZone: row.time_zone,
    room: row.room,
    status: row.status,
    moderation: row.moderation,
    remoteSegment: row.remote_segment,
    lastSeq: Number(row.last_seq),
    speakers: speakers.map((s) => ({
      id: s.id,
      name: s.name,
      stakeholderGroup: s.stakeholder_group,
      role: s.role,
      origin: s.origin,
    })),
  };
}
