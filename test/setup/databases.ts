/**
 * Migrates a template database once per run and hands its name to every test file, which then
 * copies it: a tarball loaded into a fresh in-memory PGlite, or CREATE DATABASE … TEMPLATE on
 * PostgreSQL (when TEST_DATABASE_URL is set). Copies are cheap; migrating per file is not.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    databaseNamespace: string;
  }
}

const ROOT = new URL('../../', import.meta.url).pathname;
/** Databases are named per checkout, so that two checkouts testing on one server never collide. */
export const NAMESPACE = createHash('sha256').update(ROOT).digest('hex').slice(0, 6);

function migrationsHash(): string {
  const hash = createHash('sha256');
  const dirs = ['src/db/migrations', 'src/modules/reference/sources'];
  for (const dir of dirs) {
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      hash.update(file).update(readFileSync(join(ROOT, dir, file)));
    }
  }
  hash.update(readFileSync(join(ROOT, 'src/modules/reference/taxonomies.ts')));
  return hash.digest('hex').slice(0, 12);
}

async function pgliteTemplate(hash: string): Promise<string> {
  const dir = join(ROOT, '.tmp/templates');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pglite-${hash}.tgz`);
  if (existsSync(file)) return file;
  const handle = await openDatabase({ dataDir: null });
  try {
    await migrateToLatest(handle.db);
    await handle.dump(`${file}.part`);
    renameSync(`${file}.part`, file);
  } finally {
    await handle.close();
  }
  return file;
}

export function adminUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function postgresTemplate(url: string, hash: string): Promise<string> {
  const name = `cc_tmpl_${NAMESPACE}_${hash}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Leftovers of earlier runs: old templates and test copies.
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE (datname LIKE $2 AND datname <> $1) OR datname LIKE $3`,
      [name, `cc_tmpl_${NAMESPACE}_%`, `cc_test_${NAMESPACE}_%`],
    );
    for (const row of stale.rows)
      await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return name;
    await admin.query(`CREATE DATABASE "${name}_part"`);
    const handle = await openDatabase({ databaseUrl: adminUrl(url, `${name}_part`), poolSize: 1 });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    await admin.query(`ALTER DATABASE "${name}_part" RENAME TO "${name}"`);
    return name;
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const hash = migrationsHash();
  project.provide('databaseNamespace', NAMESPACE);
  project.provide('pgliteTemplate', await pgliteTemplate(hash));
  const url = process.env.TEST_DATABASE_URL;
  project.provide('postgresTemplate', url ? await postgresTemplate(url, hash) : null);
}
