import { looseList, looseText } from '../../platform/loose.ts';
import type { FieldError } from '../../platform/errors.ts';
import { isTerm, termCodes } from '../reference/index.ts';
import { isIsoDate } from './initiatives.ts';

export const NEED_STATUSES = ['open', 'in-progress', 'met', 'closed', 'withdrawn'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];
export const OFFER_STATUSES = [
  'proposed',
  'accepted',
  'declined',
  'withdrawn',
  'delivered',
] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface NeedInput {
  title: string;
  description: string;
  country: string | null;
  organisation: string | null;
  themes: string[];
  languages: string[];
  startsOn: string | null;
  endsOn: string | null;
}

export interface Need extends Omit<NeedInput, 'organisation'> {
  id: string;
  slug: string;
  organisation: { id: string; slug: string; name: string } | null;
  status: NeedStatus;
  postedBy: string | null;
  isDemo: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Offer {
  id: string;
  needId: string;
  organisation: { id: string; slug: string; name: string } | null;
  initiative: { id: string; slug: string; title: string } | null;
  message: string;
  status: OfferStatus;
  responseNote: string | null;
  offeredBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who may move an offer where: the need's side answers, the provider withdraws or delivers. */
export const OFFER_MOVES: Record<OfferStatus, { from: OfferStatus[]; by: 'need' | 'provider' }> = {
  proposed: { from: [], by: 'provider' },
  accepted: { from: ['proposed'], by: 'need' },
  declined: { from: ['proposed', 'accepted'], by: 'need' },
  withdrawn: { from: ['proposed', 'accepted'], by: 'provider' },
  delivered: { from: ['accepted'], by: 'provider' },
};

function text(v: unknown): string {
  return looseText(v).trim();
}

function items(v: unknown): string[] {
  return looseList(v, /[;,\s]+/);
}

export function normaliseNeed(
  raw: Record<string, unknown>,
  refs: { countries: ReadonlySet<string>; languages: ReadonlySet<string> },
): { value: NeedInput | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path: `/${path}`, message });
  const title = text(raw.title);
  if (!title) err('title', 'Say what is needed.');
  else if (title.length > 200) err('title', 'Use at most 200 characters.');
  const description = text(raw.description);
  if (description.length > 5000) err('description', 'Use at most 5,000 characters.');
  const country = text(raw.country).toUpperCase() || null;
  if (country && !refs.countries.has(country)) err('country', `Unknown country code "${country}".`);
  const organisation = text(raw.organisation) || null;
  if (!country && !organisation)
    err('country', 'Name the country, or the organisation, that has this need.');
  const themes = [...new Set(items(raw.themes))];
  if (themes.length === 0) err('themes', 'Choose at least one theme.');
  const bad = themes.filter((t) => !isTerm('theme', t));
  if (bad.length)
    err('themes', `Unknown theme: ${bad.join(', ')}. Themes: ${termCodes('theme').join(', ')}.`);
  const languages = [...new Set(items(raw.languages).map((l) => l.toLowerCase()))];
  const badLanguages = languages.filter((l) => !refs.languages.has(l));
  if (badLanguages.length)
    err('languages', `Unknown language code: ${badLanguages.join(', ')} (use ISO 639-1, e.g. fr).`);
  const startsOn = text(raw.startsOn) || null;
  const endsOn = text(raw.endsOn) || null;
  if (startsOn && !isIsoDate(startsOn)) err('startsOn', 'Write the date as YYYY-MM-DD.');
  if (endsOn && !isIsoDate(endsOn)) err('endsOn', 'Write the date as YYYY-MM-DD.');
  if (startsOn && endsOn && startsOn > endsOn)
    err('endsOn', 'The end date is before the start date.');
  if (errors.length) return { value: null, errors };
  return {
    value: { title, description, country, organisation, themes, languages, startsOn, endsOn },
    errors,
  };
}
