import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Private groups (e.g. the focal points of one regional organisation): their threads are seen by
  // their members only. Group admins manage the membership.
  await sql`CREATE TABLE discussion_groups (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    is_demo boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE TABLE discussion_group_members (
    group_id uuid NOT NULL REFERENCES discussion_groups (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('admin', 'member')),
    added_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
  )`.execute(db);
  await sql`CREATE INDEX discussion_group_members_user ON discussion_group_members (user_id)`.execute(
    db,
  );

  await sql`CREATE TABLE discussion_threads (
    id uuid PRIMARY KEY,
    group_id uuid REFERENCES discussion_groups (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    title text NOT NULL,
    language text NOT NULL REFERENCES languages (code),
    themes text[] NOT NULL DEFAULT '{}',
    region text REFERENCES regions (slug),
    region_path text[] NOT NULL DEFAULT '{}',
    link_kind text CHECK (link_kind IN ('resource', 'initiative', 'process', 'session')),
    link_ref text,
    link_path text,
    status text NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    hidden_reason text,
    hidden_at timestamptz,
    slow_mode_seconds integer NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
    reply_count integer NOT NULL DEFAULT 0,
    search tsvector NOT NULL,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    CHECK ((link_kind IS NULL) = (link_ref IS NULL))
  )`.execute(db);
  await sql`CREATE INDEX discussion_threads_activity ON discussion_threads (last_activity_at DESC, id)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_threads_group ON discussion_threads (group_id)`.execute(db);
  await sql`CREATE INDEX discussion_threads_themes ON discussion_threads USING gin (themes)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_threads_region ON discussion_threads USING gin (region_path)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_threads_search ON discussion_threads USING gin (search)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_threads_link ON discussion_threads (link_kind, link_ref)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_threads_author ON discussion_threads (author_id)`.execute(db);

  // The opening post of a thread is its first post (is_opening); replies follow.
  await sql`CREATE TABLE discussion_posts (
    id uuid PRIMARY KEY,
    thread_id uuid NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    is_opening boolean NOT NULL DEFAULT false,
    quote_of uuid REFERENCES discussion_posts (id) ON DELETE SET NULL,
    body_md text NOT NULL,
    body_html text NOT NULL,
    status text NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    hidden_reason text,
    hidden_at timestamptz,
    erased boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX discussion_posts_thread ON discussion_posts (thread_id, created_at, id)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_posts_author ON discussion_posts (author_id, created_at)`.execute(
    db,
  );

  // Files are kept in the database with the posts: every process sees them, backups hold them.
  await sql`CREATE TABLE discussion_attachments (
    id uuid PRIMARY KEY,
    post_id uuid NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    thread_id uuid NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    filename text NOT NULL,
    media_type text NOT NULL,
    byte_size integer NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    created_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX discussion_attachments_post ON discussion_attachments (post_id)`.execute(
    db,
  );

  await sql`CREATE TABLE discussion_flags (
    id uuid PRIMARY KEY,
    thread_id uuid NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    post_id uuid NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    reporter_id uuid REFERENCES users (id) ON DELETE SET NULL,
    reason text NOT NULL,
    note text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
    resolved_by uuid REFERENCES users (id) ON DELETE SET NULL,
    resolved_at timestamptz,
    created_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE UNIQUE INDEX discussion_flags_once ON discussion_flags (post_id, reporter_id) WHERE status = 'open'`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_flags_open ON discussion_flags (created_at) WHERE status = 'open'`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_flags_reporter ON discussion_flags (reporter_id, created_at)`.execute(
    db,
  );

  // Every moderation action, with its reason: shown to moderators, and to authors for their posts.
  await sql`CREATE TABLE discussion_moderation_log (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL,
    moderator_id uuid REFERENCES users (id) ON DELETE SET NULL,
    action text NOT NULL,
    thread_id uuid NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    post_id uuid REFERENCES discussion_posts (id) ON DELETE SET NULL,
    reason text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb
  )`.execute(db);
  await sql`CREATE INDEX discussion_moderation_log_at ON discussion_moderation_log (at DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX discussion_moderation_log_thread ON discussion_moderation_log (thread_id, at)`.execute(
    db,
  );

  await sql`CREATE TABLE discussion_follows (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_type text NOT NULL CHECK (target_type IN ('thread', 'theme', 'region')),
    target_id text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, target_type, target_id)
  )`.execute(db);
  await sql`CREATE INDEX discussion_follows_target ON discussion_follows (target_type, target_id)`.execute(
    db,
  );

  // One row per event per person: the primary key is what makes a second notice impossible.
  await sql`CREATE TABLE discussion_notifications (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id uuid NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    kind text NOT NULL,
    mailed boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (event_id, user_id)
  )`.execute(db);
  await sql`CREATE INDEX discussion_notifications_user ON discussion_notifications (user_id, created_at)`.execute(
    db,
  );

  // A member's settings: the handle others mention them by, the languages they read, email on/off.
  await sql`CREATE TABLE discussion_preferences (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle text NOT NULL UNIQUE,
    languages text[] NOT NULL DEFAULT '{}',
    email_notifications boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
