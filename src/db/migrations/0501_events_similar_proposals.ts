import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Pairs of submitted proposals of one call whose texts are alike (TF-IDF cosine, the registry's
  // overlap measure), kept when a proposal is saved so that organisers read them without waiting.
  // One row per unordered pair: proposal_a < proposal_b.
  await sql`CREATE TABLE proposal_similarities (
    call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    proposal_a uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    proposal_b uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    similarity real NOT NULL,
    shared_terms text[] NOT NULL DEFAULT '{}',
    computed_at timestamptz NOT NULL,
    merge_suggested_at timestamptz,
    merge_suggested_by uuid REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (proposal_a, proposal_b),
    CHECK (proposal_a < proposal_b)
  )`.execute(db);
  await sql`CREATE INDEX proposal_similarities_b ON proposal_similarities (proposal_b)`.execute(db);
  await sql`CREATE INDEX proposal_similarities_call ON proposal_similarities (call_id, similarity DESC)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE proposal_similarities`.execute(db);
}
