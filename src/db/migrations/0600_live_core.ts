import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One live (hybrid) session. event_id is the permission scope of its organisers, moderators and
  // rapporteurs; scheduled_session_id links it to the events module's programme when known.
  // last_seq is the per-session event sequence: allocated with UPDATE … RETURNING in the same
  // transaction as the change, so the row lock orders commits and replay has no gap.
  await sql`CREATE TABLE live_sessions (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    scheduled_session_id text,
    event_id text NOT NULL,
    title text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    time_zone text NOT NULL DEFAULT 'UTC',
    room text,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    moderation boolean NOT NULL DEFAULT true,
    remote_segment boolean NOT NULL DEFAULT false,
    last_seq bigint NOT NULL DEFAULT 0,
    is_demo boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    CHECK (ends_at > starts_at)
  )`.execute(db);
  await sql`CREATE INDEX live_sessions_event ON live_sessions (event_id)`.execute(db);
  await sql`CREATE INDEX live_sessions_scheduled ON live_sessions (scheduled_session_id)`.execute(
    db,
  );

  // Panellists (and a moderator who speaks): the voices whose speaking time is balanced.
  await sql`CREATE TABLE live_speakers (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    position integer NOT NULL,
    name text NOT NULL,
    stakeholder_group text NOT NULL,
    role text NOT NULL DEFAULT 'panellist' CHECK (role IN ('panellist', 'moderator')),
    origin text NOT NULL DEFAULT 'room' CHECK (origin IN ('room', 'remote'))
  )`.execute(db);
  await sql`CREATE INDEX live_speakers_session ON live_speakers (session_id, position)`.execute(db);

  // A participant is a browser (cookie token, stored hashed) or a signed-in account.
  await sql`CREATE TABLE live_participants (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    token_hash text,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    origin text NOT NULL CHECK (origin IN ('room', 'remote')),
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (token_hash IS NOT NULL OR user_id IS NOT NULL)
  )`.execute(db);
  await sql`CREATE UNIQUE INDEX live_participants_token ON live_participants (session_id, token_hash) WHERE token_hash IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX live_participants_user ON live_participants (session_id, user_id) WHERE user_id IS NOT NULL`.execute(
    db,
  );

  await sql`CREATE TABLE live_questions (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    participant_id uuid NOT NULL REFERENCES live_participants (id) ON DELETE CASCADE,
    origin text NOT NULL CHECK (origin IN ('room', 'remote')),
    body text NOT NULL,
    anonymous boolean NOT NULL,
    author_name text,
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'pinned', 'answered', 'hidden', 'merged')),
    hide_reason text,
    hide_note text,
    merged_into uuid REFERENCES live_questions (id),
    merged_count integer NOT NULL DEFAULT 0,
    votes integer NOT NULL DEFAULT 0,
    answer text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    pinned_at timestamptz,
    answered_at timestamptz,
    CHECK (NOT anonymous OR author_name IS NULL),
    CHECK ((status = 'hidden') = (hide_reason IS NOT NULL)),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
  )`.execute(db);
  await sql`CREATE INDEX live_questions_session ON live_questions (session_id, status)`.execute(db);
  await sql`CREATE INDEX live_questions_participant ON live_questions (participant_id)`.execute(db);
  // "Now answering" is one question at a time.
  await sql`CREATE UNIQUE INDEX live_questions_one_pinned ON live_questions (session_id) WHERE status = 'pinned'`.execute(
    db,
  );

  await sql`CREATE TABLE live_votes (
    question_id uuid NOT NULL REFERENCES live_questions (id) ON DELETE CASCADE,
    participant_id uuid NOT NULL REFERENCES live_participants (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (question_id, participant_id)
  )`.execute(db);

  // Messages from the remote moderator to the room's moderator.
  await sql`CREATE TABLE live_backstage (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    author_label text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX live_backstage_session ON live_backstage (session_id, created_at)`.execute(
    db,
  );

  // Speaking turns: a panellist, or the floor (room or remote). One open turn per session.
  await sql`CREATE TABLE live_turns (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    speaker_id uuid REFERENCES live_speakers (id) ON DELETE CASCADE,
    floor text CHECK (floor IN ('room', 'remote')),
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    CHECK ((speaker_id IS NULL) <> (floor IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
  )`.execute(db);
  await sql`CREATE INDEX live_turns_session ON live_turns (session_id, started_at)`.execute(db);
  await sql`CREATE UNIQUE INDEX live_turns_one_open ON live_turns (session_id) WHERE ended_at IS NULL`.execute(
    db,
  );

  // The event log each stream replays from. audience: 'all', 'staff' or 'p:<participant id>'.
  await sql`CREATE TABLE live_events (
    session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    seq bigint NOT NULL,
    type text NOT NULL,
    audience text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq)
  )`.execute(db);

  // Fixed-window counters for per-participant rate limits.
  await sql`CREATE TABLE live_rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (key, window_start)
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
