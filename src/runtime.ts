import type { Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Deps } from './platform/context.ts';
import { systemContext } from './platform/context.ts';
import { createMailer } from './platform/mailer.ts';
import { inProcessBus, postgresBus } from './platform/bus.ts';
import { createLogger } from './platform/log.ts';
import { MODULES } from './modules/registry.ts';
import { collectJobs, JobRunner } from './platform/jobs.ts';
import { sql } from 'kysely';

export interface Runtime {
  deps: Deps;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database, migrates it and wires the long-lived dependencies. */
export async function startRuntime(
  config: Config,
  options: { clock?: Clock; migrate?: boolean } = {},
): Promise<Runtime> {
  const log = createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    replicaUrl: config.databaseReplicaUrl,
    dataDir: config.databaseUrl ? null : config.dataDir,
    onReplicaDown: (err) =>
      log.warn({ err }, 'read replica unreachable: reading from the primary for a while'),
  });
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const bus =
    database.kind === 'postgres'
      ? postgresBus(database.connectionString, (e) => log.warn({ err: e }, 'bus'))
      : inProcessBus();
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const deps: Deps = {
    config,
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    clock: options.clock ?? systemClock,
    mailer,
    bus,
    log,
  };
  return {
    deps,
    database,
    async close() {
      mailer.close();
      await bus.close();
      await database.close();
    },
  };
}

export async function isDemoSeeded(deps: Deps): Promise<boolean> {
  const row = await deps.db
    .selectFrom('meta')
    .select('key')
    .where('key', '=', 'demo_seeded')
    .executeTakeFirst();
  return !!row;
}

/** Seeds every module's demo data, in registry order, once. */
export async function seedDemo(deps: Deps): Promise<void> {
  if (await isDemoSeeded(deps)) return;
  const ctx = systemContext(deps);
  for (const module of MODULES) {
    if (module.seedDemo) {
      deps.log.info({ module: module.name }, 'seeding demo data');
      await module.seedDemo(ctx);
    }
  }
  for (const module of MODULES) if (module.seedDemoLinks) await module.seedDemoLinks(ctx);
  await deps.db
    .insertInto('meta')
    .values({ key: 'demo_seeded', value: JSON.stringify({ at: new Date().toISOString() }) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  await sql`ANALYZE`.execute(deps.db);
}

/**
 * Starts every module's warm-up in the background, one after the other; a failure is logged
 * (the work is then done on first use instead).
 */
export function warmUp(deps: Deps): Promise<void> {
  const ctx = systemContext(deps);
  return (async () => {
    for (const module of MODULES) {
      if (!module.warmUp) continue;
      const started = performance.now();
      try {
        await module.warmUp(ctx);
        deps.log.info(
          { module: module.name, ms: Math.round(performance.now() - started) },
          'warmed up',
        );
      } catch (error) {
        deps.log.warn({ module: module.name, err: error }, 'warm-up failed');
      }
    }
  })();
}

/** A job runner over every module's jobs and schedules (see platform/jobs.ts). */
export function jobRunner(deps: Deps): JobRunner {
  return new JobRunner(deps, collectJobs(MODULES), {
    concurrency: deps.dbKind === 'postgres' ? 2 : 1,
  });
}
