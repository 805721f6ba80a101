import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A claim names the process that holds it (its PostgreSQL application_name) and carries a
  // token that every transaction of the request checks before it commits: a process killed
  // mid-request leaves a claim that a retry can take over, and only the current holder's writes
  // can commit. "applied" marks a claim whose write committed but whose answer was not stored.
  await sql`ALTER TABLE idempotency_keys ADD COLUMN claimed_by text`.execute(db);
  await sql`ALTER TABLE idempotency_keys ADD COLUMN claim_token text`.execute(db);
  await sql`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check`.execute(db);
  await sql`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check
    CHECK (state IN ('started', 'applied', 'done'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
