import { spawn } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { openDatabase } from './database.ts';

/**
 * Backups: pg_dump's custom format for a PostgreSQL server; for the embedded database, PGlite's
 * own data-directory dump (a gzipped tarball). Restore is the reverse. Both round trips keep every
 * table's row count and content checksum (see `fingerprint`).
 */

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

export async function backupPostgres(databaseUrl: string, file: string): Promise<void> {
  await run('pg_dump', [
    '--format=custom',
    '--no-owner',
    '--no-privileges',
    `--file=${file}`,
    `--dbname=${databaseUrl}`,
  ]);
}

export async function restorePostgres(databaseUrl: string, file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`No backup file at ${file}.`);
  // --single-transaction: the restore happens whole or not at all.
  await run('pg_restore', [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    `--dbname=${databaseUrl}`,
    file,
  ]);
}

export async function backupPglite(dataDir: string, file: string): Promise<void> {
  if (!existsSync(join(dataDir, 'pgdata'))) throw new Error(`No embedded database in ${dataDir}.`);
  const handle = await openDatabase({ dataDir });
  try {
    await handle.dump(file);
  } finally {
    await handle.close();
  }
}

/** Replaces the embedded database with the backup; the previous one is kept beside it. */
export async function restorePglite(dataDir: string, file: string): Promise<string | null> {
  if (!existsSync(file)) throw new Error(`No backup file at ${file}.`);
  // Opening first takes the lock: a running server makes this fail before anything moves.
  const probe = await openDatabase({ dataDir });
  await probe.close();
  const current = join(dataDir, 'pgdata');
  const kept = existsSync(current) ? `${current}.before-restore-${Date.now()}` : null;
  if (kept) renameSync(current, kept);
  try {
    const handle = await openDatabase({ dataDir, loadFrom: file });
    await handle.close();
  } catch (error) {
    if (kept) renameSync(kept, current);
    throw error;
  }
  return kept;
}

/** Row count and content checksum of every table, to prove a round trip lost nothing. */
export async function fingerprint(db: Db): Promise<Record<string, { rows: number; md5: string }>> {
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(
    db,
  );
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables.rows) {
    const ident = sql.id(name);
    const { rows } = await sql<{ rows: number; md5: string | null }>`
      SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM ${ident} t`.execute(
      db,
    );
    out[name] = { rows: Number(rows[0]!.rows), md5: rows[0]!.md5 ?? '' };
  }
  return out;
}
