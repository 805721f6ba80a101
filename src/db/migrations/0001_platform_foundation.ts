import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);

  // Facts about this installation (demo seeded, schema notes).
  await sql`CREATE TABLE meta (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);

  // The audit log: one row per change made through a service, written in the same transaction.
  await sql`CREATE TABLE audit_log (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid,
    actor_label text,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    before jsonb,
    after jsonb,
    is_public boolean NOT NULL DEFAULT false,
    request_id text
  )`.execute(db);
  await sql`CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at)`.execute(db);
  await sql`CREATE INDEX audit_log_actor ON audit_log (actor_id, at)`.execute(db);
  await sql`CREATE INDEX audit_log_at ON audit_log (at)`.execute(db);
  // History cannot be rewritten by the application: the database refuses it.
  await sql`CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable()`.execute(db);
  await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable()`.execute(db);

  // Mail is queued in the transaction that causes it and delivered after commit.
  await sql`CREATE TABLE mail_outbox (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    to_address text NOT NULL,
    subject text NOT NULL,
    text_body text NOT NULL,
    html_body text,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb,
    category text NOT NULL DEFAULT 'general',
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'kept', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    sent_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX mail_outbox_pending ON mail_outbox (created_at) WHERE status = 'pending'`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
