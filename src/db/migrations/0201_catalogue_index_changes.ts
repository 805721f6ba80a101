import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every process keeps an in-memory copy of the search index (match sets and filter columns) and
  // must see every write made by any process before its next search. Writes to resource_index
  // bump one version and log which resources changed under it; a process compares versions before
  // searching and re-reads only the resources logged since its own.
  //
  // One counter row, bumped once per statement: its row lock orders writers, so versions grow in
  // commit order and a reader that has seen version N has seen every change up to N. (A sequence
  // would not: a transaction can commit after a later one and reveal a smaller number.)
  await sql`CREATE TABLE resource_index_version (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
  )`.execute(db);
  await sql`INSERT INTO resource_index_version (version) VALUES (0)`.execute(db);
  await sql`CREATE TABLE resource_index_changes (
    version bigint NOT NULL,
    -- NULL: the whole index changed (TRUNCATE)
    resource_id uuid
  )`.execute(db);
  await sql`CREATE INDEX resource_index_changes_version ON resource_index_changes (version)`.execute(
    db,
  );
  await sql`CREATE FUNCTION resource_index_log_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      next bigint;
    BEGIN
      UPDATE resource_index_version SET version = version + 1 RETURNING version INTO next;
      IF TG_OP = 'DELETE' THEN
        INSERT INTO resource_index_changes (version, resource_id)
          SELECT DISTINCT next, resource_id FROM old_rows;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO resource_index_changes (version, resource_id)
          SELECT DISTINCT next, resource_id FROM (
            SELECT resource_id FROM old_rows UNION SELECT resource_id FROM new_rows) AS changed;
      ELSE
        INSERT INTO resource_index_changes (version, resource_id)
          SELECT DISTINCT next, resource_id FROM new_rows;
      END IF;
      RETURN NULL;
    END
  $$`.execute(db);
  // Statement triggers with transition tables: one counter bump per statement, not per row (a
  // bulk import of 100,000 rows would otherwise update the counter row 100,000 times).
  await sql`CREATE TRIGGER resource_index_inserted AFTER INSERT ON resource_index
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resource_index_log_changes()`.execute(db);
  await sql`CREATE TRIGGER resource_index_updated AFTER UPDATE ON resource_index
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resource_index_log_changes()`.execute(db);
  await sql`CREATE TRIGGER resource_index_deleted AFTER DELETE ON resource_index
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resource_index_log_changes()`.execute(db);
  // TRUNCATE has no transition table: it logs a NULL resource, and a process that finds one reads
  // the whole index again.
  await sql`CREATE FUNCTION resource_index_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      next bigint;
    BEGIN
      UPDATE resource_index_version SET version = version + 1 RETURNING version INTO next;
      INSERT INTO resource_index_changes (version, resource_id) VALUES (next, NULL);
      RETURN NULL;
    END
  $$`.execute(db);
  await sql`CREATE TRIGGER resource_index_truncated AFTER TRUNCATE ON resource_index
    FOR EACH STATEMENT EXECUTE FUNCTION resource_index_truncated()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER resource_index_truncated ON resource_index`.execute(db);
  await sql`DROP TRIGGER resource_index_deleted ON resource_index`.execute(db);
  await sql`DROP TRIGGER resource_index_updated ON resource_index`.execute(db);
  await sql`DROP TRIGGER resource_index_inserted ON resource_index`.execute(db);
  await sql`DROP FUNCTION resource_index_truncated()`.execute(db);
  await sql`DROP FUNCTION resource_index_log_changes()`.execute(db);
  await sql`DROP TABLE resource_index_changes`.execute(db);
  await sql`DROP TABLE resource_index_version`.execute(db);
}
