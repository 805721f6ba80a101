import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { databaseKinds, openTestDatabase } from '../../test/helpers/db.ts';
import type { DatabaseHandle } from './database.ts';
import { lockDataDir, DataDirLockedError } from './lock.ts';
import { fromPgError } from './pg-errors.ts';
import { recordAudit } from '../platform/audit.ts';
import { systemContext } from '../platform/context.ts';
import { systemClock } from '../platform/clock.ts';

describe.each(databaseKinds())('database on %s', (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase(kind);
  });
  afterAll(async () => handle?.close());

  const ctx = () =>
    systemContext({
      db: handle.db,
      readDb: handle.readDb,
      dbKind: handle.kind,
      clock: systemClock,
    } as never);

  it('has pg_trgm and unaccent', async () => {
    const { rows } = await sql<{
      s: number;
      u: string;
    }>`SELECT similarity('cybercrime', 'cybercrme') AS s, unaccent('sécurité') AS u`.execute(
      handle.db,
    );
    expect(rows[0]!.s).toBeGreaterThan(0.5);
    expect(rows[0]!.u).toBe('securite');
  });

  it('refuses to rewrite the audit log: UPDATE, DELETE and TRUNCATE fail in the database', async () => {
    await recordAudit(handle.db, ctx(), {
      action: 'test.create',
      entityType: 'test',
      entityId: '1',
      after: { a: 1 },
    });
    const rows = await handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'test')
      .execute();
    expect(rows).toHaveLength(1);
    await expect(sql`UPDATE audit_log SET action = 'forged'`.execute(handle.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(handle.db)).rejects.toThrow(/append-only/);
    const after = await handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'test')
      .execute();
    expect(after).toEqual([{ action: 'test.create' }]);
  });

  it('maps constraint violations to errors a person understands', async () => {
    const unique = await handle.db
      .insertInto('languages')
      .values({ code: 'en', name: 'English', native_name: 'English', dir: 'ltr' })
      .execute()
      .catch((e: unknown) => e);
    expect(fromPgError(unique)?.code).toBe('conflict');
    const check = await handle.db
      .insertInto('languages')
      .values({ code: 'xx', name: 'X', native_name: 'X', dir: 'up' as never })
      .execute()
      .catch((e: unknown) => e);
    expect(fromPgError(check)?.code).toBe('validation');
    const denied = await sql`DELETE FROM audit_log`.execute(handle.db).catch((e: unknown) => e);
    expect(fromPgError(denied)?.code).toBe('forbidden');
  });

  it('rolls back a failed transaction whole', async () => {
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('meta')
          .values({ key: 'half', value: JSON.stringify(1) })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(
      await handle.db.selectFrom('meta').select('key').where('key', '=', 'half').executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('data directory lock', () => {
  it('refuses a second holder with a clear message, and frees the lock on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-lock-'));
    const release = lockDataDir(dir);
    // The lock names a live process (this one is excluded, so pretend with the parent).
    writeFileSync(join(dir, 'commons.lock'), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/in use by process/);
    release();
    const again = lockDataDir(dir);
    again();
  });

  it('takes over a stale lock left by a dead process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-lock-'));
    writeFileSync(join(dir, 'commons.lock'), '999999');
    const release = lockDataDir(dir);
    release();
  });
});
