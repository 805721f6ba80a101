import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // An event (a forum, a conference) with its own time zone: session times are instants, shown in it.
  await sql`CREATE TABLE events (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    place text NOT NULL,
    description text NOT NULL DEFAULT '',
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    time_zone text NOT NULL,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
  )`.execute(db);

  await sql`CREATE TABLE event_rooms (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name text NOT NULL,
    capacity integer,
    position integer NOT NULL DEFAULT 0,
    UNIQUE (event_id, name)
  )`.execute(db);

  await sql`CREATE TABLE event_slots (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
  )`.execute(db);
  await sql`CREATE INDEX event_slots_event ON event_slots (event_id, starts_at)`.execute(db);

  // A call for proposals; its rules (formats, diversity criteria, screening, review criteria)
  // are small documents that organisers configure per call.
  await sql`CREATE TABLE calls (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    reviews_per_proposal integer NOT NULL DEFAULT 3 CHECK (reviews_per_proposal BETWEEN 1 AND 20),
    formats jsonb NOT NULL,
    criteria jsonb NOT NULL,
    screening jsonb NOT NULL,
    review_criteria jsonb NOT NULL,
    report_due_days integer NOT NULL DEFAULT 14,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
  )`.execute(db);
  await sql`CREATE INDEX calls_event ON calls (event_id)`.execute(db);

  await sql`CREATE TABLE review_phases (
    id uuid PRIMARY KEY,
    call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    name text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    reviewers_may_review boolean NOT NULL DEFAULT true,
    see_others_scores boolean NOT NULL DEFAULT false,
    blind boolean NOT NULL DEFAULT true,
    proposers_may_edit boolean NOT NULL DEFAULT false,
    CHECK (ends_at > starts_at)
  )`.execute(db);
  await sql`CREATE INDEX review_phases_call ON review_phases (call_id, starts_at)`.execute(db);

  await sql`CREATE TABLE proposals (
    id uuid PRIMARY KEY,
    call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    title text NOT NULL DEFAULT '',
    format text,
    duration_minutes integer,
    content text NOT NULL DEFAULT '',
    relevance text NOT NULL DEFAULT '',
    tags text[] NOT NULL DEFAULT '{}',
    policy_question text NOT NULL DEFAULT '',
    online_plan text NOT NULL DEFAULT '',
    facilitation_plan text NOT NULL DEFAULT '',
    previous_workshop boolean NOT NULL DEFAULT false,
    previous_report_url text,
    decision text CHECK (decision IN ('accept', 'reject', 'merge', 'revise')),
    decision_note text NOT NULL DEFAULT '',
    merge_with_id uuid REFERENCES proposals (id) ON DELETE SET NULL,
    decision_status text CHECK (decision_status IN ('pending', 'released')),
    decided_at timestamptz,
    released_at timestamptz,
    submitted_at timestamptz,
    withdrawn_at timestamptz,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX proposals_call ON proposals (call_id, status)`.execute(db);
  await sql`CREATE INDEX proposals_owner ON proposals (owner_id)`.execute(db);

  // Everyone named on a proposal. Gender and first-time are declared by the person themself when
  // confirming, are optional, and never leave the server per person.
  await sql`CREATE TABLE proposal_people (
    id uuid PRIMARY KEY,
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('proposer', 'co-proposer', 'speaker', 'onsite-moderator', 'online-moderator', 'rapporteur')),
    position integer NOT NULL DEFAULT 0,
    name text NOT NULL,
    email text,
    organisation text NOT NULL DEFAULT '',
    stakeholder_group text,
    country char(2) REFERENCES countries (iso2),
    onsite boolean NOT NULL DEFAULT true,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'declined')),
    gender text,
    first_time boolean,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    invite_token_hash text UNIQUE,
    invited_at timestamptz,
    responded_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX proposal_people_proposal ON proposal_people (proposal_id, role, position)`.execute(
    db,
  );
  await sql`CREATE INDEX proposal_people_email ON proposal_people (lower(email))`.execute(db);

  // The reviewer pool of an event (the role grant says who may review; this says who they are).
  await sql`CREATE TABLE event_reviewers (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stakeholder_group text NOT NULL,
    organisation text NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, user_id)
  )`.execute(db);

  await sql`CREATE TABLE review_conflicts (
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    reviewer_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason text NOT NULL DEFAULT '',
    declared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, reviewer_id)
  )`.execute(db);

  await sql`CREATE TABLE review_assignments (
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    reviewer_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, reviewer_id)
  )`.execute(db);
  await sql`CREATE INDEX review_assignments_reviewer ON review_assignments (reviewer_id)`.execute(
    db,
  );

  await sql`CREATE TABLE reviews (
    id uuid PRIMARY KEY,
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    reviewer_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scores jsonb NOT NULL,
    weighted numeric NOT NULL,
    comment text NOT NULL DEFAULT '',
    action text NOT NULL CHECK (action IN ('accept', 'reject', 'merge', 'revise')),
    merge_with_id uuid REFERENCES proposals (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proposal_id, reviewer_id)
  )`.execute(db);
  await sql`CREATE INDEX reviews_reviewer ON reviews (reviewer_id)`.execute(db);

  // Decision letters wait here, held, until the organisers release every decision together.
  await sql`CREATE TABLE event_outbox (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'sent')),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (proposal_id, to_address)
  )`.execute(db);

  // A scheduled session keeps its id for good: live sessions and reports hang on it.
  await sql`CREATE TABLE event_sessions (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    proposal_id uuid UNIQUE REFERENCES proposals (id) ON DELETE SET NULL,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    format text,
    themes text[] NOT NULL DEFAULT '{}',
    room_id uuid REFERENCES event_rooms (id) ON DELETE SET NULL,
    slot_id uuid REFERENCES event_slots (id) ON DELETE SET NULL,
    starts_at timestamptz,
    ends_at timestamptz,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
    report_due_at timestamptz,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at)`.execute(db);

  await sql`CREATE TABLE session_people (
    session_id uuid NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    position integer NOT NULL,
    role text NOT NULL,
    name text NOT NULL,
    email text,
    organisation text NOT NULL DEFAULT '',
    stakeholder_group text,
    PRIMARY KEY (session_id, position)
  )`.execute(db);
  await sql`CREATE INDEX session_people_email ON session_people (lower(email))`.execute(db);

  await sql`CREATE TABLE session_reports (
    session_id uuid PRIMARY KEY REFERENCES event_sessions (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    summary text NOT NULL DEFAULT '',
    key_takeaways text NOT NULL DEFAULT '',
    calls_to_action text NOT NULL DEFAULT '',
    onsite_attendance integer CHECK (onsite_attendance >= 0),
    online_attendance integer CHECK (online_attendance >= 0),
    participation jsonb NOT NULL DEFAULT '{}',
    live_figures jsonb NOT NULL DEFAULT '{}',
    filed_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);

  await sql`CREATE TABLE agenda_items (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, session_id)
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
