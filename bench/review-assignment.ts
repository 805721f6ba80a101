/**
 * Reviewer assignment: 3 reviewers for each of 2,000 proposals from a pool of 150 (issue 7 asks
 * for under 5 s). Measures the pure algorithm, and the whole service on PGlite (read proposals,
 * people, pool and conflicts; write 6,000 assignments; audit) with synthetic data.
 */
import os from 'node:os';
import { assignReviewers } from '../src/modules/events/assignment.ts';

const GROUPS = [
  'government',
  'igo',
  'civil-society',
  'private-sector',
  'technical-community',
  'academia',
];

function synthetic(proposals: number, reviewers: number) {
  return {
    proposals: Array.from({ length: proposals }, (_, i) => ({
      id: `p${i}`,
      organisations: [`Org ${i % 97}`, `Org ${(i * 7) % 97}`, `Org ${(i * 13) % 97}`],
      stakeholderGroup: GROUPS[i % 6]!,
      assigned: [] as string[],
    })),
    reviewers: Array.from({ length: reviewers }, (_, i) => ({
      id: `r${i}`,
      organisation: `Org ${(i * 31) % 97}`,
      stakeholderGroup: GROUPS[i % 6]!,
      load: 0,
    })),
  };
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function serviceRun(): Promise<number> {
  const { createTestEnvForBench } = await import('./review-assignment.env.ts');
  return createTestEnvForBench();
}

export async function run(): Promise<string> {
  const pure: number[] = [];
  let result: ReturnType<typeof assignReviewers> | null = null;
  for (let i = 0; i < 7; i++) {
    const data = synthetic(2000, 150);
    const t = performance.now();
    result = assignReviewers(data.proposals, data.reviewers, 3, new Set(['p1:r1', 'p2:r2']));
    pure.push(performance.now() - t);
  }
  const service = [await serviceRun()];
  return [
    '## Reviewer assignment (events)',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} · Node ${process.version}`,
    '',
    '| what | median | p95 |',
    '| --- | --- | --- |',
    `| pure algorithm, 2,000 proposals × 3 from 150 (${result?.assignments.length} assignments, ${result?.unfilled.length} unfilled) | ${quantile(pure, 0.5).toFixed(1)} ms | ${quantile(pure, 0.95).toFixed(1)} ms |`,
    `| whole service on PGlite (read, assign, write 6,000 rows, audit) | ${service[0]!.toFixed(0)} ms | – |`,
    '',
    'Target: under 5 s for the whole assignment.',
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
