/**
 * Overlap and duplication analysis (pure). Candidates share a beneficiary (country, or region for
 * regional initiatives) and a theme, and overlap in time; they are scored from the similarity of
 * their texts, their time overlap and their theme and country overlap. Blocking by
 * beneficiary × theme plus an inverted index inside each block keeps the work linear in the number
 * of initiatives (see bench/overlap.ts).
 */
import {
  cosine,
  fitTfIdf,
  sharedTerms,
  similarPairs,
  tokenize,
  type TfIdfModel,
} from '../../platform/similarity.ts';

export interface OverlapItem {
  id: string;
  title: string;
  description: string;
  countries: readonly string[];
  regions?: readonly string[];
  themes: readonly string[];
  startsOn: string | null;
  endsOn: string | null;
}

/**
 * Weights and thresholds, tuned on test/fixtures/overlap-pairs.json (bench/overlap-quality.ts
 * reports precision and recall, also cross-validated). Text and time carry the signal: the labelled
 * complementary and unrelated pairs share country and theme by construction.
 */
export const OVERLAP_WEIGHTS = { text: 0.6, time: 0.3, themes: 0.05, countries: 0.05 } as const;
export const DUPLICATE_THRESHOLD = 0.44;
/** Pairs scoring below this are not kept. */
export const MIN_SCORE = 0.3;
/** Candidates need at least this text similarity (cosine of TF-IDF vectors). */
export const MIN_TEXT_SIMILARITY = 0.1;

export interface OverlapPair {
  a: number;
  b: number;
  score: number;
  textSimilarity: number;
  timeOverlap: number;
  sharedCountries: string[];
  sharedThemes: string[];
  /** Stems both texts weigh most; see `surfaceTerms` for words to show. */
  sharedStems: string[];
  overlapFrom: string | null;
  overlapTo: string | null;
  likelyDuplicate: boolean;
}

const DAY = 86_400_000;
function days(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY;
}

/** The shared period of two date ranges (open ends run forever), or null when they do not meet. */
export function sharedPeriod(
  a: Pick<OverlapItem, 'startsOn' | 'endsOn'>,
  b: Pick<OverlapItem, 'startsOn' | 'endsOn'>,
): { from: string | null; to: string | null } | null {
  const from =
    a.startsOn && b.startsOn
      ? a.startsOn > b.startsOn
        ? a.startsOn
        : b.startsOn
      : (a.startsOn ?? b.startsOn);
  const to =
    a.endsOn && b.endsOn ? (a.endsOn < b.endsOn ? a.endsOn : b.endsOn) : (a.endsOn ?? b.endsOn);
  if (from && to && from > to) return null;
  return { from, to };
}

/**
 * How much two periods coincide, 0–1: the shared length over the combined length when both are
 * bounded; 0.5 when they meet but one is open-ended (the length of the overlap is unknown).
 */
export function timeOverlap(
  a: Pick<OverlapItem, 'startsOn' | 'endsOn'>,
  b: Pick<OverlapItem, 'startsOn' | 'endsOn'>,
): number {
  const shared = sharedPeriod(a, b);
  if (!shared) return 0;
  if (!a.startsOn || !a.endsOn || !b.startsOn || !b.endsOn) return 0.5;
  const inter = days(shared.to!) - days(shared.from!) + 1;
  const union =
    Math.max(days(a.endsOn), days(b.endsOn)) - Math.min(days(a.startsOn), days(b.startsOn)) + 1;
  return union > 0 ? Math.max(0, Math.min(1, inter / union)) : 0;
}

export function overlapScore(parts: {
  text: number;
  time: number;
  themes: number;
  countries: number;
}): number {
  const w = OVERLAP_WEIGHTS;
  return (
    w.text * parts.text +
    w.time * parts.time +
    w.themes * parts.themes +
    w.countries * parts.countries
  );
}

/** Countries, or the regions of an initiative that names no country (regional programmes). */
function beneficiaries(item: OverlapItem): string[] {
  if (item.countries.length) return [...item.countries];
  return (item.regions ?? []).map((r) => `region:${r}`);
}

export function documentTokens(item: Pick<OverlapItem, 'title' | 'description'>): string[] {
  return tokenize(`${item.title}. ${item.description}`);
}

// Lists here hold a handful of codes: a scan beats building sets.
function intersection(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => b.includes(x));
}

function overlapShare(a: readonly string[], b: readonly string[], shared: number): number {
  const union = a.length + b.length - shared;
  return union > 0 ? shared / union : 0;
}

