import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, openTestDatabase } from '../../../test/helpers/db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { run } from '../index.ts';

/** Runs the CLI as `commons …` would, capturing what it prints. */
async function commons(...argv: string[]) {
  const out: string[] = [];
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    const code = await run(argv);
    return { code, output: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each(databaseKinds())('commons user add / grant on %s', (kind) => {
  let dir: string;
  let postgres: DatabaseHandle | null = null;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'commons-cli-'));
    process.env.SESSION_SECRET = 'cli-test-secret-that-is-long-enough-0123';
    process.env.LOG_LEVEL = 'silent';
    // Vitest sets BASE_URL to "/" (Vite's meaning); the platform reads it as the site's URL.
    delete process.env.BASE_URL;
    if (kind === 'postgres') {
      // A migrated copy of the template; the CLI reaches it through DATABASE_URL.
      postgres = await openTestDatabase('postgres');
      process.env.DATABASE_URL = postgres.connectionString;
    } else {
      delete process.env.DATABASE_URL;
      process.env.DATA_DIR = dir;
    }
  });
  afterAll(async () => {
    process.env = saved;
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a site administrator and grants scoped roles, with exit codes 0, 1 and 2', async () => {
    // Each command opens the database afresh; on-disk PGlite takes seconds to start, so the
    // failure cases run against PostgreSQL only.
    const full = kind === 'postgres';
    const added = await commons(
      'user',
      'add',
      '--email',
      'ops@example.org',
      '--name',
      'Ops Person',
      '--admin',
    );
    expect(added.code).toBe(0);
    expect(added.output).toMatch(
      /Created ops@example\.org \([0-9a-f-]{36}\) as site administrator/,
    );
    expect((await commons('user', 'add')).code).toBe(2);
    expect((await commons('user', 'add', '--email', 'a@b.org', '--bogus')).code).toBe(2);
    const grant = await commons(
      'user',
      'grant',
      '--email',
      'ops@example.org',
      '--role',
      'reviewer',
      '--event',
      'igf-2026',
    );
    expect(grant.code).toBe(0);
    expect(grant.output).toContain('Granted reviewer on event igf-2026');
    const twoScopes = await commons(
      'user',
      'grant',
      '--email',
      'ops@example.org',
      '--role',
      'editor',
      '--event',
      'a',
      '--process',
      'b',
    );
    expect(twoScopes.code).toBe(2);
    if (!full) return;

    const again = await commons('user', 'add', '--email', 'OPS@example.org');
    expect(again.code).toBe(1);
    expect(again.output).toContain('already exists');
    const bad = await commons('user', 'add', '--email', 'not an email');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('/email: Enter a valid email address');
    const twice = await commons(
      'user',
      'grant',
      '--email',
      'ops@example.org',
      '--role',
      'reviewer',
      '--event',
      'igf-2026',
    );
    expect(twice.output).toContain('already holds reviewer');
    const unknownRole = await commons(
      'user',
      'grant',
      '--email',
      'ops@example.org',
      '--role',
      'king',
    );
    expect(unknownRole.code).toBe(1);
    expect(unknownRole.output).toContain('Unknown role "king"');
    const unknownOrg = await commons(
      'user',
      'grant',
      '--email',
      'ops@example.org',
      '--role',
      'organisation-rep',
      '--organisation',
      'no-such-org',
    );
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.output).toContain('No organisation is called "no-such-org"');
    const unknownUser = await commons(
      'user',
      'grant',
      '--email',
      'nobody@example.org',
      '--role',
      'editor',
    );
    expect(unknownUser.code).toBe(1);
  });
});
