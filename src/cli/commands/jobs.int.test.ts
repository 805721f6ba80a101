import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp.ts';
import {
  createWidgetsTable,
  putWidget,
  widgetsModule,
} from '../../../test/fixtures/widgets-module.ts';
import { ManualClock } from '../../platform/clock.ts';
import { registerExtension, saveSearch } from '../../modules/awareness/index.ts';

const DAY = 24 * 60 * 60 * 1000;
const SECRET = 'test-secret-that-is-long-enough-0123456789';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `commons jobs run` (with the test module plugged in) against the test's database. */
function jobsRun(
  env: TestEnv | null,
  smtpUrl: string,
  args: string[] = [],
): { child: ChildProcess; exit: Promise<Exit> } {
  const { BASE_URL: _ignored, ...parentEnv } = process.env;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/jobs-run-child.ts', 'jobs', 'run', ...args],
    {
      env: {
        ...parentEnv,
        DATABASE_URL: env?.database.connectionString ?? 'postgres://127.0.0.1:1/none',
        SMTP_URL: smtpUrl,
        SESSION_SECRET: SECRET,
        BASE_URL: 'https://commons.example',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'cc-jobs-')),
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

describe('commons jobs run usage', () => {
  it('refuses bad usage with exit 2, before touching any database', async () => {
    const result = await jobsRun(null, 'smtp://127.0.0.1:1', ['--limit', 'many']).exit;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--limit must be a whole number');
  });
});

// A child process needs a database it can reach: PostgreSQL (the embedded one lives in this process).
describe.each(databaseKinds().filter((k) => k === 'postgres'))('commons jobs run on %s', (kind) => {
  let env: TestEnv;
  let sink: SmtpSink;
  let unregister: () => void;
  // The searches were saved yesterday; the child processes run on the real clock, today.
  const clock = new ManualClock(new Date(Date.now() - DAY));

  beforeAll(async () => {
    sink = await startSmtpSink();
    env = await createTestEnv(kind, { clock, config: { sessionSecret: SECRET } });
    await createWidgetsTable(env.deps.db);
    unregister = registerExtension(widgetsModule);
  });
  afterAll(async () => {
    unregister?.();
    await env?.close();
    await sink?.close();
  });

  it('killed half-way through a digest run and run again, sends every digest once', async () => {
    const readers: TestUser[] = [];
    for (let i = 0; i < 4; i++) {
      const user = await createTestUser(env, [], `Reader ${i}`);
      await saveSearch(env.ctx(user.actor), {
        kind: 'widgets',
        query: 'tag=kill',
        frequency: 'daily',
      });
      readers.push(user);
    }
    await putWidget(env.deps.db, {
      slug: 'kill-item',
      title: 'Capacity building in the Pacific',
      tag: 'kill',
      at: new Date(Date.now() - 60 * 60 * 1000),
    });

    // The first run is killed (SIGKILL) as it connects to send the second mail.
    let first: ReturnType<typeof jobsRun> | null = null;
    sink.onConnection = (n) => {
      if (n === 2) first?.child.kill('SIGKILL');
    };
    first = jobsRun(env, sink.url);
    const killed = await first.exit;
    expect(killed.signal).toBe('SIGKILL');
    expect(sink.messages).toHaveLength(1);
    sink.onConnection = undefined;

    // Time passes: the killed worker's leases run out.
    await sql`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE status = 'running'`.execute(
      env.deps.db,
    );
    await sql`UPDATE mail_outbox SET claimed_until = NULL WHERE status = 'pending'`.execute(
      env.deps.db,
    );

    const second = await jobsRun(env, sink.url).exit;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Ran \d+ job\(s\): \d+ done, 0 to retry, 0 dead\./);
    await sink.waitFor(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages).toHaveLength(4);
    for (const reader of readers) {
      const mails = sink.messages.filter((m) => JSON.stringify(m.to).includes(reader.email));
      expect(mails, reader.email).toHaveLength(1);
      expect(mails[0]!.text).toContain('Capacity building in the Pacific');
    }
    const digest = await env.deps.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('name', '=', 'awareness.send-digests')
      .executeTakeFirstOrThrow();
    expect(digest).toEqual({ status: 'done', attempts: 2 });
  });

  it('exits 1 and lists the failure when a job fails', async () => {
    const user = await createTestUser(env, [], 'Reader of a broken search');
    await saveSearch(env.ctx(user.actor), {
      kind: 'widgets',
      query: 'tag=explode',
      frequency: 'daily',
    });
    await sql`UPDATE job_schedules SET next_run_at = now() - interval '1 second'
      WHERE name = 'awareness.send-digests'`.execute(env.deps.db);
    const result = await jobsRun(env, sink.url).exit;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1 to retry/);
    expect(result.stderr).toContain('the widgets search is broken');
  });
});
