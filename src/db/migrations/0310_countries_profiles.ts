import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per country and profile field (DESIGN.md section 5), each with its own date.
  await sql`CREATE TABLE country_profile_fields (
    country char(2) NOT NULL REFERENCES countries (iso2),
    field text NOT NULL CHECK (field IN ('strategy', 'implementation', 'agency', 'cert', 'laws',
      'international-law', 'agreements', 'un-processes', 'cooperation', 'activities')),
    value text NOT NULL,
    source_url text,
    as_of date NOT NULL,
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    is_demo boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (country, field)
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
