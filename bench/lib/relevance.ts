/**
 * nDCG@10 of the catalogue's search over the judged queries in test/fixtures/search-judgements.json
 * (graded 1–3). Used by bench/catalogue-relevance.ts and by a test with a threshold.
 */
import { readFileSync } from 'node:fs';
import type { ServiceContext } from '../../src/platform/context.ts';
import { searchResources, searchParamsFrom } from '../../src/modules/catalogue/index.ts';

export interface Judgement {
  id: string;
  q: string;
  filters: Record<string, string | number | boolean>;
  relevant: Record<string, number>;
}

export function judgements(): Judgement[] {
  const file = new URL('../../test/fixtures/search-judgements.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Judgement[];
}

export function ndcgAt(k: number, ranked: readonly string[], relevant: Record<string, number>) {
  const gain = (grade: number) => 2 ** grade - 1;
  const dcg = ranked
    .slice(0, k)
    .reduce((sum, slug, i) => sum + gain(relevant[slug] ?? 0) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, i) => sum + gain(grade) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

export interface QueryScore {
  id: string;
  q: string;
  ndcg: number;
  top: string[];
}

export async function evaluate(
  ctx: ServiceContext,
): Promise<{ mean: number; scores: QueryScore[] }> {
  const scores: QueryScore[] = [];
  for (const j of judgements()) {
    const params = searchParamsFrom({
      q: j.q,
      ...Object.fromEntries(Object.entries(j.filters).map(([k, v]) => [k, String(v)])),
      pageSize: '10',
    });
    const result = await searchResources(ctx, params, { highlight: false });
    const top = result.items.map((i) => i.slug);
    scores.push({ id: j.id, q: j.q, ndcg: ndcgAt(10, top, j.relevant), top });
  }
  const mean = scores.reduce((s, x) => s + x.ndcg, 0) / scores.length;
  return { mean, scores };
}
