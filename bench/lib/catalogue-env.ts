/**
 * A throw-away database with the platform's dependencies around it, for the catalogue benchmarks:
 * in-memory PGlite, or a fresh database on the PostgreSQL server at `postgresUrl`.
 */
import { benchDeps } from './deps.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { systemContext, type Deps, type ServiceContext } from '../../src/platform/context.ts';

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
  const deps = benchDeps(database);
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
