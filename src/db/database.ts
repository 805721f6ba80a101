import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { lockDataDir } from './lock.ts';
import { INSTANCE_NAME } from './instance.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  readonly kind: DatabaseKind;
  /** Writes and reads that must see them. */
  readonly db: Db;
  /** Reads that may lag a little: a replica when DATABASE_REPLICA_URL is set, else `db`. */
  readonly readDb: Db;
  /** A connection string a second client (LISTEN, pg_dump) can use. */
  readonly connectionString: string;
  /** Writes the embedded database to a gzipped tarball (PGlite only). */
  dump(file: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | null;
  replicaUrl?: string | null;
  /** Embedded mode: the data directory, or null for an in-memory database (tests). */
  dataDir?: string | null;
  /** Embedded mode: a dumpDataDir tarball to start from. */
  loadFrom?: string;
  /** Connections in the pool (PostgreSQL). */
  poolSize?: number;
  /** Told when the replica cannot be reached and reads go to the primary instead. */
  onReplicaDown?: (error: unknown) => void;
}

/** After the replica failed to connect, reads stay on the primary this long before it is tried again. */
export const REPLICA_RETRY_MS = 5000;
/**
 * A replica that does not accept a connection within this is treated as down (pg-pool also uses
 * it as the longest wait for a free connection).
 */
const REPLICA_CONNECT_TIMEOUT_MS = 1000;
const POOL_QUEUE_TIMEOUT = 'timeout exceeded when trying to connect';

// Counts come back as int8 and amounts as numeric; both fit a JS number for this platform's data.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
// Dates without time stay "YYYY-MM-DD" strings: no time-zone shift.
pg.types.setTypeParser(1082, (v) => v);

function kyselyOver(pool: PostgresPool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function poolFor(connectionString: string, max: number, connectTimeoutMs = 10_000): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: INSTANCE_NAME,
    // A query waiting longer than this for a connection is an error, not a silent hang.
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its server (restart, outage) must not crash the process: the query in flight
  // fails on its own, and the pool replaces the client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options);
}

/**
 * Connections from the replica, or from the primary while the replica cannot be reached: a
 * replica outage slows nothing down and fails no page, it only moves reads to the primary until
 * the replica answers again (tried every REPLICA_RETRY_MS). A replica that dies in the middle of a
 * query fails that query (503); the next one falls back.
 */
function replicaOrPrimary(
  replica: pg.Pool,
  primary: pg.Pool,
  onDown: (error: unknown) => void,
): PostgresPool {
  let downUntil = 0;
  return {
    options: replica.options,
    async connect(): Promise<PostgresPoolClient> {
      if (Date.now() >= downUntil) {
        try {
          return await replica.connect();
        } catch (error) {
          // Every replica connection busy for the whole wait (pg-pool's queue time-out): this
          // read goes to the primary, but the replica is busy, not down.
          if (!(error instanceof Error && error.message === POOL_QUEUE_TIMEOUT)) {
            downUntil = Date.now() + REPLICA_RETRY_MS;
            onDown(error);
          }
        }
      }
      return primary.connect();
    },
    // The primary's pool belongs to the primary's Kysely, which ends it.
    end: () => replica.end(),
  };
}

function openPostgres(url: string, options: OpenOptions): DatabaseHandle {
  const pool = poolFor(url, options.poolSize ?? 10);
  const db = kyselyOver(pool);
  const replica = options.replicaUrl
    ? kyselyOver(
        replicaOrPrimary(
          poolFor(options.replicaUrl, options.poolSize ?? 10, REPLICA_CONNECT_TIMEOUT_MS),
          pool,
          options.onReplicaDown ?? (() => {}),
        ),
      )
    : null;
  return {
    kind: 'postgres',
    db,
    readDb: replica ?? db,
    connectionString: url,
    dump: () => Promise.reject(new Error('dump is for the embedded database; use pg_dump')),
    async close() {
      await db.destroy();
      await replica?.destroy();
    },
  };
}

type WorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'dumped' }
  | { type: 'closed' }
  | { type: 'error'; message: string };

async function openPglite(options: OpenOptions): Promise<DatabaseHandle> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
    workerData: {
      dataDir: options.dataDir ? join(options.dataDir, 'pgdata') : 'memory://',
      loadFrom: options.loadFrom,
    },
  });
  const next = (): Promise<WorkerMessage> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        worker.off('error', onError);
        resolve(message);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  let ready: WorkerMessage;
  try {
    ready = await next();
  } catch (error) {
    release();
    throw error;
  }
  if (ready.type !== 'ready') {
    release();
    await worker.terminate();
    throw new Error(
      `The embedded database did not start: ${'message' in ready ? ready.message : ready.type}`,
    );
  }
  const connectionString = `postgres://postgres@127.0.0.1:${ready.port}/postgres?sslmode=disable`;
  // PGlite is one connection; a pool of one keeps every statement of a transaction together.
  const pool = poolFor(connectionString, 1);
  const db = kyselyOver(pool);
  let closed = false;
  return {
    kind: 'pglite',
    db,
    readDb: db,
    connectionString,
    async dump(file: string) {
      const done = next();
      worker.postMessage({ type: 'dump', file });
      const reply = await done;
      if (reply.type !== 'dumped') throw new Error(`dump failed: ${JSON.stringify(reply)}`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      const done = next().catch(() => undefined);
      worker.postMessage({ type: 'close' });
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
      release();
    },
  };
}
