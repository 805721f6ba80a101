import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    acronym text,
    stakeholder_group text NOT NULL,
    kind text NOT NULL,
    country char(2) REFERENCES countries (iso2),
    website text,
    description text NOT NULL DEFAULT '',
    ecosoc_status boolean NOT NULL DEFAULT false,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX organisations_group ON organisations (stakeholder_group)`.execute(db);
  await sql`CREATE INDEX organisations_name_trgm ON organisations USING gin (lower(name) gin_trgm_ops)`.execute(
    db,
  );
  await sql`CREATE TABLE organisation_member_states (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    country char(2) NOT NULL REFERENCES countries (iso2),
    PRIMARY KEY (organisation_id, country)
  )`.execute(db);
  await sql`CREATE INDEX organisation_member_states_country ON organisation_member_states (country)`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
