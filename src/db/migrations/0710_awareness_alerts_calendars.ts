import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A saved search: a kind of search (catalogue, registry…) and its query string, with an alert
  // frequency. `watermark` is where the next digest starts; `last_period` the period (a UTC day
  // "2026-11-23" or an ISO week "2026-W48") the last digest covered.
  await sql`CREATE TABLE saved_searches (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    query text NOT NULL DEFAULT '',
    label text NOT NULL,
    frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'off')),
    locale text NOT NULL,
    watermark timestamptz NOT NULL,
    last_period text NOT NULL,
    last_sent_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (user_id, kind, query)
  )`.execute(db);
  await sql`CREATE INDEX saved_searches_alerting ON saved_searches (frequency, last_period)
    WHERE frequency <> 'off'`.execute(db);

  // One row per digest period of a saved search, written in the transaction that queues its mail:
  // the primary key is what makes a retried digest job send nothing twice.
  await sql`CREATE TABLE digest_deliveries (
    saved_search_id uuid NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    period text NOT NULL,
    created_at timestamptz NOT NULL,
    item_count integer NOT NULL,
    mail_id uuid,
    PRIMARY KEY (saved_search_id, period)
  )`.execute(db);

  // A person's private calendar: the secret token in its URL. Resetting it revokes the old URL.
  await sql`CREATE TABLE calendar_feeds (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
