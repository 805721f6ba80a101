import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    password_hash text,
    email_verified_at timestamptz,
    locale text NOT NULL DEFAULT 'en',
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'erased')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  // One account per address, whatever its case.
  await sql`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`.execute(db);

  await sql`CREATE TABLE role_grants (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL,
    scope_type text NOT NULL CHECK (scope_type IN ('site', 'process', 'event', 'organisation')),
    scope_id text,
    granted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope_type = 'site') = (scope_id IS NULL))
  )`.execute(db);
  await sql`CREATE UNIQUE INDEX role_grants_unique ON role_grants (user_id, role, scope_type, coalesce(scope_id, ''))`.execute(
    db,
  );
  await sql`CREATE INDEX role_grants_scope ON role_grants (scope_type, scope_id, role)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
