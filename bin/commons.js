#!/usr/bin/env node
// The `commons` command. The project brings Node 24 in node_modules (the `node` package); when an
// older system Node starts this file, hand over to the project's own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Signals a service manager or a terminal sends to stop the command. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const own = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(own)) {
    console.error(
      `Capacity Commons needs Node 24 or later (this is ${process.version}); run npm install first.`,
    );
    process.exit(2);
  }
  // Not spawnSync: a blocked parent cannot pass on the SIGTERM that systemd or Docker sends it, and
  // would die leaving the server running. The server shuts down gracefully on the forwarded signal
  // (a second one, as Ctrl-C also reaches it directly, changes nothing) and its exit code is ours.
  const child = spawn(own, process.argv.slice(1), { stdio: 'inherit' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`Could not start ${own}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Killed by a signal: die of the same one, so that whoever started us sees what happened.
      for (const s of STOP_SIGNALS) process.removeListener(s, forward);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../src/cli/index.ts');
  process.exitCode = await run(process.argv.slice(2));
}
