import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The job queue. Workers claim due rows with FOR UPDATE SKIP LOCKED and hold a lease
  // (locked_until) that they renew while they run; a lease that runs out means the worker stopped,
  // and the job is queued again. Times are written by the application's clock, never now().
  await sql`CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    payload jsonb NOT NULL DEFAULT 'null'::jsonb,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    run_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    unique_key text UNIQUE,
    claim_token uuid,
    locked_by text,
    locked_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status = 'queued'`.execute(db);
  await sql`CREATE INDEX jobs_leases ON jobs (locked_until) WHERE status = 'running'`.execute(db);
  await sql`CREATE INDEX jobs_name ON jobs (name, created_at)`.execute(db);
  await sql`CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL`.execute(
    db,
  );

  // Every failed attempt, for the admin page: a job that succeeded on its third try keeps the story.
  await sql`CREATE TABLE job_failures (
    id uuid PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    job_name text NOT NULL,
    attempt integer NOT NULL,
    error text NOT NULL,
    at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX job_failures_at ON job_failures (at)`.execute(db);
  await sql`CREATE INDEX job_failures_job ON job_failures (job_id)`.execute(db);

  // Schedules: one row per scheduled job; whichever process first finds it due enqueues the job
  // and moves next_run_at on, under a row lock, so a slot is enqueued once however many run.
  await sql`CREATE TABLE job_schedules (
    name text PRIMARY KEY,
    job text NOT NULL,
    every_ms bigint NOT NULL CHECK (every_ms >= 1000),
    payload jsonb NOT NULL DEFAULT 'null'::jsonb,
    next_run_at timestamptz NOT NULL,
    last_enqueued_at timestamptz,
    last_job_id uuid,
    updated_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
