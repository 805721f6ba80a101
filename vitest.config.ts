import { defineConfig } from 'vitest/config';

const int = ['src/**/*.int.test.{ts,tsx}', 'test/**/*.int.test.{ts,tsx}'];
const e2e = ['test/e2e/**/*.e2e.test.{ts,tsx}'];

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // Vite sets BASE_URL="/" for its own use; spawned servers must not take it for theirs.
    env: { BASE_URL: '' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Some unit files read the whole source tree (the catalogue check); a loaded machine is slow.
          testTimeout: 30_000,
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          exclude: [...int, ...e2e, 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: int,
          globalSetup: ['test/setup/databases.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own databases; two cores run two files at a time.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: e2e,
          globalSetup: ['test/setup/databases.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
