import { sql, type Kysely } from 'kysely';

/** Columns a link check writes that no reader is shown. */
const LINK_BOOKKEEPING =
  "ARRAY['link_http_status', 'link_location', 'link_error', 'link_failures', 'link_checked_at']";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Anonymous catalogue answers are kept in memory and served again while nothing they show has
  // changed (src/platform/http/response-cache.ts). What they show is the search index (its own
  // version, 0201) and the published resources' rows, some of whose fields never reach the index
  // (the link checker's verdict, the date last verified). This counter moves with every statement
  // that writes a published resource (before or after), and only then: saving a draft leaves the
  // cached answers alone. Like 0201's, one bump per statement, ordered by the row lock.
  await sql`CREATE TABLE catalogue_published_version (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
  )`.execute(db);
  await sql`INSERT INTO catalogue_published_version (version) VALUES (0)`.execute(db);
  const published = (rows: string) =>
    sql`EXISTS (SELECT 1 FROM ${sql.raw(rows)} WHERE status = 'published')`;
  // Transition tables differ by operation, so one function and one trigger each.
  const operations = [
    {
      op: 'inserted',
      event: 'INSERT',
      tables: 'NEW TABLE AS new_rows',
      when: published('new_rows'),
    },
    {
      op: 'updated',
      event: 'UPDATE',
      tables: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
      // Of a link check, readers see only the verdict (`link_status`): a link found fine again,
      // the daily lot of them, changes nothing they see.
      when: sql`EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.status = 'published' OR o.status = 'published')
          AND to_jsonb(n) - ${sql.raw(LINK_BOOKKEEPING)} IS DISTINCT FROM
            to_jsonb(o) - ${sql.raw(LINK_BOOKKEEPING)})`,
    },
    {
      op: 'deleted',
      event: 'DELETE',
      tables: 'OLD TABLE AS old_rows',
      when: published('old_rows'),
    },
    { op: 'truncated', event: 'TRUNCATE', tables: null, when: sql`true` },
  ];
  for (const { op, event, tables, when } of operations) {
    const fn = sql.raw(`catalogue_published_${op}`);
    await sql`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF ${when} THEN
          UPDATE catalogue_published_version SET version = version + 1;
        END IF;
        RETURN NULL;
      END
    $$`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`resources_published_${op}`)} AFTER ${sql.raw(event)}
      ON resources ${sql.raw(tables ? `REFERENCING ${tables}` : '')}
      FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`.execute(db);
  }
  // A statement trigger fires even when its statement changed no row: taking a draft out of the
  // index (a DELETE that finds nothing) bumped the index version, and with it every process's
  // catch-up and every kept answer. Now a statement that changed nothing logs nothing.
  await sql`CREATE OR REPLACE FUNCTION resource_index_log_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
      next bigint;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
      ELSIF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
      END IF;
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const op of ['inserted', 'updated', 'deleted', 'truncated']) {
    await sql`DROP TRIGGER ${sql.raw(`resources_published_${op}`)} ON resources`.execute(db);
    await sql`DROP FUNCTION ${sql.raw(`catalogue_published_${op}`)}()`.execute(db);
  }
  await sql`DROP TABLE catalogue_published_version`.execute(db);
  // resource_index_log_changes keeps its early return: it logs the same changes as 0201's did.
}
