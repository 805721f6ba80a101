import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // idempotency_key: a message queued twice under one key (a retried job) is kept once.
  // claimed_until: a process sending a message holds it for a while, so that another process
  // delivering at the same moment does not send it too.
  await sql`ALTER TABLE mail_outbox
    ADD COLUMN idempotency_key text UNIQUE,
    ADD COLUMN claimed_until timestamptz`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
