import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One opt-in profile per person. Each field carries its own visibility (the `visibility` map);
  // `audience` is the widest audience any field reaches, so that a profile whose every field is
  // hidden from a reader does not even appear to exist for them.
  await sql`CREATE TABLE expert_profiles (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    listed boolean NOT NULL DEFAULT true,
    name text NOT NULL,
    about text NOT NULL DEFAULT '',
    themes text[] NOT NULL DEFAULT '{}',
    cmm_dimensions text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{}',
    regions text[] NOT NULL DEFAULT '{}',
    countries text[] NOT NULL DEFAULT '{}',
    experience_area text[] NOT NULL DEFAULT '{}',
    stakeholder_group text,
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    organisation_name text,
    available_for text[] NOT NULL DEFAULT '{}',
    availability_note text NOT NULL DEFAULT '',
    links jsonb NOT NULL DEFAULT '[]'::jsonb,
    visibility jsonb NOT NULL,
    audience text NOT NULL CHECK (audience IN ('public', 'members', 'private')),
    search_public tsvector NOT NULL,
    search_members tsvector NOT NULL,
    search_owner tsvector NOT NULL,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX expert_profiles_themes ON expert_profiles USING gin (themes)`.execute(db);
  await sql`CREATE INDEX expert_profiles_languages ON expert_profiles USING gin (languages)`.execute(
    db,
  );
  await sql`CREATE INDEX expert_profiles_area ON expert_profiles USING gin (experience_area)`.execute(
    db,
  );
  await sql`CREATE INDEX expert_profiles_search_public ON expert_profiles USING gin (search_public)`.execute(
    db,
  );
  await sql`CREATE INDEX expert_profiles_search_members ON expert_profiles USING gin (search_members)`.execute(
    db,
  );
  await sql`CREATE INDEX expert_profiles_updated ON expert_profiles (updated_at DESC, id)`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
