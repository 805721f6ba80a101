import type { Command } from '../command.ts';
import { EXIT, parse, UsageError, withRuntime } from '../command.ts';
import { jobRunner } from '../../runtime.ts';

export const jobsRun: Command = {
  name: 'jobs run',
  summary: 'Run the jobs that are due (and due schedules) once, then exit; 1 if any failed',
  usage: 'commons jobs run [--limit N]',
  async run(argv) {
    const { values } = parse(argv, { limit: { type: 'string' } });
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError('--limit must be a whole number of at least 1');
    }
    return withRuntime(async ({ deps }) => {
      const summary = await jobRunner(deps).runDue({ limit });
      console.log(
        `Ran ${summary.ran} job(s): ${summary.done} done, ${summary.retrying} to retry, ${summary.dead} dead.`,
      );
      for (const f of summary.failures) {
        console.error(`  ${f.name} (${f.id}), attempt ${f.attempt}: ${f.error}`);
      }
      return summary.retrying + summary.dead > 0 ? EXIT.failed : EXIT.ok;
    });
  },
};
