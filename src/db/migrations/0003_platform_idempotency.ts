import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Idempotency-Key records: a retry after success replays the stored answer; a concurrent or
  // interrupted duplicate is refused; the same key with another body is refused.
  await sql`CREATE TABLE idempotency_keys (
    owner text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    state text NOT NULL CHECK (state IN ('started', 'done')),
    response_status integer,
    response_type text,
    response_location text,
    response_body text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, key)
  )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
