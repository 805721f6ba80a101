import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE initiatives (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    external_id text UNIQUE,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    language text NOT NULL DEFAULT 'en',
    translations jsonb NOT NULL DEFAULT '{}'::jsonb,
    countries text[] NOT NULL DEFAULT '{}',
    regions text[] NOT NULL DEFAULT '{}',
    themes text[] NOT NULL DEFAULT '{}',
    cmm text[] NOT NULL DEFAULT '{}',
    starts_on date,
    ends_on date,
    status text NOT NULL CHECK (status IN ('pipeline', 'implementation', 'completion', 'post-completion', 'cancelled', 'suspended')),
    budget numeric(16, 2) CHECK (budget IS NULL OR budget >= 0),
    currency char(3),
    outputs text[] NOT NULL DEFAULT '{}',
    links text[] NOT NULL DEFAULT '{}',
    workflow text NOT NULL DEFAULT 'draft' CHECK (workflow IN ('draft', 'submitted', 'returned', 'published', 'archived')),
    review_note text,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    submitted_at timestamptz,
    published_at timestamptz,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
    ) STORED,
    CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
  )`.execute(db);
  await sql`CREATE INDEX initiatives_workflow ON initiatives (workflow, starts_on)`.execute(db);
  await sql`CREATE INDEX initiatives_countries ON initiatives USING gin (countries)`.execute(db);
  await sql`CREATE INDEX initiatives_themes ON initiatives USING gin (themes)`.execute(db);
  await sql`CREATE INDEX initiatives_regions ON initiatives USING gin (regions)`.execute(db);
  await sql`CREATE INDEX initiatives_search ON initiatives USING gin (search)`.execute(db);
  await sql`CREATE INDEX initiatives_title_trgm ON initiatives USING gin (lower(title) gin_trgm_ops)`.execute(
    db,
  );

  // Implementing, funding, accountable, extending and partner organisations, in order. An
  // organisation outside the directory (from an IATI file) is kept by name and reference.
  await sql`CREATE TABLE initiative_participants (
    initiative_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    position smallint NOT NULL,
    role text NOT NULL CHECK (role IN ('implementing', 'funding', 'accountable', 'extending', 'partner')),
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    name text NOT NULL,
    ref text,
    PRIMARY KEY (initiative_id, position)
  )`.execute(db);
  await sql`CREATE INDEX initiative_participants_org ON initiative_participants (organisation_id, role)`.execute(
    db,
  );

  // Every saved state of an initiative, for its history page.
  await sql`CREATE TABLE initiative_revisions (
    id uuid PRIMARY KEY,
    initiative_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    number integer NOT NULL,
    at timestamptz NOT NULL,
    actor_id uuid,
    actor_label text,
    action text NOT NULL,
    note text,
    snapshot jsonb NOT NULL,
    UNIQUE (initiative_id, number)
  )`.execute(db);

  // Candidate overlaps between two initiatives (a_id < b_id), with the coordinators' decision.
  // Undecided pairs are replaced by each analysis; decided pairs are kept, so a dismissed pair
  // stays dismissed.
  await sql`CREATE TABLE initiative_overlaps (
    id uuid PRIMARY KEY,
    a_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    b_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    score real NOT NULL,
    text_similarity real NOT NULL,
    time_overlap real NOT NULL,
    shared_countries text[] NOT NULL DEFAULT '{}',
    shared_themes text[] NOT NULL DEFAULT '{}',
    shared_terms text[] NOT NULL DEFAULT '{}',
    overlap_from date,
    overlap_to date,
    likely_duplicate boolean NOT NULL DEFAULT false,
    computed_at timestamptz NOT NULL,
    decision text CHECK (decision IN ('duplicate', 'complementary', 'unrelated')),
    decision_note text,
    decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
    decided_at timestamptz,
    CHECK (a_id < b_id),
    UNIQUE (a_id, b_id)
  )`.execute(db);
  await sql`CREATE INDEX initiative_overlaps_b ON initiative_overlaps (b_id)`.execute(db);
  await sql`CREATE INDEX initiative_overlaps_score ON initiative_overlaps (score DESC)`.execute(db);

  // The clearing house: needs posted by a country's focal point or an organisation, and offers.
  await sql`CREATE TABLE needs (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    title text NOT NULL,
    description text NOT NULL DEFAULT '',
    country char(2) REFERENCES countries (iso2),
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    themes text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{}',
    starts_on date,
    ends_on date,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'met', 'closed', 'withdrawn')),
    posted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    is_demo boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
  )`.execute(db);
  await sql`CREATE INDEX needs_country ON needs (country, status)`.execute(db);
  await sql`CREATE INDEX needs_themes ON needs USING gin (themes)`.execute(db);
  await sql`CREATE TABLE need_offers (
    id uuid PRIMARY KEY,
    need_id uuid NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    initiative_id uuid REFERENCES initiatives (id) ON DELETE SET NULL,
    message text NOT NULL,
    status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'delivered')),
    response_note text,
    offered_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX need_offers_need ON need_offers (need_id, created_at)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
