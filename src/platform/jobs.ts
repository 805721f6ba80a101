/**
 * Background jobs kept in PostgreSQL (a server or embedded PGlite alike). pg-boss and
 * graphile-worker need a server's advisory locks, LISTEN and separate connections, which the
 * embedded database's single connection cannot give, so the queue is a table:
 *
 * - a worker claims one due job at a time with `FOR UPDATE SKIP LOCKED` and holds a lease
 *   (`locked_until`) that it renews while the handler runs; two workers never run one job;
 * - a failed run is retried after an exponential back-off, and is dead after `max_attempts`;
 * - a job whose worker stopped (crash, kill) is found by its expired lease and queued again;
 * - a handler can mark its job done inside its own transaction (`job.complete(trx)`), so that its
 *   effects and its completion commit together; effects outside the database (mail) use keys.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Deps, ServiceContext } from './context.ts';
import { systemContext } from './context.ts';
import { newId } from './ids.ts';
import type { JobHandler, JobInfo, JobSchedule, ModuleDefinition } from './module.ts';
import type { JobsTable } from './jobs.table.ts';
import type { Selectable } from 'kysely';

export type JobRow = Selectable<JobsTable>;

export const JOB_DEFAULTS = {
  maxAttempts: 5,
  /** How long a claim holds before another worker may take the job over. */
  leaseMs: 5 * 60 * 1000,
  /** First retry after 30 s, then 1, 2, 4… minutes, at most 6 hours. */
  backoffBaseMs: 30 * 1000,
  backoffMaxMs: 6 * 60 * 60 * 1000,
  pollMs: 5000,
  /** Finished jobs are kept this long for the admin page, then pruned. */
  keepDoneMs: 14 * 24 * 60 * 60 * 1000,
  keepDeadMs: 90 * 24 * 60 * 60 * 1000,
} as const;

/** The bus channel that wakes idle workers when a job is enqueued. */
export const JOBS_CHANNEL = 'jobs';

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

/** "30s", "15m", "1h", "1d", "1w" or milliseconds → milliseconds (at least one second). */
export function parseEvery(every: string | number): number {
  if (typeof every === 'number') {
    if (!Number.isInteger(every) || every < 1000) {
      throw new Error(`a schedule interval must be a whole number of ms ≥ 1000, got ${every}`);
    }
    return every;
  }
  const match = /^\s*(\d+)\s*([smhdw])\s*$/.exec(every);
  if (!match) throw new Error(`bad schedule interval "${every}" (use e.g. 30s, 15m, 1h, 1d, 1w)`);
  return parseEvery(Number(match[1]) * UNITS[match[2]!]!);
}

/**
 * The wait before retry number `attempt` (1 after the first failure): base · 2^(attempt−1),
 * capped. Deterministic, so that tests and the admin page can say when the next try comes.
 */
export function backoffMs(
  attempt: number,
  base: number = JOB_DEFAULTS.backoffBaseMs,
  max: number = JOB_DEFAULTS.backoffMaxMs,
): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

/** The start of the next slot after `now` for an interval (slots are aligned to the epoch, UTC). */
export function nextSlot(now: Date, everyMs: number): Date {
  return new Date((Math.floor(now.getTime() / everyMs) + 1) * everyMs);
}

export interface EnqueueOptions {
  /** When it is due (now by default). */
  runAt?: Date;
  /** Enqueue at most once per key, ever: a second enqueue with the key returns null. */
  key?: string;
  maxAttempts?: number;
}

/**
 * Enqueues a job with the caller's executor: inside a transaction, the job exists only if that
 * transaction commits. Returns its id, or null when `key` was used already.
 */
