import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The change log (0201) is pruned by a scheduled job. A process whose index is older than the
  // pruned versions cannot catch up from the log and reads the whole index again: `pruned_through`
  // says up to which version the log may be missing rows. It lives on the counter row so that a
  // reader sees the version, the log and how much of it is gone in one snapshot.
  await sql`ALTER TABLE resource_index_version
    ADD COLUMN pruned_through bigint NOT NULL DEFAULT 0`.execute(db);
  // The log carries versions, not times. Each pruning run notes the version it saw and when (by
  // the application's clock); a later run removes the log up to the newest note older than the
  // retention window.
  await sql`CREATE TABLE resource_index_prune_marks (
    version bigint NOT NULL,
    taken_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE resource_index_prune_marks`.execute(db);
  await sql`ALTER TABLE resource_index_version DROP COLUMN pruned_through`.execute(db);
}
