import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
});
