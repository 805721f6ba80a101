import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

export interface JobsTable {
  id: string;
  name: string;
  payload: Json;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  unique_key: string | null;
  claim_token: string | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface JobFailuresTable {
  id: string;
  job_id: string;
  job_name: string;
  attempt: number;
  error: string;
  at: Timestamp;
}

export interface JobSchedulesTable {
  name: string;
  job: string;
  every_ms: number;
  payload: Json;
  next_run_at: Timestamp;
  last_enqueued_at: Timestamp | null;
  last_job_id: string | null;
  updated_at: Timestamp;
}

export interface JobsTables {
  jobs: JobsTable;
  job_failures: JobFailuresTable;
  job_schedules: JobSchedulesTable;
}
