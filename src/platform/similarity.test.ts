import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cosine,
  fitTfIdf,
  jaccard,
  lshCandidates,
  minHash,
  minHashSimilarity,
  mostSimilar,
  sharedTerms,
  similarPairs,
  stem,
  tokenize,
} from './similarity.ts';

describe('tokenize and stem', () => {
  it('drops stop words and punctuation, folds accents and case', () => {
    expect(tokenize('The CERT of Côte d’Ivoire, and the police!', { stem: false })).toEqual([
      'cert',
      'cote',
      'ivoire',
      'police',
    ]);
  });
  it('brings word forms together', () => {
    expect(stem('analysing')).toBe(stem('analysis'));
    expect(stem('analyses')).toBe(stem('analysis'));
    expect(stem('training')).toBe(stem('trained'));
    expect(stem('trainers')).toBe(stem('train'));
    expect(stem('organisation')).toBe(stem('organization'));
    expect(stem('planning')).toBe('plan');
    expect(stem('cert')).toBe('cert');
  });
  it('adds bigrams on request', () => {
    expect(tokenize('incident response teams', { bigrams: true })).toContain(
      `${stem('incident')}_${stem('response')}`,
    );
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => Array.isArray(tokenize(s))));
  });
});

describe('TF-IDF and cosine', () => {
  const docs = [
    'incident response training for the national CERT',
    'training national CERT analysts in incident response',
    'data protection law drafting',
    'awareness campaign in schools',
  ].map((d) => tokenize(d));
  const model = fitTfIdf(docs);

  it('scores paraphrases above unrelated texts, in [0, 1], symmetric', () => {
    const near = cosine(model.vectors[0]!, model.vectors[1]!);
    const far = cosine(model.vectors[0]!, model.vectors[2]!);
    expect(near).toBeGreaterThan(0.5);
    expect(far).toBe(0);
    expect(cosine(model.vectors[1]!, model.vectors[0]!)).toBeCloseTo(near, 6);
    expect(cosine(model.vectors[0]!, model.vectors[0]!)).toBeCloseTo(1, 5);
  });
  it('vectorises new text with the fitted vocabulary', () => {
    const v = model.vectorize(tokenize('CERT incident response'));
    expect(mostSimilar(v, model.vectors, 2).map((r) => r.index)).toEqual(
      expect.arrayContaining([0, 1]),
    );
  });
  it('names the shared terms, heaviest first', () => {
    const terms = sharedTerms(model.vectors[0]!, model.vectors[1]!).map(model.termOf);
    expect(terms).toEqual(expect.arrayContaining(['cert', stem('incident')]));
  });
});

describe('similarPairs', () => {
  it('finds exactly the brute-force pairs inside blocks when nothing is capped', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.constantFrom('cert', 'police', 'law', 'school', 'forensic', 'strategy', 'exercise'),
            { minLength: 1, maxLength: 6 },
          ),
          { minLength: 2, maxLength: 25 },
        ),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 25, maxLength: 25 }),
        (words, groups) => {
          const model = fitTfIdf(words);
          const blocks = [0, 1, 2].map((g) =>
            words.map((_, i) => i).filter((i) => groups[i] === g),
          );
          const found = similarPairs(model.vectors, blocks, {
            threshold: 0.3,
            probeTerms: 100,
            maxPostingLength: 1000,
            maxCandidatesPerItem: 1000,
          });
          const expected: string[] = [];
          for (const block of blocks)
            for (let x = 0; x < block.length; x++)
              for (let y = x + 1; y < block.length; y++) {
                const i = block[x]!;
                const j = block[y]!;
                if (cosine(model.vectors[i]!, model.vectors[j]!) >= 0.3)
                  expected.push(`${Math.min(i, j)}-${Math.max(i, j)}`);
              }
          expect(found.map((p) => `${p.i}-${p.j}`).sort()).toEqual([...new Set(expected)].sort());
        },
      ),
      { numRuns: 60 },
    );
  });
  it('reports a pair found in two blocks once, and honours the veto', () => {
    const model = fitTfIdf([tokenize('cert training'), tokenize('cert training course')]);
    const pairs = similarPairs(
      model.vectors,
      [
        [0, 1],
        [1, 0],
      ],
      { threshold: 0.1 },
    );
    expect(pairs).toHaveLength(1);
    expect(
      similarPairs(model.vectors, [[0, 1]], { threshold: 0.1, accept: () => false }),
    ).toHaveLength(0);
  });
});

describe('set similarity', () => {
  it('jaccard', () => {
    expect(jaccard(['a', 'b'], ['b', 'c'])).toBeCloseTo(1 / 3);
    expect(jaccard([], [])).toBe(0);
  });
  it('MinHash estimates Jaccard and LSH pairs similar sets', () => {
    const a = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const b = [...a.slice(0, 45), 'x1', 'x2', 'x3', 'x4', 'x5'];
    const c = Array.from({ length: 50 }, (_, i) => `z${i}`);
    const [sa, sb, sc] = [minHash(a, 128), minHash(b, 128), minHash(c, 128)];
    expect(minHashSimilarity(sa, sb)).toBeGreaterThan(0.6);
    expect(minHashSimilarity(sa, sc)).toBeLessThan(0.1);
    const pairs = lshCandidates([sa, sb, sc], 32, 4);
    expect(pairs).toContainEqual([0, 1]);
    expect(pairs).not.toContainEqual([0, 2]);
  });
});
