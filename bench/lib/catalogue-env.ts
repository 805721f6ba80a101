/**
 * A throw-away database with the platform's dependencies around it, for the catalogue benchmarks:
 * in-memory PGlite, or a fresh database on the PostgreSQL server at `postgresUrl`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { systemContext, type Deps, type ServiceContext } from '../../src/platform/context.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { inProcessBus } from '../../src/platform/bus.ts';

export interface BenchEnv {
  kind: DatabaseKind;
  database: DatabaseHandle;
  deps: Deps;
  ctx(): ServiceContext;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function openBenchEnv(kind: DatabaseKind, postgresUrl?: string): Promise<BenchEnv> {
  let database: DatabaseHandle;
  let drop = async () => {};
  if (kind === 'postgres') {
    if (!postgresUrl) throw new Error('A PostgreSQL URL is needed');
    const name = `cc_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    database = await openDatabase({ databaseUrl: withDatabase(postgresUrl, name), poolSize: 4 });
    drop = async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  } else {
    database = await openDatabase({ dataDir: null });
  }
  await migrateToLatest(database.db);
  const config = loadConfig({
    SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    DATA_DIR: '.tmp/bench-data',
    LOG_LEVEL: 'silent',
  });
  const deps: Deps = {
    config,
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    clock: systemClock,
    mailer: createMailer({ smtpUrl: null, from: config.mailFrom }),
    bus: inProcessBus(),
    log: pino({ level: 'silent' }),
  };
  return {
    kind,
    database,
    deps,
    ctx: () => systemContext(deps),
    async close() {
      deps.mailer.close();
      await deps.bus.close();
      await database.close();
      await drop();
    },
  };
}
