/**
 * Fair ranking: each reviewer's weighted scores are turned into z-scores against that reviewer's
 * own mean and spread, so that a strict reviewer (all 2s) and a generous one (all 4s) weigh the
 * same. Raw means stay beside them; calibration figures show each reviewer's habits.
 */
import type { ReviewAction } from './events.ts';

export interface ScoredReview {
  proposalId: string;
  reviewerId: string;
  weighted: number;
  action: ReviewAction;
}

export interface ReviewerCalibration {
  reviewerId: string;
  reviews: number;
  mean: number;
  /** Population standard deviation; 0 when the reviewer scored once or always the same. */
  sd: number;
  min: number;
  max: number;
  /** The reviewer's mean minus the mean of every review: negative is strict, positive generous. */
  offset: number;
}

export interface RankedProposal {
  proposalId: string;
  reviews: number;
  /** Mean of the weighted raw scores. */
  raw: number;
  /** Mean of the reviewers' z-scores. */
  normalised: number;
  rank: number;
  actions: Record<ReviewAction, number>;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function calibrate(reviews: readonly ScoredReview[]): Map<string, ReviewerCalibration> {
  const byReviewer = new Map<string, number[]>();
  for (const r of reviews) {
    const list = byReviewer.get(r.reviewerId) ?? [];
    list.push(r.weighted);
    byReviewer.set(r.reviewerId, list);
  }
  const overall = reviews.length ? reviews.reduce((s, r) => s + r.weighted, 0) / reviews.length : 0;
  const out = new Map<string, ReviewerCalibration>();
  for (const [reviewerId, scores] of byReviewer) {
    const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
    const variance = scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length;
    out.set(reviewerId, {
      reviewerId,
      reviews: scores.length,
      mean: round(mean),
      sd: round(Math.sqrt(variance)),
      min: Math.min(...scores),
      max: Math.max(...scores),
      offset: round(mean - overall),
    });
  }
  return out;
}

/** A review's z-score against its reviewer; 0 when the reviewer's scores do not spread. */
export function zScore(weighted: number, calibration: ReviewerCalibration | undefined): number {
  if (!calibration || calibration.sd === 0) return 0;
  return (weighted - calibration.mean) / calibration.sd;
}

export function rankProposals(reviews: readonly ScoredReview[]): RankedProposal[] {
  const calibration = calibrate(reviews);
  const byProposal = new Map<string, ScoredReview[]>();
  for (const r of reviews) {
    const list = byProposal.get(r.proposalId) ?? [];
    list.push(r);
    byProposal.set(r.proposalId, list);
  }
  const ranked = [...byProposal].map(([proposalId, list]) => {
    const actions: Record<ReviewAction, number> = { accept: 0, reject: 0, merge: 0, revise: 0 };
    for (const r of list) actions[r.action] += 1;
    return {
      proposalId,
      reviews: list.length,
      raw: round(list.reduce((s, r) => s + r.weighted, 0) / list.length),
      normalised: round(
        list.reduce((s, r) => s + zScore(r.weighted, calibration.get(r.reviewerId)), 0) /
          list.length,
      ),
      rank: 0,
      actions,
    };
  });
  ranked.sort(
    (a, b) =>
      b.normalised - a.normalised || b.raw - a.raw || a.proposalId.localeCompare(b.proposalId),
  );
  ranked.forEach((r, i) => (r.rank = i + 1));
  return ranked;
}
