import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
/** A `date` column, kept as "YYYY-MM-DD" (the driver does not turn it into a Date). */
type DateText = string;

export interface InitiativesTable {
  id: string;
  slug: string;
  external_id: string | null;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  language: ColumnType<string, string | undefined, string>;
  translations: Json<Record<string, { title?: string; description?: string }>>;
  countries: ColumnType<string[], string[] | undefined, string[]>;
  regions: ColumnType<string[], string[] | undefined, string[]>;
  themes: ColumnType<string[], string[] | undefined, string[]>;
  cmm: ColumnType<string[], string[] | undefined, string[]>;
  starts_on: DateText | null;
  ends_on: DateText | null;
  status: string;
  budget: number | null;
  currency: string | null;
  outputs: ColumnType<string[], string[] | undefined, string[]>;
  links: ColumnType<string[], string[] | undefined, string[]>;
  workflow: ColumnType<string, string | undefined, string>;
  review_note: string | null;
  created_by: string | null;
  submitted_at: Timestamp | null;
  published_at: Timestamp | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: ColumnType<string, never, never>;
}

export interface InitiativeParticipantsTable {
  initiative_id: string;
  position: number;
  role: string;
  organisation_id: string | null;
  name: string;
  ref: string | null;
}

export interface InitiativeRevisionsTable {
  id: string;
  initiative_id: string;
  number: number;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  note: string | null;
  snapshot: Json<unknown>;
}

export interface InitiativeOverlapsTable {
  id: string;
  a_id: string;
  b_id: string;
  score: number;
  text_similarity: number;
  time_overlap: number;
  shared_countries: ColumnType<string[], string[] | undefined, string[]>;
  shared_themes: ColumnType<string[], string[] | undefined, string[]>;
  shared_terms: ColumnType<string[], string[] | undefined, string[]>;
  overlap_from: DateText | null;
  overlap_to: DateText | null;
  likely_duplicate: boolean;
  computed_at: Timestamp;
  decision: string | null;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface NeedsTable {
  id: string;
  slug: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  country: string | null;
  organisation_id: string | null;
  themes: ColumnType<string[], string[] | undefined, string[]>;
  languages: ColumnType<string[], string[] | undefined, string[]>;
  starts_on: DateText | null;
  ends_on: DateText | null;
  status: Generated<string>;
  posted_by: string | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NeedOffersTable {
  id: string;
  need_id: string;
  organisation_id: string | null;
  initiative_id: string | null;
  message: string;
  status: Generated<string>;
  response_note: string | null;
  offered_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InitiativesTables {
  initiatives: InitiativesTable;
  initiative_participants: InitiativeParticipantsTable;
  initiative_revisions: InitiativeRevisionsTable;
  initiative_overlaps: InitiativeOverlapsTable;
  needs: NeedsTable;
  need_offers: NeedOffersTable;
}
