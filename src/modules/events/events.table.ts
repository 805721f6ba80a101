import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** A `date` column, read as 'YYYY-MM-DD' (the pg type parser keeps dates as text). */
type CalendarDate = string;

export interface EventsTable {
  id: string;
  slug: string;
  name: string;
  place: string;
  description: Defaulted<string>;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
  time_zone: string;
  is_demo: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventRoomsTable {
  id: string;
  event_id: string;
  name: string;
  capacity: number | null;
  position: Defaulted<number>;
}

export interface EventSlotsTable {
  id: string;
  event_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
}

export interface CallsTable {
  id: string;
  event_id: string;
  title: string;
  description: Defaulted<string>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  reviews_per_proposal: Defaulted<number>;
  formats: Json<unknown>;
  criteria: Json<unknown>;
  screening: Json<unknown>;
  review_criteria: Json<unknown>;
  report_due_days: Defaulted<number>;
  created_at: Timestamp;
}

export interface ReviewPhasesTable {
  id: string;
  call_id: string;
  name: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reviewers_may_review: Defaulted<boolean>;
  see_others_scores: Defaulted<boolean>;
  blind: Defaulted<boolean>;
  proposers_may_edit: Defaulted<boolean>;
}

export interface ProposalsTable {
  id: string;
  call_id: string;
  owner_id: string | null;
  status: Defaulted<'draft' | 'submitted' | 'withdrawn'>;
  title: Defaulted<string>;
  format: string | null;
  duration_minutes: number | null;
  content: Defaulted<string>;
  relevance: Defaulted<string>;
  tags: Defaulted<string[]>;
  policy_question: Defaulted<string>;
  online_plan: Defaulted<string>;
  facilitation_plan: Defaulted<string>;
  previous_workshop: Defaulted<boolean>;
  previous_report_url: string | null;
  decision: 'accept' | 'reject' | 'merge' | 'revise' | null;
  decision_note: Defaulted<string>;
  merge_with_id: string | null;
  decision_status: 'pending' | 'released' | null;
  decided_at: Timestamp | null;
  released_at: Timestamp | null;
  submitted_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
  is_demo: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProposalPeopleTable {
  id: string;
  proposal_id: string;
  role: string;
  position: Defaulted<number>;
  name: string;
  email: string | null;
  organisation: Defaulted<string>;
  stakeholder_group: string | null;
  country: string | null;
  onsite: Defaulted<boolean>;
  status: Defaulted<'pending' | 'confirmed' | 'declined'>;
  gender: string | null;
  first_time: boolean | null;
  user_id: string | null;
  invite_token_hash: string | null;
  invited_at: Timestamp | null;
  responded_at: Timestamp | null;
}

export interface EventReviewersTable {
  event_id: string;
  user_id: string;
  stakeholder_group: string;
  organisation: Defaulted<string>;
}

export interface ReviewConflictsTable {
  proposal_id: string;
  reviewer_id: string;
  reason: Defaulted<string>;
  declared_at: Timestamp;
}

export interface ReviewAssignmentsTable {
  proposal_id: string;
  reviewer_id: string;
  assigned_at: Timestamp;
}

export interface ReviewsTable {
  id: string;
  proposal_id: string;
  reviewer_id: string;
  scores: Json<unknown>;
  /** numeric (the pg type parser reads it as a number). */
  weighted: number;
  comment: Defaulted<string>;
  action: 'accept' | 'reject' | 'merge' | 'revise';
  merge_with_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventOutboxTable {
  id: string;
  event_id: string;
  proposal_id: string;
  to_address: string;
  subject: string;
  body: string;
  status: Defaulted<'held' | 'sent'>;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface EventSessionsTable {
  id: string;
  event_id: string;
  proposal_id: string | null;
  title: string;
  description: Defaulted<string>;
  format: string | null;
  themes: Defaulted<string[]>;
  room_id: string | null;
  slot_id: string | null;
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  duration_minutes: number;
  report_due_at: Timestamp | null;
  is_demo: Defaulted<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionPeopleTable {
  session_id: string;
  position: number;
  role: string;
  name: string;
  email: string | null;
  organisation: Defaulted<string>;
  stakeholder_group: string | null;
}

export interface SessionReportsTable {
  session_id: string;
  author_id: string | null;
  summary: Defaulted<string>;
  key_takeaways: Defaulted<string>;
  calls_to_action: Defaulted<string>;
  onsite_attendance: number | null;
  online_attendance: number | null;
  participation: JsonDefault<unknown>;
  live_figures: JsonDefault<unknown>;
  filed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface ProposalSimilaritiesTable {
  call_id: string;
  /** The smaller id of the pair. */
  proposal_a: string;
  proposal_b: string;
  similarity: number;
  shared_terms: Defaulted<string[]>;
  computed_at: Timestamp;
  merge_suggested_at: Timestamp | null;
  merge_suggested_by: string | null;
}

export interface AgendaItemsTable {
  user_id: string;
  session_id: string;
  added_at: Timestamp;
}

export interface EventsTables {
  events: EventsTable;
  event_rooms: EventRoomsTable;
  event_slots: EventSlotsTable;
  calls: CallsTable;
  review_phases: ReviewPhasesTable;
  proposals: ProposalsTable;
  proposal_people: ProposalPeopleTable;
  event_reviewers: EventReviewersTable;
  review_conflicts: ReviewConflictsTable;
  review_assignments: ReviewAssignmentsTable;
  reviews: ReviewsTable;
  event_outbox: EventOutboxTable;
  event_sessions: EventSessionsTable;
  session_people: SessionPeopleTable;
  session_reports: SessionReportsTable;
  agenda_items: AgendaItemsTable;
  proposal_similarities: ProposalSimilaritiesTable;
}
