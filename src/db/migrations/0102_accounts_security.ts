import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Two-step verification (TOTP). Secrets are stored encrypted with a key derived from
  // SESSION_SECRET; totp_last_step refuses a code used twice (replay).
  await sql`ALTER TABLE users
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_pending_secret text,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN erased_at timestamptz`.execute(db);

  // Single-use links and challenges (email verification, password reset, email change, the second
  // sign-in step). Only the SHA-256 of the token is stored.
  await sql`CREATE TABLE account_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password', 'change-email', 'mfa-challenge')),
    token_hash text NOT NULL UNIQUE,
    new_email text,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose)`.execute(db);
  await sql`CREATE INDEX account_tokens_expires ON account_tokens (expires_at)`.execute(db);

  await sql`CREATE TABLE recovery_codes (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (user_id, code_hash)
  )`.execute(db);

  // Personal API tokens: shown once, stored hashed, with scopes and an expiry.
  await sql`CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    prefix text NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX api_tokens_user ON api_tokens (user_id)`.execute(db);

  // Fixed-window counters shared by every process; one atomic upsert per attempt.
  await sql`CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    count integer NOT NULL,
    window_start timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX rate_limits_expires ON rate_limits (expires_at)`.execute(db);

  // A person asks to join an organisation; its representatives decide.
  await sql`CREATE TABLE organisation_memberships (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('pending', 'accepted', 'refused', 'left')),
    message text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by uuid REFERENCES users (id) ON DELETE SET NULL
  )`.execute(db);
  // At most one open request or membership per person and organisation.
  await sql`CREATE UNIQUE INDEX organisation_memberships_open
    ON organisation_memberships (organisation_id, user_id) WHERE status IN ('pending', 'accepted')`.execute(
    db,
  );
  await sql`CREATE INDEX organisation_memberships_user ON organisation_memberships (user_id)`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
