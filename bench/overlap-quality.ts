/**
 * Precision and recall of the "likely duplicate" flag on the labelled pairs in
 * test/fixtures/overlap-pairs.json (duplicates, complementary and unrelated pairs), at the
 * threshold the platform uses, at neighbouring thresholds, and cross-validated (threshold chosen
 * on half the pairs, measured on the other half).
 */
import { readFileSync } from 'node:fs';
import { DUPLICATE_THRESHOLD, OVERLAP_WEIGHTS } from '../src/modules/initiatives/overlap.ts';
import {
  crossValidated,
  quality,
  scoreLabelledPairs,
  type LabelledPair,
} from '../src/modules/initiatives/overlap.quality.ts';

export async function run(): Promise<string> {
  const pairs = JSON.parse(
    readFileSync(new URL('../test/fixtures/overlap-pairs.json', import.meta.url), 'utf8'),
  ) as LabelledPair[];
  const demo = JSON.parse(
    readFileSync(
      new URL('../src/modules/initiatives/demo/initiatives.json', import.meta.url),
      'utf8',
    ),
  ) as Array<{
    title: { en: string };
    description: { en: string };
  }>;
  const scored = scoreLabelledPairs(
    pairs,
    demo.map((d) => ({ title: d.title.en, description: d.description.en })),
  );
  const counts = { duplicate: 0, complementary: 0, unrelated: 0 };
  for (const p of pairs) counts[p.label]++;
  const q = quality(scored);
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const lines = [
    '## Overlap quality (bench/overlap-quality.ts)',
    '',
    '',
    `${pairs.length} labelled pairs: ${counts.duplicate} duplicates, ${counts.complementary} complementary, ${counts.unrelated} unrelated. Score = ${OVERLAP_WEIGHTS.text} × text similarity (TF-IDF cosine, idf from the pairs and the 175 demo initiatives) + ${OVERLAP_WEIGHTS.time} × time overlap + ${OVERLAP_WEIGHTS.themes} × theme overlap + ${OVERLAP_WEIGHTS.countries} × country overlap; "likely duplicate" when the score is at least ${DUPLICATE_THRESHOLD}.`,
    '',
    `**At ${DUPLICATE_THRESHOLD}: precision ${pct(q.precision)}, recall ${pct(q.recall)}** (${q.truePositives} true positives, ${q.falsePositives} false positives, ${q.falseNegatives} missed; target ≥ 90 % precision at ≥ 80 % recall).`,
    '',
    '| threshold | precision | recall |',
    '| ---: | ---: | ---: |',
    ...[0.36, 0.4, 0.42, DUPLICATE_THRESHOLD, 0.46, 0.5].map((t) => {
      const x = quality(scored, t);
      return `| ${t.toFixed(2)}${t === DUPLICATE_THRESHOLD ? ' (used)' : ''} | ${pct(x.precision)} | ${pct(x.recall)} |`;
    }),
    '',
    'Cross-validated (threshold tuned for the best recall at ≥ 90 % precision on one half, measured on the other):',
    '',
    '| tuned on | threshold | held-out precision | held-out recall |',
    '| --- | ---: | ---: | ---: |',
    ...crossValidated(scored).map(
      (c) =>
        `| ${c.tunedOn} | ${c.threshold.toFixed(2)} | ${pct(c.heldOut.precision)} | ${pct(c.heldOut.recall)} |`,
    ),
    '',
    'Flagged pairs that are not duplicates: ' +
      (scored
        .filter((s) => s.score >= DUPLICATE_THRESHOLD && s.label !== 'duplicate')
        .map((s) => `${s.id} (${s.label}, ${s.score.toFixed(2)})`)
        .join(', ') || 'none') +
      '. Missed duplicates: ' +
      (scored
        .filter((s) => s.score < DUPLICATE_THRESHOLD && s.label === 'duplicate')
        .map((s) => `${s.id} (${s.score.toFixed(2)})`)
        .join(', ') || 'none') +
      '.',
  ];
  return lines.join('\n');
}
