import { EXIT, UsageError, type Command } from './command.ts';
import { serve } from './commands/serve.ts';
import { migrate } from './commands/migrate.ts';
import { seed } from './commands/seed.ts';
import { backup, restore } from './commands/backup.ts';
import { jobsRun } from './commands/jobs.ts';
import { userAdd, userGrant } from './commands/user.ts';
import { REGISTRY_COMMANDS } from './commands/registry.ts';
import { exportResourcesCommand, importResources } from './commands/resources.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { isAppError } from '../platform/errors.ts';

/** Every command; later domains add theirs here. Commands are thin: they call services. */
// One command per line, so that each domain adds its own line.
// prettier-ignore
const COMMANDS: Command[] = [
  serve,
  migrate,
  seed,
  backup,
  restore,
  jobsRun,
  userAdd,
  userGrant,
  ...REGISTRY_COMMANDS,
  importResources,
  exportResourcesCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'Capacity Commons — command line',
    '',
    'Usage: commons <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 success, 1 the operation failed, 2 bad usage.',
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  // Sub-commands like "user add" are named by their first two words.
  const command =
    COMMANDS.find((c) => c.name === name) ??
    COMMANDS.find((c) => c.name === `${name} ${rest[0] ?? ''}`);
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return EXIT.usage;
  }
  const args = command.name.includes(' ') ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}`);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nUsage: ${command.usage}`);
      return EXIT.usage;
    }
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      return EXIT.failed;
    }
    if (isAppError(error)) {
      console.error(error.message);
      for (const e of error.errors) console.error(`  ${e.path}: ${e.message}`);
      return EXIT.failed;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return EXIT.failed;
  }
}