export async function enqueueJob(
  executor: Db,
  now: Date,
  name: string,
  payload: unknown = null,
  options: EnqueueOptions = {},
): Promise<string | null> {
  const id = newId();
  const row = await executor
    .insertInto('jobs')
    .values({
      id,
      name,
      payload: JSON.stringify(payload ?? null),
      run_at: options.runAt ?? now,
      max_attempts: options.maxAttempts ?? JOB_DEFAULTS.maxAttempts,
      unique_key: options.key ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface JobRegistry {
  handlers: Record<string, JobHandler>;
  schedules: JobSchedule[];
}

/** Jobs of the platform itself: delivering mail left in the outbox, pruning old jobs. */
export const PLATFORM_JOBS: Record<string, JobHandler> = {
  'mail.deliver': async (ctx) => {
    // Messages whose first delivery failed (SMTP down) are retried here.
    for (let round = 0; round < 20; round++) {
      const { sent, kept, failed } = await ctx.mailer.deliverPending(ctx.db);
      if (sent + kept + failed === 0 || failed > 0) break;
    }
  },
  'jobs.prune': async (ctx) => {
    const now = ctx.clock.now().getTime();
    await ctx.db
      .deleteFrom('jobs')
      .where('status', '=', 'done')
      .where('finished_at', '<', new Date(now - JOB_DEFAULTS.keepDoneMs))
      .execute();
    await ctx.db
      .deleteFrom('jobs')
      .where('status', '=', 'dead')
      .where('finished_at', '<', new Date(now - JOB_DEFAULTS.keepDeadMs))
      .execute();
    await ctx.db
      .deleteFrom('job_failures')
      .where('at', '<', new Date(now - JOB_DEFAULTS.keepDeadMs))
      .execute();
  },
};

export const PLATFORM_SCHEDULES: JobSchedule[] = [
  { job: 'mail.deliver', every: '1m' },
  { job: 'jobs.prune', every: '1d' },
];

/** Every module's jobs and schedules plus the platform's; two handlers for one name is an error. */
export function collectJobs(modules: readonly ModuleDefinition[]): JobRegistry {
  const handlers: Record<string, JobHandler> = { ...PLATFORM_JOBS };
  const schedules: JobSchedule[] = [...PLATFORM_SCHEDULES];
  for (const module of modules) {
    for (const [name, handler] of Object.entries(module.jobs ?? {})) {
      if (handlers[name]) throw new Error(`two handlers for job "${name}" (${module.name})`);
      handlers[name] = handler;
    }
    schedules.push(...(module.schedules ?? []));
  }
  for (const schedule of schedules) {
    if (!handlers[schedule.job]) throw new Error(`schedule for unknown job "${schedule.job}"`);
    parseEvery(schedule.every);
  }
  return { handlers, schedules };
}

/** A schedule's row name: the job's name, and a digest of its payload when it has one. */
export function scheduleName(schedule: JobSchedule): string {
  if (schedule.payload === undefined || schedule.payload === null) return schedule.job;
  const json = JSON.stringify(schedule.payload);
  let hash = 0;
  for (let i = 0; i < json.length; i++) hash = (hash * 31 + json.charCodeAt(i)) >>> 0;
  return `${schedule.job}#${hash.toString(16)}`;
}

/** The job was taken over by another worker (its lease ran out): this run's results must go. */
export class JobLostError extends Error {
  constructor(id: string) {
    super(`job ${id} is no longer held by this worker`);
    this.name = 'JobLostError';
  }
}

export interface RunSummary {
  ran: number;
  done: number;
  /** Failed and queued again after a back-off. */
  retrying: number;
  /** Failed for the last allowed time. */
  dead: number;
  /** Taken over by another worker while running. */
  lost: number;
  failures: Array<{ id: string; name: string; attempt: number; error: string }>;
}

export interface RunnerOptions {
  /** Names this worker in the jobs table (host:pid:random by default). */
  workerId?: string;
  leaseMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Jobs run side by side by one worker (1 on the embedded database: one connection). */
  concurrency?: number;
}

function describeError(error: unknown): string {
  if (error instanceof Error)
    return (error.stack ?? `${error.name}: ${error.message}`).slice(0, 4000);
  return String(error).slice(0, 4000);
}

/**
 * Runs due jobs: once (`runDue`, for `commons jobs run` and tests) or in a loop in the server
 * process (`start`/`stop`). Handlers get a system context; their effects go through services.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly concurrency: number;
  private synced = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly registry: JobRegistry,
    options: RunnerOptions = {},
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? JOB_DEFAULTS.leaseMs;
    this.backoffBaseMs = options.backoffBaseMs ?? JOB_DEFAULTS.backoffBaseMs;
    this.backoffMaxMs = options.backoffMaxMs ?? JOB_DEFAULTS.backoffMaxMs;
    this.concurrency = deps.dbKind === 'pglite' ? 1 : Math.max(1, options.concurrency ?? 1);
  }

  private get db(): Db {
    return this.deps.db;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  /** Writes the registry's schedules to job_schedules (new ones are due at once). */
  async syncSchedules(): Promise<void> {
    const now = this.now();
    for (const schedule of this.registry.schedules) {
      const everyMs = parseEvery(schedule.every);
      const payload = JSON.stringify(schedule.payload ?? null);
      await this.db
        .insertInto('job_schedules')
        .values({
          name: scheduleName(schedule),
          job: schedule.job,
          every_ms: everyMs,
          payload,
          next_run_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ every_ms: everyMs, payload, job: schedule.job, updated_at: now })
            .where('job_schedules.every_ms', '<>', everyMs),
        )
        .execute();
    }
    this.synced = true;
  }

  /**
   * Enqueues a job for every schedule that is due, and moves it to its next slot, under a row
   * lock: however many processes look at once, one enqueues. A slot whose previous job has not
   * finished yet is skipped rather than piled up.
   */
  async enqueueDueSchedules(): Promise<number> {
    const names = this.registry.schedules.map(scheduleName);
    if (names.length === 0) return 0;
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('job_schedules')
        .selectAll()
        .where('name', 'in', names)
        .where('next_run_at', '<=', now)
        .forUpdate()
        .skipLocked()
        .execute();
      let enqueued = 0;
      for (const schedule of due) {
        const previous = schedule.last_job_id
          ? await trx
              .selectFrom('jobs')
              .select('status')
              .where('id', '=', schedule.last_job_id)
              .executeTakeFirst()
          : undefined;
        let jobId = schedule.last_job_id;
        if (!previous || previous.status === 'done' || previous.status === 'dead') {
          jobId = await enqueueJob(trx, now, schedule.job, schedule.payload, {
            key: `schedule:${schedule.name}:${schedule.next_run_at.toISOString()}`,
          });
          if (jobId) enqueued++;
        }
        await trx
          .updateTable('job_schedules')
          .set({
            next_run_at: nextSlot(now, Number(schedule.every_ms)),
            last_enqueued_at: jobId !== schedule.last_job_id ? now : schedule.last_enqueued_at,
            last_job_id: jobId ?? schedule.last_job_id,
            updated_at: now,
          })
          .where('name', '=', schedule.name)
          .execute();
      }
      return enqueued;
    });
  }

  /** Jobs whose worker stopped (lease ran out) go back to the queue, or die if out of attempts. */
  async recoverExpired(): Promise<number> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('jobs')
        .select(['id', 'name', 'attempts', 'max_attempts', 'locked_by'])
        .where('status', '=', 'running')
        .where('locked_until', '<', now)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const job of expired) {
        const message = `The worker running attempt ${job.attempts} (${job.locked_by ?? '?'}) stopped before finishing: its lease ran out.`;
        const dead = job.attempts >= job.max_attempts;
        await trx
          .updateTable('jobs')
          .set({
            status: dead ? 'dead' : 'queued',
            run_at: now,
            claim_token: null,
            locked_by: null,
            locked_until: null,
            last_error: message,
            finished_at: dead ? now : null,
            updated_at: now,
          })
          .where('id', '=', job.id)
          .execute();
        await trx
          .insertInto('job_failures')
          .values({
            id: newId(),
            job_id: job.id,
            job_name: job.name,
            attempt: job.attempts,
            error: message,
            at: now,
          })
          .execute();
      }
      return expired.length;
    });
  }

  /** Claims the next due job this worker has a handler for, or null. */
  async claim(): Promise<JobRow | null> {
    const names = Object.keys(this.registry.handlers);
    const now = this.now();
    const row = await this.db
      .updateTable('jobs')
      .set({
        status: 'running',
        attempts: sql<number>`attempts + 1`,
        claim_token: randomUUID(),
        locked_by: this.workerId,
        locked_until: new Date(now.getTime() + this.leaseMs),
        started_at: now,
        updated_at: now,
      })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'queued')
          .where('run_at', '<=', now)
          .where('name', 'in', names)
          .orderBy('run_at')
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Marks a claimed job done, if this worker still holds it. */
  private async markDone(executor: Db, job: JobRow): Promise<void> {
    const now = this.now();
    const result = await executor
      .updateTable('jobs')
      .set({
        status: 'done',
        finished_at: now,
        locked_until: null,
        updated_at: now,
      })
      .where('id', '=', job.id)
      .where('claim_token', '=', job.claim_token)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new JobLostError(job.id);
  }

  private async completedByThisClaim(job: JobRow): Promise<boolean> {
    const row = await this.db
      .selectFrom('jobs')
      .select(['status', 'claim_token'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    return row?.status === 'done' && row.claim_token === job.claim_token;
  }

  private async markFailed(job: JobRow, error: unknown): Promise<'retrying' | 'dead' | 'lost'> {
    const now = this.now();
    const message = describeError(error);
    const dead = job.attempts >= job.max_attempts;
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set({
          status: dead ? 'dead' : 'queued',
          run_at: dead
            ? now
            : new Date(
                now.getTime() + backoffMs(job.attempts, this.backoffBaseMs, this.backoffMaxMs),
              ),
          claim_token: null,
          locked_by: null,
          locked_until: null,
          last_error: message,
          finished_at: dead ? now : null,
          updated_at: now,
        })
        .where('id', '=', job.id)
        .where('claim_token', '=', job.claim_token)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 'lost';
      await trx
        .insertInto('job_failures')
        .values({
          id: newId(),
          job_id: job.id,
          job_name: job.name,
          attempt: job.attempts,
          error: message,
          at: now,
        })
        .execute();
      return dead ? 'dead' : 'retrying';
    });
  }

  /** Runs one claimed job to its end: done, retrying, dead or lost. */
  async execute(job: JobRow, summary: RunSummary = emptySummary()): Promise<RunSummary> {
    const handler = this.registry.handlers[job.name];
    summary.ran++;
    const info: JobInfo = {
      id: job.id,
      name: job.name,
      attempt: job.attempts,
      maxAttempts: job.max_attempts,
      complete: (executor) => this.markDone(executor, job),
    };
    // Renew the lease while the handler runs, so that a long job is not taken for a dead one.
    const heartbeat = setInterval(
      () => {
        const now = this.now();
        void this.db
          .updateTable('jobs')
          .set({ locked_until: new Date(now.getTime() + this.leaseMs), updated_at: now })
          .where('id', '=', job.id)
          .where('claim_token', '=', job.claim_token)
          .where('status', '=', 'running')
          .execute()
          .catch((error: unknown) => this.deps.log.warn({ err: error, job: job.id }, 'lease'));
      },
      Math.max(1000, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    const ctx: ServiceContext = { ...systemContext(this.deps), requestId: `job:${job.id}` };
    try {
      if (!handler) throw new Error(`no handler for job "${job.name}"`);
      await handler(ctx, job.payload, info);
      try {
        await this.markDone(this.db, job);
      } catch (error) {
        // Already done by the handler's own transaction (job.complete), or taken over.
        if (!(error instanceof JobLostError) || !(await this.completedByThisClaim(job)))
          throw error;
      }
      summary.done++;
      this.deps.log.debug({ job: job.id, name: job.name }, 'job done');
    } catch (error) {
      let outcome: 'done' | 'retrying' | 'dead' | 'lost' =
        error instanceof JobLostError ? 'lost' : await this.markFailed(job, error);
      // A transaction that completed the job committed before the handler failed: it is done.
      if (outcome === 'lost' && (await this.completedByThisClaim(job))) outcome = 'done';
      summary[outcome]++;
      if (outcome === 'retrying' || outcome === 'dead') {
        summary.failures.push({
          id: job.id,
          name: job.name,
          attempt: job.attempts,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      this.deps.log.warn({ err: error, job: job.id, name: job.name, outcome }, 'job failed');
    } finally {
      clearInterval(heartbeat);
    }
    return summary;
  }

  /**
   * One pass: enqueue due schedules, recover abandoned jobs, then run due jobs until none is left
   * (or `limit` have run). Jobs that become due later (retries) wait for the next pass.
   */
  async runDue(options: { limit?: number } = {}): Promise<RunSummary> {
    const limit = options.limit ?? 1000;
    if (!this.synced) await this.syncSchedules();
    await this.enqueueDueSchedules();
    await this.recoverExpired();
    const summary = emptySummary();
    const lane = async () => {
      while (!this.stopping && summary.ran < limit) {
        const job = await this.claim();
        if (!job) return;
        await this.execute(job, summary);
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, lane));
    return summary;
  }

  /** Runs passes every `pollMs` (sooner when woken through the bus) until `stop`. */
  start(pollMs: number = JOB_DEFAULTS.pollMs): void {
    if (this.loop) return;
    this.stopping = false;
    this.unsubscribe = this.deps.bus.subscribe(JOBS_CHANNEL, () => this.wakeUp?.());
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          await this.runDue();
        } catch (error) {
          this.deps.log.error({ err: error }, 'job runner pass failed');
        }
        if (this.stopping) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    })();
  }

  /** Lets the job in hand finish, then stops the loop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }
}

export function emptySummary(): RunSummary {
  return { ran: 0, done: 0, retrying: 0, dead: 0, lost: 0, failures: [] };
}

/** Tells idle workers that a job was enqueued (call after the enqueuing transaction commits). */
export async function wakeWorkers(deps: Pick<Deps, 'bus'>): Promise<void> {
  await deps.bus.publish(JOBS_CHANNEL, '').catch(() => {});
}
