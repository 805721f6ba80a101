import type { Command } from '../command.ts';
import { parse, withRuntime } from '../command.ts';
import { migrateToLatest } from '../../db/migrate.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  usage: 'commons migrate',
  async run(argv) {
    parse(argv, {});
    return withRuntime(
      async ({ deps }) => {
        const result = await migrateToLatest(deps.db);
        const applied = result.results?.filter((r) => r.status === 'Success') ?? [];
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s): ${applied.map((r) => r.migrationName).join(', ')}`
            : 'The database is up to date.',
        );
        return 0;
      },
      { migrate: false },
    );
  },
};
