/**
 * How well the "likely duplicate" flag agrees with people: precision and recall on labelled pairs
 * (test/fixtures/overlap-pairs.json), used by a test and by bench/overlap-quality.ts.
 */
import { cosine, fitTfIdf } from '../../platform/similarity.ts';
import { DUPLICATE_THRESHOLD, documentTokens, scorePair, type OverlapItem } from './overlap.ts';

export interface LabelledPair {
  id: string;
  label: 'duplicate' | 'complementary' | 'unrelated';
  a: Omit<OverlapItem, 'id'>;
  b: Omit<OverlapItem, 'id'>;
}

export interface ScoredPair {
  id: string;
  label: LabelledPair['label'];
  score: number;
  textSimilarity: number;
}

/** Scores each pair; the idf comes from the pairs' texts plus `background` texts. */
export function scoreLabelledPairs(
  pairs: readonly LabelledPair[],
  background: ReadonlyArray<Pick<OverlapItem, 'title' | 'description'>> = [],
): ScoredPair[] {
  const docs = [...pairs.flatMap((p) => [p.a, p.b]), ...background].map(documentTokens);
  const model = fitTfIdf(docs);
  return pairs.map((p, k) => {
    const text = cosine(model.vectors[2 * k]!, model.vectors[2 * k + 1]!);
    const scored = scorePair({ ...p.a, id: `${p.id}a` }, { ...p.b, id: `${p.id}b` }, text);
    return { id: p.id, label: p.label, score: scored?.score ?? 0, textSimilarity: text };
  });
}

export interface Quality {
  threshold: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function quality(scored: readonly ScoredPair[], threshold = DUPLICATE_THRESHOLD): Quality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of scored) {
    const flagged = s.score >= threshold;
    const duplicate = s.label === 'duplicate';
    if (flagged && duplicate) tp++;
    else if (flagged) fp++;
    else if (duplicate) fn++;
  }
  return {
    threshold,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
  };
}

/** The threshold with the best recall at precision ≥ `minPrecision` on `scored` (for checking the tuning). */
export function bestThreshold(scored: readonly ScoredPair[], minPrecision = 0.9): Quality {
  let best = quality(scored, 1.01);
  for (let t = 0.2; t <= 0.9; t += 0.01) {
    const q = quality(scored, Math.round(t * 100) / 100);
    if (q.precision >= minPrecision && q.recall > best.recall) best = q;
  }
  return best;
}

/**
 * Two-fold cross-validation of the threshold: choose it on half the pairs, measure on the other
 * half, and the other way round (a check that the tuned threshold is not fitted to noise).
 */
export function crossValidated(
  scored: readonly ScoredPair[],
): Array<{ tunedOn: string; threshold: number; heldOut: Quality }> {
  const halves = [scored.filter((_, i) => i % 2 === 0), scored.filter((_, i) => i % 2 === 1)];
  return [0, 1].map((k) => {
    const tuned = bestThreshold(halves[k]!);
    return {
      tunedOn: k === 0 ? 'even pairs' : 'odd pairs',
      threshold: tuned.threshold,
      heldOut: quality(halves[1 - k]!, tuned.threshold),
    };
  });
}
