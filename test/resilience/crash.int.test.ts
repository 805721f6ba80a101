import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../helpers/db.ts';
import { ownDatabase, runCrashCycles, type CrashResult } from '../helpers/crash-cycles.ts';

/**
 * A few crash cycles (the full run is `npm run bench -- crash`): server processes killed with
 * SIGKILL while clients write with an Idempotency-Key; every acknowledged write is stored once.
 */
describe.each(databaseKinds())('crash cycles on %s', (kind) => {
  const expectSafe = (result: CrashResult) => {
    expect(result.writes).toBeGreaterThan(0);
    expect(result.acknowledged).toBeGreaterThan(0);
    // The kills did land mid-write: some writes had to be retried.
    expect(result.retries).toBeGreaterThan(0);
    expect(result.missing).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.strays).toEqual([]);
    expect(result.unresolved).toBe(0);
    expect(result.found).toBe(result.acknowledged + result.confirmedApplied);
  };

  it(
    'keeps every acknowledged write exactly once through five kills',
    { timeout: 600_000 },
    async () => {
      if (kind === 'postgres') {
        const own = await ownDatabase(
          process.env.TEST_DATABASE_URL!,
          `cc_crash_${randomBytes(4).toString('hex')}`,
        );
        try {
          // Every second cycle also cuts the database connection before the kill.
          const result = await runCrashCycles({
            env: { DATABASE_URL: own.url },
            cycles: 5,
            cutEvery: 2,
            clients: 4,
          });
          expect(result.cuts).toBe(2);
          expectSafe(result);
        } finally {
          await own.drop();
        }
      } else {
        // The PGlite data directory dies with the process; it must open again with its data.
        const dir = mkdtempSync(join(tmpdir(), 'cc-crash-'));
        try {
          expectSafe(await runCrashCycles({ env: { DATA_DIR: dir }, cycles: 5, clients: 4 }));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  );
});
