import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid } from '../../platform/ids.ts';
import {
  failuresOf,
  findJob,
  jobCounts,
  JOB_STATUSES,
  listJobs,
  listSchedules,
  recentFailures,
  retryDeadJob,
} from '../../platform/jobs-admin.ts';
import type { JobStatus } from '../../platform/jobs.table.ts';
import { authorize } from '../accounts/index.ts';

export const PAGE_SIZE = 50;

/** The jobs admin page: counts, schedules, recent failures, and one page of jobs. */
export async function jobsOverview(
  ctx: ServiceContext,
  options: { status?: string; page?: number } = {},
) {
  authorize(ctx, 'jobs.manage');
  const status = (JOB_STATUSES as readonly string[]).includes(options.status ?? '')
    ? (options.status as JobStatus)
    : undefined;
  const page = Math.max(1, options.page ?? 1);
  const [counts, schedules, failures, jobs] = await Promise.all([
    jobCounts(ctx.db),
    listSchedules(ctx.db),
    recentFailures(ctx.db, 20),
    listJobs(ctx.db, { status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
  ]);
  return { counts, schedules, failures, jobs, status: status ?? null, page };
}

export async function jobDetail(ctx: ServiceContext, id: string) {
  authorize(ctx, 'jobs.manage');
  if (!isUuid(id)) throw AppError.notFound('The job');
  const job = await findJob(ctx.db, id);
  if (!job) throw AppError.notFound('The job');
  return { job, failures: await failuresOf(ctx.db, id) };
}

/** Gives a dead job a fresh set of attempts. */
export async function retryJob(ctx: ServiceContext, id: string): Promise<void> {
  authorize(ctx, 'jobs.manage');
  if (!isUuid(id)) throw AppError.notFound('The job');
  await ctx.db.transaction().execute(async (trx) => {
    const job = await findJob(trx, id);
    if (!job) throw AppError.notFound('The job');
    if (!(await retryDeadJob(trx, ctx.clock.now(), id))) {
      throw new AppError('conflict', 'Only a dead job can be retried.');
    }
    await recordAudit(trx, ctx, {
      action: 'job.retry',
      entityType: 'job',
      entityId: id,
      before: { status: job.status, attempts: job.attempts },
      after: { status: 'queued', attempts: 0 },
    });
  });
}
