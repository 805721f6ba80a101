/**
 * "Fits me": a reader's barriers, said once — the languages they read, what they can pay, the hours
 * a week they have. It filters out what they cannot use (language, cost) unless they chose those
 * filters themselves, and ranks what fits their time first.
 */
import type { SearchParams } from './search-params.ts';

export const BUDGETS = ['free', 'scholarships', 'any'] as const;
export type Budget = (typeof BUDGETS)[number];

export interface FitProfile {
  languages: string[];
  budget: Budget;
  hoursPerWeek: number | null;
  /** Paused profiles are kept but not applied. */
  active: boolean;
}

export const FIT_COOKIE = 'cc_fit';

/** Costs a budget can meet: "free" includes fully funded; "scholarships" adds those with one. */
export function costsFor(budget: Budget): string[] | null {
  if (budget === 'free') return ['free', 'funded'];
  if (budget === 'scholarships') return ['free', 'funded', 'scholarships'];
  return null;
}

export function isEmptyProfile(profile: FitProfile): boolean {
  return profile.languages.length === 0 && profile.budget === 'any' && !profile.hoursPerWeek;
}

/** Cookie value: "fr.en~free~3~1" (languages~budget~hours~active): short, cookie-safe, nothing personal. */
export function encodeProfile(profile: FitProfile): string {
  return [
    profile.languages.join('.'),
    profile.budget,
    profile.hoursPerWeek ?? '',
    profile.active ? 1 : 0,
  ].join('~');
}

export function decodeProfile(value: string | undefined | null): FitProfile | null {
  if (!value || value.length > 200) return null;
  const [languageList = '', budget = '', hoursText = '', active = '1'] = value.split('~');
  const languages = languageList
    .split('.')
    .filter((l) => /^[a-z]{2}$/.test(l))
    .slice(0, 10);
  if (!BUDGETS.includes(budget as Budget)) return null;
  const hours = hoursText === '' ? null : Number(hoursText);
  if (hours !== null && (!Number.isFinite(hours) || hours <= 0 || hours > 168)) return null;
  return { languages, budget: budget as Budget, hoursPerWeek: hours, active: active !== '0' };
}

export interface AppliedFit {
  params: SearchParams;
  /** Which barriers the profile added as filters (those the reader had not set). */
  languages: boolean;
  cost: boolean;
  /** Hours a week to rank by, when the profile has them. */
  hoursPerWeek: number | null;
}

/** The search as the profile shapes it; explicit filters always win. */
export function applyFit(params: SearchParams, profile: FitProfile | null): AppliedFit {
  if (!profile || !profile.active || isEmptyProfile(profile)) {
    return { params, languages: false, cost: false, hoursPerWeek: null };
  }
  const next = { ...params };
  let languages = false;
  let cost = false;
  if (params.language.length === 0 && profile.languages.length > 0) {
    next.language = [...profile.languages];
    languages = true;
  }
  const costs = costsFor(profile.budget);
  if (params.cost.length === 0 && costs) {
    next.cost = costs;
    cost = true;
  }
  return { params: next, languages, cost, hoursPerWeek: profile.hoursPerWeek };
}

/**
 * Hours a week a resource asks: its hours over its weeks when it has dates; self-paced or undated
 * ones are taken to be spread over four weeks.
 */
export function weeklyHours(
  durationHours: number | null,
  startsOn: string | null,
  endsOn: string | null,
): number | null {
  if (durationHours === null) return null;
  if (startsOn && endsOn) {
    const days = (Date.parse(endsOn) - Date.parse(startsOn)) / 86_400_000;
    return durationHours / Math.max(1, (days + 1) / 7);
  }
  return durationHours / 4;
}
