import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE consultations (
    id uuid PRIMARY KEY,
    process_id uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    slug text NOT NULL UNIQUE,
    title text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('draft', 'questions')),
    introduction text NOT NULL DEFAULT '',
    paragraphs jsonb NOT NULL DEFAULT '[]'::jsonb,
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    eligibility text NOT NULL
      CHECK (eligibility IN ('everyone', 'registered-organisations', 'accredited-organisations')),
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
  )`.execute(db);
  await sql`CREATE INDEX consultations_process ON consultations (process_id, opens_at)`.execute(db);

  await sql`CREATE TABLE consultation_submissions (
    id uuid PRIMARY KEY,
    consultation_id uuid NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    organisation_id uuid REFERENCES organisations (id),
    author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    author_name text NOT NULL,
    text text NOT NULL,
    receipt char(64) NOT NULL UNIQUE,
    submitted_at timestamptz NOT NULL,
    is_demo boolean NOT NULL DEFAULT false,
    CHECK (organisation_id IS NOT NULL OR author_user_id IS NOT NULL OR is_demo)
  )`.execute(db);
  // One submission per organisation, or per person speaking for themselves: a second one is a
  // duplicate, refused even when two requests race.
  await sql`CREATE UNIQUE INDEX consultation_one_per_organisation ON consultation_submissions
    (consultation_id, organisation_id) WHERE organisation_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX consultation_one_per_person ON consultation_submissions
    (consultation_id, author_user_id) WHERE organisation_id IS NULL`.execute(db);

  await sql`CREATE TABLE submission_comments (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id uuid NOT NULL REFERENCES consultation_submissions (id) ON DELETE CASCADE,
    paragraph integer NOT NULL CHECK (paragraph >= 1),
    text text NOT NULL,
    UNIQUE (submission_id, paragraph)
  )`.execute(db);

  await sql`CREATE TABLE submission_attachments (
    id uuid PRIMARY KEY,
    submission_id uuid NOT NULL REFERENCES consultation_submissions (id) ON DELETE CASCADE,
    filename text NOT NULL,
    media_type text NOT NULL CHECK (media_type IN ('application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.oasis.opendocument.text')),
    size_bytes integer NOT NULL CHECK (size_bytes > 0),
    sha256 char(64) NOT NULL,
    content bytea NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX submission_attachments_submission ON submission_attachments
    (submission_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
