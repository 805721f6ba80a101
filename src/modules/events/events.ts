/**
 * Domain types and defaults of events, calls, proposals, reviews and sessions. Pure: no database,
 * no HTTP. The island imports parts of this module too, so keep it free of server-only imports.
 */
export const PERSON_ROLES = [
  'proposer',
  'co-proposer',
  'speaker',
  'onsite-moderator',
  'online-moderator',
  'rapporteur',
] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Roles whose diversity the assessment counts: the people the audience sees and hears. */
export const PANEL_ROLES: readonly PersonRole[] = [
  'speaker',
  'onsite-moderator',
  'online-moderator',
];

/** Self-declared, optional; "prefer not to say" is stored as no value. */
export const GENDERS = ['woman', 'man', 'non-binary', 'another'] as const;
export type Gender = (typeof GENDERS)[number];

export const REVIEW_ACTIONS = ['accept', 'reject', 'merge', 'revise'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export type ProposalStatus = 'draft' | 'submitted' | 'withdrawn';
export type PersonStatus = 'pending' | 'confirmed' | 'declined';

/** A session format offered by a call, from the `sessionFormat` taxonomy, with its length. */
export interface FormatOption {
  code: string;
  minutes: number;
}

/** What a call asks of a panel; 0 or false switches a criterion off. */
export interface DiversityCriteria {
  minStakeholderGroups: number;
  minRegionalGroups: number;
  minDevelopingCountry: number;
  genderDiversity: boolean;
  minFirstTime: number;
}

/** Which screening rules apply to a call (the IGF secretariat's checks). */
export interface ScreeningConfig {
  requiredFields: boolean;
  minConfirmedSpeakers: number;
  genderDiversity: boolean;
  onsiteModerator: boolean;
  minOnsiteSpeakers: number;
  previousReport: boolean;
}

export interface ReviewCriterion {
  code: string;
  weight: number;
}

export const DEFAULT_CRITERIA: DiversityCriteria = {
  minStakeholderGroups: 3,
  minRegionalGroups: 2,
  minDevelopingCountry: 1,
  genderDiversity: true,
  minFirstTime: 0,
};

export const DEFAULT_SCREENING: ScreeningConfig = {
  requiredFields: true,
  minConfirmedSpeakers: 3,
  genderDiversity: true,
  onsiteModerator: true,
  minOnsiteSpeakers: 2,
  previousReport: true,
};

/** The IGF's evaluation criteria as defaults; organisers change codes and weights per call. */
export const DEFAULT_REVIEW_CRITERIA: ReviewCriterion[] = [
  { code: 'relevance', weight: 20 },
  { code: 'content', weight: 25 },
  { code: 'diversity', weight: 25 },
  { code: 'format', weight: 15 },
  { code: 'policy-question', weight: 15 },
];

/** Scores run from 1 (poor) to 5 (excellent). */
export const SCORE_MIN = 1;
export const SCORE_MAX = 5;

/** The rule of DESIGN.md section 6: aggregates of personal attributes only for 5 or more people. */
export const PRIVACY_MIN_GROUP = 5;

/** Where a call stands at `now`. */
export function callState(
  call: { opensAt: Date; closesAt: Date },
  now: Date,
): 'upcoming' | 'open' | 'closed' {
  if (now < call.opensAt) return 'upcoming';
  if (now >= call.closesAt) return 'closed';
  return 'open';
}

export interface Phase {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  reviewersMayReview: boolean;
  seeOthersScores: boolean;
  blind: boolean;
  proposersMayEdit: boolean;
}

/** The phase in force at `now`, if any (phases do not overlap; the latest start wins if they do). */
export function currentPhase<P extends Pick<Phase, 'startsAt' | 'endsAt'>>(
  phases: readonly P[],
  now: Date,
): P | null {
  let found: P | null = null;
  for (const p of phases) {
    if (p.startsAt <= now && now < p.endsAt && (!found || p.startsAt > found.startsAt)) found = p;
  }
  return found;
}

/**
 * Whether the proposer may still change a proposal: before the deadline, or later while a review
 * phase lets proposers edit (e.g. a "revise" round).
 */
export function proposerMayEdit(
  call: { opensAt: Date; closesAt: Date },
  phase: Pick<Phase, 'proposersMayEdit'> | null,
  now: Date,
): boolean {
  const state = callState(call, now);
  if (state === 'open') return true;
  return state === 'closed' && !!phase?.proposersMayEdit;
}

/** The weighted mean of a review's scores over the call's criteria (missing scores are errors upstream). */
export function weightedScore(
  scores: Record<string, number>,
  criteria: readonly ReviewCriterion[],
): number {
  let total = 0;
  let weights = 0;
  for (const c of criteria) {
    const s = scores[c.code];
    if (s === undefined) continue;
    total += s * c.weight;
    weights += c.weight;
  }
  return weights === 0 ? 0 : Math.round((total / weights) * 1000) / 1000;
}
