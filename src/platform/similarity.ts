/**
 * Text similarity without domain knowledge: tokenising (stop words, light stemming), TF-IDF
 * vectors, cosine similarity, and sub-quadratic candidate generation (an inverted index probed with
 * each item's heaviest terms, run inside caller-chosen blocks, with capped work per block).
 * Used by the registry's overlap analysis and reusable for any "similar items" feature.
 */

/** Common words of English, French and Spanish that carry no topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had ' +
    'has have having he her here hers him his how i if in into is it its itself just me more most my ' +
    'no nor not now of off on once only or other our ours out over own same she should so some such ' +
    'than that the their theirs them then there these they this those through to too under until up ' +
    'very was we were what when where which while who whom why will with would you your within ' +
    'across per via among upon including include includes included new one two three its ' +
    'au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me même mes moi ' +
    'mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une ' +
    'vos votre vous est sont été être afin ainsi cette leurs lors entre ' +
    'el la los las un una unos unas y o de del al en con por para su sus que se es son como más ' +
    'este esta estos estas sobre entre sin'
  ).split(/\s+/),
);

const STEP_SUFFIXES: ReadonlyArray<[string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['isation', 'ize'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['fulness', 'ful'],
  ['iveness', 'ive'],
  ['ousness', 'ous'],
  ['ements', ''],
  ['ement', ''],
  ['ments', ''],
  ['ment', ''],
  ['ities', ''],
  ['ity', ''],
  ['ings', ''],
  ['ing', ''],
  ['ers', ''],
  ['ies', 'y'],
  ['ied', 'y'],
  ['ive', ''],
  ['ise', 'ize'],
  ['ised', 'ize'],
  ['ized', 'ize'],
  ['ises', 'ize'],
  ['izes', 'ize'],
  ['ed', ''],
  ['es', ''],
  ['er', ''],
  ['al', ''],
  ['ly', ''],
  ['s', ''],
];

/**
 * A light suffix-stripping stemmer (English-leaning, harmless elsewhere): "analysing",
 * "analyses" and "analysis" meet at one stem. Short words are left alone.
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let w = word;
  // "analysis", "analyses", "analysing", "analysed" → "analys".
  if (w.endsWith('ysis')) return w.slice(0, -2);
  if (/ys(es|ing|ed|e)$/.test(w)) return w.replace(/ys(es|ing|ed|e)$/, 'ys');
  for (const [suffix, replacement] of STEP_SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, w.length - suffix.length) + replacement;
      break;
    }
  }
  // "trainee" / "trained" / "training" → "train"; doubled consonants from "-ing" ("planning").
  if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

export interface TokenizeOptions {
  stopWords?: ReadonlySet<string>;
  /** Strip suffixes (default true). */
  stem?: boolean;
  /** Shortest token kept (default 2). */
  minLength?: number;
  /** Also emit adjacent-pair tokens "a_b" (default false). */
  bigrams?: boolean;
}

/**
 * Lower-cased word tokens: accents folded, punctuation and stop words dropped, stems applied.
 * Letters of any script are kept.
 */
// Stems of words already seen: corpora repeat a small vocabulary, so this saves most of the work.
const stemCache = new Map<string, string>();
function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    if (stemCache.size > 500_000) stemCache.clear();
    s = stem(word);
    stemCache.set(word, s);
  }
  return s;
}

// eslint-disable-next-line no-control-regex
const ASCII_TEXT = /^[\x00-\x7f]*$/;

export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const stopWords = options.stopWords ?? STOP_WORDS;
  const minLength = options.minLength ?? 2;
  const doStem = options.stem ?? true;
  // Plain ASCII text needs no accent folding (the common case, and the costly step).
  const folded = ASCII_TEXT.test(text)
    ? text
    : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const words = folded.toLowerCase().split(/[^\p{L}\p{N}]+/u);
  const out: string[] = [];
  for (const word of words) {
    if (word.length < minLength || stopWords.has(word)) continue;
    out.push(doStem ? cachedStem(word) : word);
  }
  if (options.bigrams) {
    const n = out.length;
    for (let i = 0; i + 1 < n; i++) out.push(`${out[i]}_${out[i + 1]}`);
  }
  return out;
}

/** A sparse, L2-normalised vector: term ids ascending, weights alongside. */
export interface SparseVector {
  readonly ids: Uint32Array;
  readonly weights: Float32Array;
}

export const EMPTY_VECTOR: SparseVector = { ids: new Uint32Array(0), weights: new Float32Array(0) };

