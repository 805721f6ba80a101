#!/usr/bin/env node
// The `commons` command. The project brings Node 24 in node_modules (the `node` package); when an
// older system Node starts this file, hand over to the project's own.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const own = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(own)) {
    console.error(
      `Capacity Commons needs Node 24 or later (this is ${process.version}); run npm install first.`,
    );
    process.exit(2);
  }
  const result = spawnSync(own, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
const { run } = await import('../src/cli/index.ts');
process.exitCode = await run(process.argv.slice(2));
