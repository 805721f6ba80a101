import { sql, type Kysely } from 'kysely';

/**
 * The catalogue: resources (content and workflow), their providers and revisions, a narrow search
 * index of the published ones, the vocabulary for typo correction and the "fits me" profiles.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Text search in each UN language with a stemmer, accents folded; `simple` for the others.
  // Only the token types that can carry accents get `unaccent` (ASCII words have none).
  for (const [name, dictionary] of [
    ['english', 'english_stem'],
    ['french', 'french_stem'],
    ['spanish', 'spanish_stem'],
    ['russian', 'russian_stem'],
    ['arabic', 'arabic_stem'],
    ['simple', 'simple'],
  ] as const) {
    await sql
      .raw(`CREATE TEXT SEARCH CONFIGURATION cc_${name} (COPY = pg_catalog.${name})`)
      .execute(db);
    await sql
      .raw(
        `ALTER TEXT SEARCH CONFIGURATION cc_${name}
           ALTER MAPPING FOR hword, hword_part, word WITH unaccent, ${dictionary}`,
      )
      .execute(db);
  }

  await sql`CREATE TABLE resources (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    external_id text UNIQUE,
    kind text NOT NULL,
    status text NOT NULL DEFAULT 'draft'
      CHECK (status IN ('draft', 'submitted', 'changes_requested', 'published', 'archived')),
    title jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object'),
    summary jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(summary) = 'object'),
    description text NOT NULL DEFAULT '',
    description_language text,
    url text NOT NULL,
    themes text[] NOT NULL DEFAULT '{}',
    audiences text[] NOT NULL DEFAULT '{}',
    level text,
    format text NOT NULL,
    registration text NOT NULL DEFAULT 'direct',
    cost text NOT NULL,
    price numeric(12, 2) CHECK (price IS NULL OR price >= 0),
    currency char(3),
    eligibility text,
    duration_hours numeric(7, 1) CHECK (duration_hours IS NULL OR duration_hours > 0),
    languages text[] NOT NULL DEFAULT '{}',
    regions text[] NOT NULL DEFAULT '{}',
    countries text[] NOT NULL DEFAULT '{}',
    starts_on date,
    ends_on date,
    enrol_by date,
    certificate boolean NOT NULL DEFAULT false,
    accessibility text,
    verified_at date,
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    revision integer NOT NULL DEFAULT 1,
    review_note text,
    link_status text NOT NULL DEFAULT 'unchecked'
      CHECK (link_status IN ('unchecked', 'ok', 'moved', 'broken')),
    link_http_status integer,
    link_location text,
    link_error text,
    link_failures integer NOT NULL DEFAULT 0,
    link_checked_at timestamptz,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX resources_status ON resources (status, updated_at)`.execute(db);
  await sql`CREATE INDEX resources_url ON resources (url)`.execute(db);
  await sql`CREATE INDEX resources_organisation ON resources (organisation_id)`.execute(db);

  await sql`CREATE TABLE resource_providers (
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position smallint NOT NULL,
    name text NOT NULL,
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    PRIMARY KEY (resource_id, position)
  )`.execute(db);
  await sql`CREATE INDEX resource_providers_organisation ON resource_providers (organisation_id)`.execute(
    db,
  );

  // Every change keeps a full snapshot, so any two revisions can be compared.
  await sql`CREATE TABLE resource_revisions (
    id uuid PRIMARY KEY,
    resource_id uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    number integer NOT NULL,
    action text NOT NULL,
    status text NOT NULL,
    snapshot jsonb NOT NULL,
    note text,
    actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_label text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (resource_id, number)
  )`.execute(db);

  // The search index: one narrow row per *published* resource, holding only what filtering,
  // facet counts and ranking read (themes and audiences as bit masks), so that a search touches
  // small rows and never the content table. `regions` are the regions a resource names;
  // `region_codes` add the regions of the countries it names (what the region filter matches).
  await sql`CREATE TABLE resource_index (
    resource_id uuid PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    kind text NOT NULL,
    level text,
    format text NOT NULL,
    cost text NOT NULL,
    themes integer NOT NULL DEFAULT 0,
    audiences integer NOT NULL DEFAULT 0,
    languages text[] NOT NULL DEFAULT '{}',
    regions text[] NOT NULL DEFAULT '{}',
    region_codes text[] NOT NULL DEFAULT '{}',
    countries text[] NOT NULL DEFAULT '{}',
    duration_hours real,
    starts_on date,
    ends_on date,
    enrol_by date,
    published_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    title_vector tsvector NOT NULL,
    search_vector tsvector NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX resource_index_search ON resource_index USING gin (search_vector)`.execute(
    db,
  );
  await sql`CREATE INDEX resource_index_title ON resource_index USING gin (title_vector)`.execute(
    db,
  );
  await sql`CREATE INDEX resource_index_languages ON resource_index USING gin (languages)`.execute(
    db,
  );
  await sql`CREATE INDEX resource_index_published ON resource_index (published_at)`.execute(db);
  await sql`CREATE INDEX resource_index_updated ON resource_index (updated_at)`.execute(db);
  await sql`CREATE INDEX resource_index_enrol_by ON resource_index (enrol_by)`.execute(db);

  // Words of the catalogue, for "did you mean" when a query has a typo.
  await sql`CREATE TABLE catalogue_terms (term text PRIMARY KEY)`.execute(db);
  await sql`CREATE INDEX catalogue_terms_trgm ON catalogue_terms USING gin (term gin_trgm_ops)`.execute(
    db,
  );

  // "Fits me": a signed-in person's languages, budget and weekly hours.
  await sql`CREATE TABLE catalogue_profiles (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    languages text[] NOT NULL DEFAULT '{}',
    budget text NOT NULL DEFAULT 'any' CHECK (budget IN ('free', 'scholarships', 'any')),
    hours_per_week numeric(5, 1),
    active boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
