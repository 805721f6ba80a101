import type { Command } from '../command.ts';
import { parse } from '../command.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'Serve the platform (PORT, HOST, DATA_DIR or DATABASE_URL from the environment)',
  usage: 'commons serve [--no-seed]',
  async run(argv) {
    const { values } = parse(argv, { 'no-seed': { type: 'boolean' } });
    const { main } = await import('../../main.ts');
    await main(values['no-seed'] ? { seed: false } : {});
    // Keep running: main returns once listening.
    return await new Promise<number>(() => {});
  },
};
