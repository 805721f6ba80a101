import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE processes (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    short_name text,
    kind text NOT NULL CHECK (kind IN ('un-working-group', 'un-mechanism', 'thematic-group',
      'forum', 'regional-dialogue', 'other')),
    parent_id uuid REFERENCES processes (id),
    description text NOT NULL DEFAULT '',
    mandate text,
    website text,
    modality text NOT NULL CHECK (modality IN ('open', 'non-objection', 'ecosoc-only', 'closed')),
    ecosoc_exempt boolean NOT NULL DEFAULT false,
    objection_period_days integer NOT NULL DEFAULT 10
      CHECK (objection_period_days BETWEEN 1 AND 90),
    time_zone text NOT NULL DEFAULT 'UTC',
    disclose_objector text NOT NULL DEFAULT 'secretariat'
      CHECK (disclose_objector IN ('public', 'secretariat', 'withheld')),
    reasons_public boolean NOT NULL DEFAULT false,
    starts_on date,
    ends_on date,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
  )`.execute(db);
  await sql`CREATE INDEX processes_parent ON processes (parent_id)`.execute(db);

  await sql`CREATE TABLE process_meetings (
    id uuid PRIMARY KEY,
    process_id uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    title text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    location text,
    url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
  )`.execute(db);
  await sql`CREATE INDEX process_meetings_process ON process_meetings (process_id, starts_on)`.execute(
    db,
  );

  // Which member state each focal point speaks for: the role grant says "focal point of this
  // process", this row says "for which state".
  await sql`CREATE TABLE process_delegations (
    process_id uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    country char(2) NOT NULL REFERENCES countries (iso2),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (process_id, user_id)
  )`.execute(db);

  await sql`CREATE TABLE accreditation_applications (
    id uuid PRIMARY KEY,
    process_id uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    meeting_id uuid NOT NULL REFERENCES process_meetings (id),
    organisation_id uuid REFERENCES organisations (id),
    organisation_name text NOT NULL,
    organisation_slug text,
    stakeholder_group text NOT NULL,
    country char(2) REFERENCES countries (iso2),
    ecosoc_status boolean NOT NULL,
    statement text NOT NULL,
    expertise text[] NOT NULL DEFAULT '{}',
    contact_name text NOT NULL,
    contact_email text NOT NULL,
    contact_phone text,
    contact_locale text NOT NULL DEFAULT 'en',
    applicant_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accredited', 'refused')),
    basis text NOT NULL DEFAULT 'non-objection' CHECK (basis IN ('non-objection', 'ecosoc')),
    submitted_at timestamptz NOT NULL,
    objection_deadline timestamptz NOT NULL,
    decided_at timestamptz,
    objections_at_decision integer,
    is_demo boolean NOT NULL DEFAULT false,
    CHECK (organisation_id IS NOT NULL OR is_demo),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (objection_deadline >= submitted_at)
  )`.execute(db);
  // At most one open (pending or accredited) application per organisation and process, even when
  // two requests race; one application per meeting.
  await sql`CREATE UNIQUE INDEX accreditation_one_open ON accreditation_applications
    (process_id, organisation_id) WHERE status IN ('pending', 'accredited')`.execute(db);
  await sql`CREATE UNIQUE INDEX accreditation_one_per_meeting ON accreditation_applications
    (process_id, organisation_id, meeting_id)`.execute(db);
  await sql`CREATE INDEX accreditation_due ON accreditation_applications (objection_deadline)
    WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX accreditation_process ON accreditation_applications
    (process_id, submitted_at)`.execute(db);

  await sql`CREATE TABLE accreditation_objections (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES accreditation_applications (id) ON DELETE CASCADE,
    country char(2) REFERENCES countries (iso2),
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    reason text,
    created_at timestamptz NOT NULL,
    withdrawn_at timestamptz,
    is_demo boolean NOT NULL DEFAULT false,
    CHECK (country IS NOT NULL OR is_demo),
    CHECK (withdrawn_at IS NULL OR withdrawn_at >= created_at)
  )`.execute(db);
  // One standing objection per state and application.
  await sql`CREATE UNIQUE INDEX accreditation_objection_standing ON accreditation_objections
    (application_id, country) WHERE withdrawn_at IS NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