/** Cosine similarity of two normalised sparse vectors (a merge of their sorted ids). */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  const ai = a.ids;
  const bi = b.ids;
  while (i < ai.length && j < bi.length) {
    const x = ai[i]!;
    const y = bi[j]!;
    if (x === y) {
      dot += a.weights[i]! * b.weights[j]!;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return Math.min(1, dot);
}

/** Ids of the terms both vectors hold, heaviest (by the product of weights) first. */
export function sharedTerms(a: SparseVector, b: SparseVector, limit = 5): number[] {
  const shared: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) {
      shared.push([x, a.weights[i]! * b.weights[j]!]);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared
    .sort((p, q) => q[1] - p[1])
    .slice(0, limit)
    .map((p) => p[0]);
}

export interface TfIdfOptions {
  /** Use 1 + log(tf) instead of raw counts (default true). */
  sublinearTf?: boolean;
  /** Terms found in more than this share of documents are dropped (default 0.5). */
  maxDocumentShare?: number;
}

/** A TF-IDF model fitted on a corpus: vectors for its documents, and a way to vectorise new ones. */
export interface TfIdfModel {
  readonly vectors: SparseVector[];
  readonly terms: readonly string[];
  vectorize(tokens: readonly string[]): SparseVector;
  termOf(id: number): string;
}

function toVector(
  counts: Map<number, number>,
  idf: Float64Array,
  sublinear: boolean,
): SparseVector {
  const ids = new Uint32Array(counts.size);
  let k = 0;
  for (const id of counts.keys()) ids[k++] = id;
  ids.sort();
  const weights = new Float32Array(ids.length);
  let norm = 0;
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!;
    const tf = counts.get(id)!;
    const w = (sublinear ? 1 + Math.log(tf) : tf) * idf[id]!;
    weights[n] = w;
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let n = 0; n < weights.length; n++) weights[n] = weights[n]! / norm;
  return { ids, weights };
}

/** Fits TF-IDF (smoothed idf = ln((1+N)/(1+df)) + 1) on tokenised documents. */
export function fitTfIdf(
  documents: readonly (readonly string[])[],
  options: TfIdfOptions = {},
): TfIdfModel {
  const sublinear = options.sublinearTf ?? true;
  const maxShare = options.maxDocumentShare ?? 0.5;
  const vocabulary = new Map<string, number>();
  const terms: string[] = [];
  const df: number[] = [];
  const lastDoc: number[] = [];
  // Token ids per document (compact), counted into vectors once the idf is known.
  const docIds: Uint32Array[] = [];
  documents.forEach((tokens, d) => {
    const ids = new Uint32Array(tokens.length);
    tokens.forEach((token, k) => {
      let id = vocabulary.get(token);
      if (id === undefined) {
        id = terms.length;
        vocabulary.set(token, id);
        terms.push(token);
        df.push(0);
        lastDoc.push(-1);
      }
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        df[id]!++;
      }
      ids[k] = id;
    });
    docIds.push(ids);
  });
  const n = documents.length;
  const idf = new Float64Array(terms.length);
  // Only drop very common terms when the corpus is big enough for "common" to mean something.
  const limit = n >= 20 ? maxShare * n : Infinity;
  for (let id = 0; id < terms.length; id++) {
    idf[id] = df[id]! > limit ? 0 : Math.log((1 + n) / (1 + df[id]!)) + 1;
  }
  const countsOf = (ids: ArrayLike<number>) => {
    const counts = new Map<number, number>();
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (idf[id] === 0) continue;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };
  const vectors = docIds.map((ids) => toVector(countsOf(ids), idf, sublinear));
  docIds.length = 0;
  return {
    vectors,
    terms,
    termOf: (id) => terms[id] ?? '',
    vectorize(tokens) {
      // Unseen terms are left out: a model is refitted when its corpus changes.
      const ids = tokens
        .map((t) => vocabulary.get(t))
        .filter((id): id is number => id !== undefined);
      return toVector(countsOf(ids), idf, sublinear);
    },
  };
}

export interface CandidateOptions {
  /** Only pairs whose cosine reaches this are returned. */
  threshold: number;
  /** Each item probes the index with at most this many of its heaviest terms (default 12). */
  probeTerms?: number;
  /** Postings longer than this (terms common inside one block) are not scanned (default 250). */
  maxPostingLength?: number;
  /** At most this many candidates are kept per item and block, best first (default 25). */
  maxCandidatesPerItem?: number;
  /** A cheap veto run before the cosine is computed (e.g. "do their dates overlap?"). */
  accept?: (i: number, j: number) => boolean;
}

export interface SimilarPair {
  /** Indices into the vectors, i < j. */
  i: number;
  j: number;
  similarity: number;
}

function heaviest(vector: SparseVector, n: number): number[] {
  const order = Array.from(vector.ids.keys());
  if (order.length > n) order.sort((p, q) => vector.weights[q]! - vector.weights[p]!);
  return order.slice(0, n);
}

/**
 * All pairs of similar vectors inside each block (a block is a list of item indices; an item may be
 * in many blocks; a pair found twice is reported once). Work per item is bounded by
 * probeTerms × maxPostingLength, so the whole run grows with the number of items, not its square.
 */