/** Scores one candidate pair; null when it falls outside the rules (no shared scope, no time). */
export function scorePair(
  x: OverlapItem,
  y: OverlapItem,
  textSimilarity: number,
): Omit<OverlapPair, 'a' | 'b' | 'sharedStems'> | null {
  const sharedThemes = intersection(x.themes, y.themes);
  if (sharedThemes.length === 0) return null;
  const bx = beneficiaries(x);
  const by = beneficiaries(y);
  const sharedBeneficiaries = intersection(bx, by);
  if (sharedBeneficiaries.length === 0) return null;
  const period = sharedPeriod(x, y);
  if (!period) return null;
  const time = timeOverlap(x, y);
  const score = overlapScore({
    text: textSimilarity,
    time,
    themes: overlapShare(x.themes, y.themes, sharedThemes.length),
    countries: overlapShare(bx, by, sharedBeneficiaries.length),
  });
  return {
    score,
    textSimilarity,
    timeOverlap: time,
    sharedCountries: sharedBeneficiaries.filter((b) => !b.startsWith('region:')),
    sharedThemes,
    overlapFrom: period.from,
    overlapTo: period.to,
    likelyDuplicate: score >= DUPLICATE_THRESHOLD,
  };
}

export interface OverlapOptions {
  minScore?: number;
  /** Largest block examined in full; bigger blocks still run, with capped work per item. */
  maxPostingLength?: number;
  maxCandidatesPerItem?: number;
}

/** The blocks: one list of item indices per (beneficiary, theme). */
export function blocksOf(items: readonly OverlapItem[]): Map<string, number[]> {
  const blocks = new Map<string, number[]>();
  items.forEach((item, index) => {
    for (const who of beneficiaries(item))
      for (const theme of item.themes) {
        const key = `${who}|${theme}`;
        const list = blocks.get(key);
        if (list) list.push(index);
        else blocks.set(key, [index]);
      }
  });
  return blocks;
}

/** Every overlapping pair in a corpus, best first. */
export function findOverlaps(
  items: readonly OverlapItem[],
  options: OverlapOptions = {},
  model: TfIdfModel = fitTfIdf(items.map(documentTokens)),
): OverlapPair[] {
  const minScore = options.minScore ?? MIN_SCORE;
  const blocks = blocksOf(items);
  const candidates = similarPairs(model.vectors, blocks.values(), {
    threshold: MIN_TEXT_SIMILARITY,
    maxPostingLength: options.maxPostingLength ?? 250,
    maxCandidatesPerItem: options.maxCandidatesPerItem ?? 25,
    accept: (i, j) => sharedPeriod(items[i]!, items[j]!) !== null,
  });
  const out: OverlapPair[] = [];
  for (const c of candidates) {
    const scored = scorePair(items[c.i]!, items[c.j]!, c.similarity);
    if (!scored || scored.score < minScore) continue;
    out.push({
      a: c.i,
      b: c.j,
      ...scored,
      sharedStems: sharedTerms(model.vectors[c.i]!, model.vectors[c.j]!, 6).map(model.termOf),
    });
  }
  return out.sort((p, q) => q.score - p.score);
}

/**
 * The overlaps of one initiative (new or changed) with a corpus, as its authors see them when
 * registering it. `target` may or may not be in `items` (it is matched by id).
 */
export function findOverlapsFor(
  target: OverlapItem,
  items: readonly OverlapItem[],
  options: OverlapOptions = {},
): Array<OverlapPair & { other: OverlapItem }> {
  const minScore = options.minScore ?? MIN_SCORE;
  const corpus = [target, ...items.filter((i) => i.id !== target.id)];
  const model = fitTfIdf(corpus.map(documentTokens));
  const mine = model.vectors[0]!;
  const out: Array<OverlapPair & { other: OverlapItem }> = [];
  for (let k = 1; k < corpus.length; k++) {
    const other = corpus[k]!;
    const similarity = cosine(mine, model.vectors[k]!);
    if (similarity < MIN_TEXT_SIMILARITY) continue;
    const scored = scorePair(target, other, similarity);
    if (!scored || scored.score < minScore) continue;
    out.push({
      a: 0,
      b: k,
      other,
      ...scored,
      sharedStems: sharedTerms(mine, model.vectors[k]!, 6).map(model.termOf),
    });
  }
  return out.sort((p, q) => q.score - p.score);
}

// Shared with the events module's similar proposals; kept importable from here.
export { surfaceTerms } from '../../platform/similarity.ts';

/** "2024–2025", "2024", "since 2024" style years of a shared period. */
export function periodYears(
  from: string | null,
  to: string | null,
): { from: string | null; to: string | null } {
  return { from: from ? from.slice(0, 4) : null, to: to ? to.slice(0, 4) : null };
}
