/**
 * Similar workshop proposals (pure): the registry's overlap measure — TF-IDF vectors over stemmed
 * words and their cosine, from platform/similarity.ts — applied to the proposals of one call. Only
 * the text counts here: proposals of one call share the event, its dates and usually its themes.
 */
import {
  cosine,
  fitTfIdf,
  sharedTerms,
  surfaceTerms,
  tokenize,
} from '../../platform/similarity.ts';

export interface ProposalText {
  id: string;
  title: string;
  content: string;
  policyQuestion: string;
}

/**
 * Pairs at or above this cosine are flagged. On the fixtures of similar.test.ts, proposals on one
 * subject written by different people score 0.5–0.7 and proposals on different subjects of one
 * forum stay under 0.06; 0.25 leaves room for looser rewordings without flagging mere neighbours.
 */
export const PROPOSAL_SIMILARITY_THRESHOLD = 0.25;
/** Shared words given as the reason, heaviest first. */
export const SHARED_TERMS_SHOWN = 6;

export interface SimilarProposal {
  id: string;
  similarity: number;
  /** Words both texts weigh most, as written in them. */
  sharedTerms: string[];
}

function textOf(p: ProposalText): string {
  // The title weighs twice: it is what proposers choose most carefully.
  return `${p.title}. ${p.title}. ${p.content} ${p.policyQuestion}`;
}

/**
 * The proposals of `others` similar to `target`, most similar first. The TF-IDF model is fitted on
 * the target and the others together, like the registry's `findOverlapsFor`.
 */
export function similarProposals(
  target: ProposalText,
  others: readonly ProposalText[],
  threshold = PROPOSAL_SIMILARITY_THRESHOLD,
): SimilarProposal[] {
  const corpus = [target, ...others.filter((o) => o.id !== target.id)];
  if (corpus.length < 2) return [];
  const model = fitTfIdf(corpus.map((p) => tokenize(textOf(p))));
  const mine = model.vectors[0]!;
  const out: SimilarProposal[] = [];
  for (let k = 1; k < corpus.length; k++) {
    const other = model.vectors[k]!;
    const similarity = cosine(mine, other);
    if (similarity <= 0 || similarity < threshold) continue;
    const stems = sharedTerms(mine, other, SHARED_TERMS_SHOWN).map(model.termOf);
    out.push({
      id: corpus[k]!.id,
      similarity,
      sharedTerms: surfaceTerms(stems, [textOf(target), textOf(corpus[k]!)]),
    });
  }
  return out.sort((a, b) => b.similarity - a.similarity);
}

/** The stored order of a pair: the smaller id first (the table's check). */
export function pairKey(x: string, y: string): { a: string; b: string } {
  const [a, b] = x.toLowerCase() < y.toLowerCase() ? [x, y] : [y, x];
  return { a: a.toLowerCase(), b: b.toLowerCase() };
}
