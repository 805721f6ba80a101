import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Flag = ColumnType<boolean, boolean | undefined, boolean>;

export interface ProcessesTable {
  id: string;
  slug: string;
  name: string;
  short_name: string | null;
  kind: string;
  parent_id: string | null;
  description: ColumnType<string, string | undefined, string>;
  mandate: string | null;
  website: string | null;
  modality: string;
  ecosoc_exempt: Flag;
  objection_period_days: ColumnType<number, number | undefined, number>;
  time_zone: ColumnType<string, string | undefined, string>;
  disclose_objector: ColumnType<string, string | undefined, string>;
  reasons_public: Flag;
  starts_on: string | null;
  ends_on: string | null;
  is_demo: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProcessMeetingsTable {
  id: string;
  process_id: string;
  title: string;
  starts_on: string;
  ends_on: string;
  location: string | null;
  url: string | null;
  created_at: Timestamp;
}

/** Which member state each focal point of a process speaks for. */
export interface ProcessDelegationsTable {
  process_id: string;
  user_id: string;
  country: string;
  created_at: Timestamp;
}

export interface AccreditationApplicationsTable {
  id: string;
  process_id: string;
  meeting_id: string;
  organisation_id: string | null;
  /** The organisation as it stood when it applied: the register is a historical record. */
  organisation_name: string;
  organisation_slug: string | null;
  stakeholder_group: string;
  country: string | null;
  ecosoc_status: boolean;
  statement: string;
  expertise: ColumnType<string[], string[] | undefined, string[]>;
  contact_name: string;
  contact_email: string;
  contact_phone: string | null;
  /** The language the applicant wrote in: later messages use it. */
  contact_locale: ColumnType<string, string | undefined, string>;
  applicant_user_id: string | null;
  status: ColumnType<string, string | undefined, string>;
  basis: ColumnType<string, string | undefined, string>;
  submitted_at: Timestamp;
  objection_deadline: Timestamp;
  decided_at: Timestamp | null;
  objections_at_decision: number | null;
  is_demo: Flag;
}

export interface AccreditationObjectionsTable {
  id: string;
  application_id: string;
  country: string | null;
  user_id: string | null;
  reason: string | null;
  created_at: Timestamp;
  withdrawn_at: Timestamp | null;
  is_demo: Flag;
}

export interface ConsultationsTable {
  id: string;
  process_id: string;
  slug: string;
  title: string;
  kind: string;
  introduction: ColumnType<string, string | undefined, string>;
  paragraphs: ColumnType<string[], string, string>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  eligibility: string;
  is_demo: Flag;
  created_at: Timestamp;
}

export interface ConsultationSubmissionsTable {
  id: string;
  consultation_id: string;
  organisation_id: string | null;
  author_user_id: string | null;
  author_name: string;
  text: string;
  receipt: string;
  submitted_at: Timestamp;
  is_demo: Flag;
}

export interface SubmissionCommentsTable {
  id: Generated<number>;
  submission_id: string;
  paragraph: number;
  text: string;
}

export interface SubmissionAttachmentsTable {
  id: string;
  submission_id: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
}

export interface ProcessesTables {
  processes: ProcessesTable;
  process_meetings: ProcessMeetingsTable;
  process_delegations: ProcessDelegationsTable;
  accreditation_applications: AccreditationApplicationsTable;
  accreditation_objections: AccreditationObjectionsTable;
  consultations: ConsultationsTable;
  consultation_submissions: ConsultationSubmissionsTable;
  submission_comments: SubmissionCommentsTable;
  submission_attachments: SubmissionAttachmentsTable;
}
