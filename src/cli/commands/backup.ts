import { loadConfig } from '../../config.ts';
import { backupPglite, backupPostgres, restorePglite, restorePostgres } from '../../db/backup.ts';
import type { Command } from '../command.ts';
import { parse, UsageError } from '../command.ts';

function fileArg(argv: string[]): string {
  const { positionals } = parse(argv, {}, true);
  if (positionals.length !== 1) throw new UsageError('Give exactly one file.');
  return positionals[0]!;
}

export const backup: Command = {
  name: 'backup',
  summary: 'Write a backup of the database to FILE (pg_dump, or the embedded data directory)',
  usage: 'commons backup FILE',
  async run(argv) {
    const file = fileArg(argv);
    const config = loadConfig();
    if (config.databaseUrl) await backupPostgres(config.databaseUrl, file);
    else await backupPglite(config.dataDir, file);
    console.log(`Backup written to ${file}.`);
    return 0;
  },
};

export const restore: Command = {
  name: 'restore',
  summary: 'Replace the database with a backup FILE (stop the server first when embedded)',
  usage: 'commons restore FILE',
  async run(argv) {
    const file = fileArg(argv);
    const config = loadConfig();
    if (config.databaseUrl) {
      await restorePostgres(config.databaseUrl, file);
      console.log(`Restored ${file}.`);
    } else {
      const kept = await restorePglite(config.dataDir, file);
      console.log(`Restored ${file}.${kept ? ` The previous database is kept in ${kept}.` : ''}`);
    }
    return 0;
  },
};