export function similarPairs(
  vectors: readonly SparseVector[],
  blocks: Iterable<readonly number[]>,
  options: CandidateOptions,
): SimilarPair[] {
  const probe = options.probeTerms ?? 12;
  const maxPosting = options.maxPostingLength ?? 250;
  const maxCandidates = options.maxCandidatesPerItem ?? 25;
  const seen = new Set<number>();
  const n = vectors.length;
  const out: SimilarPair[] = [];
  let scores = new Float32Array(0);
  // Each item's heaviest terms, worked out once however many blocks it is in.
  const tops = new Map<number, number[]>();
  const topOf = (index: number) => {
    let top = tops.get(index);
    if (!top) tops.set(index, (top = heaviest(vectors[index]!, probe)));
    return top;
  };
  for (const block of blocks) {
    if (block.length < 2) continue;
    if (scores.length < block.length) scores = new Float32Array(Math.max(block.length, 64));
    // term id → positions (in this block) of the items holding it among their heaviest terms.
    const postings = new Map<number, number[]>();
    const touched: number[] = [];
    for (let p = 0; p < block.length; p++) {
      const v = vectors[block[p]!]!;
      const top = topOf(block[p]!);
      // Probe before adding, so each pair is met once, from its later member.
      for (const k of top) {
        const list = postings.get(v.ids[k]!);
        if (!list || list.length > maxPosting) continue;
        const w = v.weights[k]!;
        for (const q of list) {
          if (scores[q] === 0) touched.push(q);
          scores[q] = scores[q]! + w;
        }
      }
      if (touched.length) {
        touched.sort((x, y) => scores[y]! - scores[x]!);
        const keep = touched.length > maxCandidates ? touched.slice(0, maxCandidates) : touched;
        const a = block[p]!;
        for (const q of keep) {
          const b = block[q]!;
          const i = Math.min(a, b);
          const j = Math.max(a, b);
          if (i === j) continue;
          const key = i * n + j;
          if (seen.has(key)) continue;
          seen.add(key);
          if (options.accept && !options.accept(i, j)) continue;
          const similarity = cosine(vectors[i]!, vectors[j]!);
          if (similarity >= options.threshold) out.push({ i, j, similarity });
        }
        for (const q of touched) scores[q] = 0;
        touched.length = 0;
      }
      for (const k of top) {
        const id = v.ids[k]!;
        let list = postings.get(id);
        if (!list) postings.set(id, (list = []));
        if (list.length <= maxPosting) list.push(p);
      }
    }
  }
  return out;
}

/** The k vectors most similar to `query` (brute force over `vectors`; for small candidate sets). */
export function mostSimilar(
  query: SparseVector,
  vectors: readonly SparseVector[],
  k: number,
  threshold = 0,
): Array<{ index: number; similarity: number }> {
  const scored: Array<{ index: number; similarity: number }> = [];
  vectors.forEach((v, index) => {
    const similarity = cosine(query, v);
    if (similarity > 0 && similarity >= threshold) scored.push({ index, similarity });
  });
  return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

/** Jaccard overlap of two sets of labels (0 when both are empty). */
export function jaccard<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const sa = new Set(a);
  let shared = 0;
  const sb = new Set(b);
  for (const x of sb) if (sa.has(x)) shared++;
  return shared / (sa.size + sb.size - shared);
}

/** 32-bit FNV-1a, for MinHash and other cheap fingerprints. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A MinHash signature of a token set: similar sets share many positions. */
export function minHash(tokens: readonly string[], size = 64): Uint32Array {
  const signature = new Uint32Array(size).fill(0xffffffff);
  const seen = new Set(tokens);
  for (const token of seen) {
    const h1 = hash32(token);
    const h2 = hash32(token, 0x9747b28c) | 1;
    for (let k = 0; k < size; k++) {
      const h = (h1 + Math.imul(k, h2)) >>> 0;
      if (h < signature[k]!) signature[k] = h;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity from two MinHash signatures. */
export function minHashSimilarity(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  for (let k = 0; k < n; k++) if (a[k] === b[k]) same++;
  return same / n;
}

/**
 * Locality-sensitive hashing over MinHash signatures: items sharing all `rows` values of any band
 * become candidate pairs (i < j). Pairs with Jaccard s collide with probability 1-(1-s^rows)^bands.
 */
export function lshCandidates(
  signatures: readonly Uint32Array[],
  bands: number,
  rows: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((sig, index) => {
      const key = Array.from(sig.subarray(band * rows, band * rows + rows)).join(',');
      const list = buckets.get(key);
      if (list) list.push(index);
      else buckets.set(key, [index]);
    });
    for (const list of buckets.values()) {
      for (let x = 0; x < list.length; x++)
        for (let y = x + 1; y < list.length; y++) {
          const key = `${list[x]}:${list[y]}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push([list[x]!, list[y]!]);
        }
    }
  }
  return out;
}

/**
 * Words to show for shared stems: the first surface form of each stem found in either text
 * ("analysing" for the stem "analys").
 */
export function surfaceTerms(stems: readonly string[], texts: readonly string[]): string[] {
  const wanted = new Set(stems);
  const found = new Map<string, string>();
  for (const text of texts) {
    const words = text.split(/[^\p{L}\p{N}-]+/u).filter(Boolean);
    for (const word of words) {
      const [s] = tokenize(word);
      if (s && wanted.has(s) && !found.has(s))
        found.set(s, /^[A-Z0-9-]{2,}$/.test(word) ? word : word.toLowerCase());
    }
  }
  return stems.map((s) => found.get(s)).filter((w): w is string => !!w);
}
