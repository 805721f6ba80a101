import type { Command } from '../command.ts';
import { parse, UsageError, withRuntime } from '../command.ts';
import { isDemoSeeded, seedDemo } from '../../runtime.ts';

export const seed: Command = {
  name: 'seed',
  summary: 'Load the demo data set into the database (once)',
  usage: 'commons seed --demo',
  async run(argv) {
    const { values } = parse(argv, { demo: { type: 'boolean' } });
    if (!values.demo) throw new UsageError('Say which data to seed: --demo');
    return withRuntime(async ({ deps }) => {
      if (await isDemoSeeded(deps)) {
        console.log('Demo data is already in this database.');
        return 0;
      }
      await seedDemo(deps);
      console.log('Demo data seeded.');
      return 0;
    });
  },
};
