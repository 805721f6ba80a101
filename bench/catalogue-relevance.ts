/**
 * Relevance of the catalogue's search: nDCG@10 over the judged queries of
 * test/fixtures/search-judgements.json (several languages, typos, filters), on the demo data,
 * on PGlite (and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set). Target ≥ 0.85.
 */
import { cpus, platform, release, totalmem } from 'node:os';
import { openBenchEnv } from './lib/catalogue-env.ts';
import { evaluate } from './lib/relevance.ts';
import { seedDemo } from '../src/runtime.ts';

export async function run(): Promise<string> {
  const started = new Date();
  const kinds: Array<['pglite' | 'postgres', string | undefined]> = [['pglite', undefined]];
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) kinds.push(['postgres', url]);
  const results: Array<{
    kind: string;
    mean: number;
    scores: Awaited<ReturnType<typeof evaluate>>['scores'];
  }> = [];
  for (const [kind, connection] of kinds) {
    const env = await openBenchEnv(kind, connection);
    try {
      await seedDemo(env.deps);
      results.push({ kind, ...(await evaluate(env.ctx())) });
    } finally {
      await env.close();
    }
  }
  const first = results[0]!;
  const lowest = [...first.scores].sort((a, b) => a.ndcg - b.ndcg).slice(0, 8);
  return [
    `Machine: ${platform()} ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `${first.scores.length} judged queries (English, French, Spanish, Russian, Arabic, Chinese; typos; filters) over the 166 demo resources; graded relevance 1–3; nDCG@10 with gain 2^grade − 1. Target ≥ 0.85.`,
    '',
    '| database | mean nDCG@10 | queries ≥ 0.8 |',
    '| --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.kind} | ${r.mean.toFixed(3)} | ${r.scores.filter((s) => s.ndcg >= 0.8).length} of ${r.scores.length} |`,
    ),
    '',
    'Weakest queries (first database):',
    '',
    '| query | nDCG@10 |',
    '| --- | --- |',
    ...lowest.map((s) => `| ${s.id} “${s.q}” | ${s.ndcg.toFixed(2)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
