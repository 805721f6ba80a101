import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import {
  backupPglite,
  backupPostgres,
  fingerprint,
  restorePglite,
  restorePostgres,
} from './backup.ts';

async function write(db: Parameters<typeof fingerprint>[0], key: string) {
  await sql`INSERT INTO meta (key, value) VALUES (${key}, ${JSON.stringify({ note: 'é 中 ع' })}::jsonb)`.execute(
    db,
  );
}

describe('backup and restore', () => {
  it('round-trips the embedded database: every table keeps its rows and checksum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-backup-'));
    const file = join(dir, 'backup.tgz');
    let handle = await openDatabase({ dataDir: dir });
    await migrateToLatest(handle.db);
    await write(handle.db, 'before');
    const before = await fingerprint(handle.db);
    await handle.close();

    await backupPglite(dir, file);
    handle = await openDatabase({ dataDir: dir });
    await write(handle.db, 'after-backup');
    expect(await fingerprint(handle.db)).not.toEqual(before);
    // A running owner of the directory blocks the restore.
    await expect(restorePglite(dir, file)).rejects.toThrow(/in use/);
    await handle.close();

    const kept = await restorePglite(dir, file);
    expect(kept).toMatch(/before-restore/);
    handle = await openDatabase({ dataDir: dir });
    expect(await fingerprint(handle.db)).toEqual(before);
    await handle.close();
  });

  it.runIf(!!inject('postgresTemplate'))(
    'round-trips a PostgreSQL database with pg_dump and pg_restore',
    async () => {
      const url = process.env.TEST_DATABASE_URL!;
      const name = `cc_test_${inject('databaseNamespace')}_bk${Date.now()}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('postgresTemplate')}"`);
      const target = new URL(url);
      target.pathname = `/${name}`;
      const dbUrl = target.toString();
      const file = join(mkdtempSync(join(tmpdir(), 'cc-backup-')), 'backup.dump');
      try {
        let handle = await openDatabase({ databaseUrl: dbUrl, poolSize: 1 });
        await write(handle.db, 'before');
        const before = await fingerprint(handle.db);
        await backupPostgres(dbUrl, file);
        await write(handle.db, 'after-backup');
        await handle.close();
        await restorePostgres(dbUrl, file);
        handle = await openDatabase({ databaseUrl: dbUrl, poolSize: 1 });
        expect(await fingerprint(handle.db)).toEqual(before);
        await handle.close();
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    },
  );
});
