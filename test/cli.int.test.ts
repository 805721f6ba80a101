import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The test runner's own variables (e.g. BASE_URL="/") are not the platform's configuration.
const { BASE_URL: _base, ...cleanEnv } = process.env;

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/commons.js', ...args], {
    encoding: 'utf8',
    env: { ...cleanEnv, LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });

/** A Node older than 24 on this machine (the system's), to start the command the way it hands over. */
function olderNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (Number(/^v(\d+)/.exec(version)?.[1] ?? 99) < 24) return candidate;
  }
  return null;
}

/** Starts `commons serve` with `node`; resolves once it listens. */
async function startServer(node: string, dir: string) {
  const server = spawn(node, ['bin/commons.js', 'serve', '--no-seed'], {
    env: { ...cleanEnv, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr.on('data', (d) => (output += String(d)));
  server.stdout.on('data', (d) => (output += String(d)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Leave nothing running behind a failed start (SIGTERM reaches the Node 24 child too).
      server.kill('SIGTERM');
      reject(new Error(`server did not start: ${output}`));
    }, 90_000);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    server.stdout.on('data', () => {
      if (output.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { server, output: () => output };
}

/** The processes `pid` started, with their command lines (from ps). */
function childrenOf(pid: number): Array<{ pid: number; command: string }> {
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ pid: Number(m[1]), command: m[2]! }));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('commons command line', () => {
  it('prints help with exit 0, and bad usage with exit 2', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('commons seed --demo');
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    const badFlag = run(['seed', '--nope']);
    expect(badFlag.status).toBe(2);
  });

  it('stops start-up on a bad environment value with one line naming it and exit 2', () => {
    const result = run(['serve'], {
      PORT: 'abc',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cc-cli-')),
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Configuration error: PORT: must be a whole number from 0 to 65535, got "abc"',
    ]);
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
    const first = spawn(process.execPath, ['bin/commons.js', 'serve', '--no-seed'], {
      env: { ...cleanEnv, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      first.stderr.on('data', (d) => (output += String(d)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`first server did not start: ${output}`)),
          30_000,
        );
        first.once('exit', (code) =>
          reject(new Error(`first server exited with ${code}: ${output}`)),
        );
        first.stdout.on('data', (d) => {
          if (String(d).includes('Server listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const second = run(['migrate'], { DATA_DIR: dir });
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/is in use by process \d+/);
    } finally {
      if (first.exitCode === null) {
        first.kill('SIGTERM');
        await new Promise((resolve) => first.once('exit', resolve));
      }
    }
    // After a graceful shutdown the lock is released.
    const after = run(['migrate'], { DATA_DIR: dir });
    expect(after.status).toBe(0);
  });

  const older = olderNode();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it.skipIf(!older)(
      `started by an older Node, passes ${signal} on to the Node 24 server, which shuts down gracefully; exit 0`,
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
        const { server, output } = await startServer(older!, dir);
        // The server runs in a child process under the project's Node 24.
        const [child] = childrenOf(server.pid!);
        expect(child?.command).toContain('node_modules/.bin/node');
        expect(alive(child!.pid)).toBe(true);
        const exited = new Promise<[number | null, string | null]>((resolve) =>
          server.once('exit', (code, sig) => resolve([code, sig])),
        );
        server.kill(signal);
        expect(await exited).toEqual([0, null]);
        expect(output()).toContain('shutting down: finishing in-flight requests');
        expect(alive(child!.pid)).toBe(false);
        // The graceful shutdown released the data directory's lock.
        expect(run(['migrate'], { DATA_DIR: dir }).status).toBe(0);
      },
      180_000,
    );
  }
});
