/**
 * Crash safety, `npm run bench -- crash`: real server processes killed with SIGKILL at random
 * moments while concurrent clients write (catalogue resources, live questions, registry
 * initiatives) with an Idempotency-Key; every write without an answer is retried with the same
 * key after the restart; at the end every acknowledged write must be in the database exactly
 * once, and none twice (test/helpers/crash-cycles.ts).
 *
 *   CRASH_CYCLES          cycles on PostgreSQL (default 50)
 *   CRASH_PGLITE_CYCLES   cycles on PGlite, its data directory killed with the process (default 10)
 *   CRASH_CUT_EVERY       every how many PostgreSQL cycles the database connection is cut too (default 5)
 *   CRASH_CLIENTS         concurrent writing clients (default 6)
 *   BENCH_DATABASE_URL    the PostgreSQL server (or TEST_DATABASE_URL); a database `crash_cycles`
 *                         is created on it and dropped afterwards. Without one, PGlite only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownDatabase, runCrashCycles, type CrashResult } from '../test/helpers/crash-cycles.ts';
import { median, ms, table } from './lib/report.ts';

const cycles = Number(process.env.CRASH_CYCLES ?? 50);
const pgliteCycles = Number(process.env.CRASH_PGLITE_CYCLES ?? 10);
const cutEvery = Number(process.env.CRASH_CUT_EVERY ?? 5);
const clients = Number(process.env.CRASH_CLIENTS ?? 6);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

function row(label: string, r: CrashResult): Array<string | number> {
  return [
    label,
    r.cycles,
    r.cuts,
    r.writes,
    r.acknowledged,
    r.acknowledgedOnRetry,
    r.confirmedApplied,
    r.refused,
    r.unresolved,
    r.retries,
    r.found,
    r.missing.length,
    r.duplicated.length,
    r.strays.length,
    ms(median(r.restartMs)),
    `${r.seconds.toFixed(0)} s`,
  ];
}

export async function run(): Promise<string> {
  const results: Array<[string, CrashResult]> = [];
  const log = (line: string) => console.log(`  ${line}`);
  if (serverUrl && cycles > 0) {
    const own = await ownDatabase(serverUrl, 'crash_cycles');
    try {
      results.push([
        'PostgreSQL (through a TCP proxy)',
        await runCrashCycles({ env: { DATABASE_URL: own.url }, cycles, cutEvery, clients, log }),
      ]);
    } finally {
      await own.drop();
    }
  }
  if (pgliteCycles > 0) {
    const dir = mkdtempSync(join(tmpdir(), 'crash-cycles-'));
    try {
      results.push([
        'PGlite (DATA_DIR)',
        await runCrashCycles({ env: { DATA_DIR: dir }, cycles: pgliteCycles, clients, log }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const failures = results.flatMap(([label, r]) =>
    [
      r.missing.length && `${label}: ${r.missing.length} acknowledged writes missing`,
      r.duplicated.length && `${label}: ${r.duplicated.length} writes duplicated`,
      r.strays.length && `${label}: ${r.strays.length} refused writes stored`,
      r.unresolved && `${label}: ${r.unresolved} writes without a final answer`,
    ].filter(Boolean),
  );
  const section = [
    `SIGKILL of \`commons serve\` at a random moment 0.3–2.5 s after it is ready, ${clients} clients writing through the API with an Idempotency-Key (catalogue resources, live questions, registry initiatives, in turn); unanswered writes retried with the same key after the restart, and until each has a final answer on a last server. PostgreSQL is reached through a TCP proxy; every ${cutEvery}th cycle the proxy cuts every connection for 0.3–1 s before the kill (the machine's PostgreSQL is shared and is not restarted). Rows counted in the database by the unique marker in each payload.`,
    '',
    table(
      [
        'database',
        'cycles',
        'connection cuts',
        'writes',
        'acknowledged',
        'of which on a retry',
        'committed, answer lost (409 applied)',
        'refused (4xx)',
        'unresolved',
        'retries',
        'found',
        'missing',
        'duplicated',
        'refused but stored',
        'restart to ready (median)',
        'time',
      ],
      results.map(([label, r]) => row(label, r)),
    ),
    '',
    failures.length ? `**Failed:** ${failures.join('; ')}.` : 'Nothing lost, nothing duplicated.',
  ].join('\n');
  if (failures.length) console.error(section);
  return section;
}
