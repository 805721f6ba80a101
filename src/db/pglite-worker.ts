/**
 * Runs embedded PGlite in a worker thread behind a PostgreSQL wire-protocol socket, so that the
 * main thread reaches it with `pg` like any server and a slow query never blocks the event loop.
 *
 * Self-contained on purpose (only packages, erasable types): it is loaded by Node's own type
 * stripping as well as by tsx and Vitest.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readFile } from 'node:fs/promises';

interface WorkerInput {
  /** A data directory, or "memory://" for a throw-away database. */
  dataDir: string;
  /** A gzipped tarball from dumpDataDir to start from (test templates). */
  loadFrom?: string;
}

type Command = { type: 'close' } | { type: 'dump'; file: string };

const input = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('pglite-worker must run in a worker thread');

async function start(): Promise<void> {
  const loadDataDir = input.loadFrom
    ? new Blob([new Uint8Array(await readFile(input.loadFrom))])
    : undefined;
  const db = await PGlite.create({
    dataDir: input.dataDir,
    extensions: { pg_trgm, unaccent },
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  // Many sockets share the one PGlite connection; the server keeps a transaction's statements
  // together. The main thread uses a pool of one all the same (see database.ts).
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  const address = server.getServerConn();
  port!.postMessage({ type: 'ready', port: Number(address.split(':').pop()) });

  port!.on('message', async (command: Command) => {
    try {
      if (command.type === 'dump') {
        const blob = await db.dumpDataDir('gzip');
        const { writeFile } = await import('node:fs/promises');
        await writeFile(command.file, new Uint8Array(await blob.arrayBuffer()));
        port!.postMessage({ type: 'dumped' });
      } else if (command.type === 'close') {
        await server.stop();
        await db.close();
        port!.postMessage({ type: 'closed' });
      }
    } catch (error) {
      port!.postMessage({ type: 'error', message: String(error) });
    }
  });
}

start().catch((error: unknown) => {
  port.postMessage({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
  });
});
