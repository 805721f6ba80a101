/** What the jobs admin page reads and does; permission checks are the caller's (a service). */
import type { Db } from '../db/database.ts';
import type { JobStatus } from './jobs.table.ts';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'dead'];

export async function jobCounts(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export async function listJobs(
  db: Db,
  options: { status?: JobStatus; limit?: number; offset?: number } = {},
) {
  let query = db
    .selectFrom('jobs')
    .select([
      'id',
      'name',
      'status',
      'run_at',
      'attempts',
      'max_attempts',
      'locked_by',
      'last_error',
      'created_at',
      'started_at',
      'finished_at',
      'updated_at',
    ]);
  if (options.status) query = query.where('status', '=', options.status);
  const items = await query
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .offset(options.offset ?? 0)
    .execute();
  let count = db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'));
  if (options.status) count = count.where('status', '=', options.status);
  const { n } = await count.executeTakeFirstOrThrow();
  return { items, total: Number(n) };
}

export async function recentFailures(db: Db, limit = 20) {
  return db
    .selectFrom('job_failures')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function listSchedules(db: Db) {
  return db
    .selectFrom('job_schedules')
    .leftJoin('jobs', 'jobs.id', 'job_schedules.last_job_id')
    .select([
      'job_schedules.name',
      'job_schedules.job',
      'job_schedules.every_ms',
      'job_schedules.next_run_at',
      'job_schedules.last_enqueued_at',
      'jobs.status as last_status',
    ])
    .orderBy('job_schedules.name')
    .execute();
}

export async function findJob(db: Db, id: string) {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function failuresOf(db: Db, jobId: string) {
  return db
    .selectFrom('job_failures')
    .selectAll()
    .where('job_id', '=', jobId)
    .orderBy('at', 'desc')
    .execute();
}

/** Gives a dead job a fresh set of attempts, due now. False when the job is not dead. */
export async function retryDeadJob(db: Db, now: Date, id: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: 'queued',
      attempts: 0,
      run_at: now,
      finished_at: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
