import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, optional where it has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type Origin = 'room' | 'remote';
export type QuestionStatus = 'pending' | 'approved' | 'pinned' | 'answered' | 'hidden' | 'merged';

export interface LiveSessionsTable {
  id: string;
  code: string;
  scheduled_session_id: string | null;
  event_id: string;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  time_zone: Generated<string>;
  room: string | null;
  status: Generated<'open' | 'closed'>;
  moderation: Generated<boolean>;
  remote_segment: Generated<boolean>;
  last_seq: Generated<number>;
  is_demo: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface LiveSpeakersTable {
  id: string;
  session_id: string;
  position: number;
  name: string;
  stakeholder_group: string;
  role: Generated<'panellist' | 'moderator'>;
  origin: Generated<Origin>;
}

export interface LiveParticipantsTable {
  id: string;
  session_id: string;
  token_hash: string | null;
  user_id: string | null;
  origin: Origin;
  display_name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LiveQuestionsTable {
  id: string;
  session_id: string;
  participant_id: string;
  origin: Origin;
  body: string;
  anonymous: boolean;
  author_name: string | null;
  status: QuestionStatus;
  hide_reason: string | null;
  hide_note: string | null;
  merged_into: string | null;
  merged_count: Generated<number>;
  votes: Generated<number>;
  answer: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
  pinned_at: Timestamp | null;
  answered_at: Timestamp | null;
}

export interface LiveVotesTable {
  question_id: string;
  participant_id: string;
  session_id: string;
  created_at: Timestamp;
}

export interface LiveBackstageTable {
  id: string;
  session_id: string;
  author_id: string | null;
  author_label: string;
  body: string;
  created_at: Timestamp;
}

export interface LiveTurnsTable {
  id: string;
  session_id: string;
  speaker_id: string | null;
  floor: Origin | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface LiveEventsTable {
  session_id: string;
  seq: number;
  type: string;
  audience: string;
  payload: Json;
  created_at: Timestamp;
}

export interface LiveRateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export interface LiveTables {
  live_sessions: LiveSessionsTable;
  live_speakers: LiveSpeakersTable;
  live_participants: LiveParticipantsTable;
  live_questions: LiveQuestionsTable;
  live_votes: LiveVotesTable;
  live_backstage: LiveBackstageTable;
  live_turns: LiveTurnsTable;
  live_events: LiveEventsTable;
  live_rate_limits: LiveRateLimitsTable;
}
