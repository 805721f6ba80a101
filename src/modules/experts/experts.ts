/**
 * Expert profiles: domain types and the pure rules of who sees what and how experts match a need.
 * No database here, so that the visibility rules can be tested exhaustively.
 */

/** Who may see one field: anyone, signed-in members, or only the person themselves. */
export const VISIBILITIES = ['public', 'members', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** The fields of a profile, each with its own visibility. */
export const PROFILE_FIELDS = [
  'name',
  'about',
  'expertise',
  'languages',
  'experience',
  'stakeholderGroup',
  'organisation',
  'availability',
  'links',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type FieldVisibility = Record<ProfileField, Visibility>;

/** A new profile shows everything to signed-in members only, until its owner widens it. */
export const DEFAULT_VISIBILITY: FieldVisibility = Object.freeze(
  Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 'members'])) as FieldVisibility,
);

/** Saves of one's own profile, per member (through the accounts module's `checkRateLimit`). */
export const PROFILE_SAVE_LIMIT = { limit: 30, windowSeconds: 60 * 60 } as const;

export const AVAILABILITY = ['missions', 'mentoring'] as const;
export type Availability = (typeof AVAILABILITY)[number];

export const LINK_KINDS = ['initiative', 'resource', 'session'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface ExpertLink {
  kind: LinkKind;
  label: string;
  /** A path on this platform ("/resources/x") or an http(s) address. */
  href: string;
}

export interface ExpertOrganisation {
  /** Set when the organisation is in the platform's index. */
  id: string | null;
  slug: string | null;
  name: string;
}

/** The whole profile, as its owner sees it. */
export interface ExpertProfile {
  id: string;
  userId: string;
  listed: boolean;
  name: string;
  about: string;
  themes: string[];
  cmmDimensions: string[];
  languages: string[];
  regions: string[];
  countries: string[];
  stakeholderGroup: string | null;
  organisation: ExpertOrganisation | null;
  availableFor: string[];
  availabilityNote: string;
  links: ExpertLink[];
  visibility: FieldVisibility;
  isDemo: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** How much of a profile a reader may see. */
export type Audience = 'public' | 'members' | 'owner';

export function audienceFor(viewerId: string | null, ownerId: string): Audience {
  if (viewerId && viewerId === ownerId) return 'owner';
  return viewerId ? 'members' : 'public';
}

export function canSee(level: Visibility, audience: Audience): boolean {
  if (audience === 'owner') return true;
  if (audience === 'members') return level !== 'private';
  return level === 'public';
}

/** The visibility levels a non-owner reader may see (for filtering in SQL). */
export function levelsFor(audience: Exclude<Audience, 'owner'>): Visibility[] {
  return audience === 'members' ? ['public', 'members'] : ['public'];
}

/** The widest audience any field of the profile reaches. */
export function widestAudience(visibility: FieldVisibility): Visibility {
  const levels = Object.values(visibility);
  if (levels.includes('public')) return 'public';
  if (levels.includes('members')) return 'members';
  return 'private';
}

/** A profile as one reader sees it: a hidden field is null (its value never leaves the server). */
export interface ExpertView {
  id: string;
  isOwner: boolean;
  isDemo: boolean;
  listed: boolean;
  name: string | null;
  about: string | null;
  themes: string[] | null;
  cmmDimensions: string[] | null;
  languages: string[] | null;
  regions: string[] | null;
  countries: string[] | null;
  stakeholderGroup: string | null;
  organisation: ExpertOrganisation | null;
  availableFor: string[] | null;
  availabilityNote: string | null;
  links: ExpertLink[] | null;
  /** Only for the owner: who sees each field. */
  visibility: FieldVisibility | null;
  updatedAt: Date;
}

export function viewOf(profile: ExpertProfile, audience: Audience): ExpertView {
  const show = (field: ProfileField) => canSee(profile.visibility[field], audience);
  const expertise = show('expertise');
  const experience = show('experience');
  const availability = show('availability');
  return {
    id: profile.id,
    isOwner: audience === 'owner',
    isDemo: profile.isDemo,
    listed: profile.listed,
    name: show('name') ? profile.name : null,
    about: show('about') ? profile.about : null,
    themes: expertise ? profile.themes : null,
    cmmDimensions: expertise ? profile.cmmDimensions : null,
    languages: show('languages') ? profile.languages : null,
    regions: experience ? profile.regions : null,
    countries: experience ? profile.countries : null,
    stakeholderGroup: show('stakeholderGroup') ? profile.stakeholderGroup : null,
    organisation: show('organisation') ? profile.organisation : null,
    availableFor: availability ? profile.availableFor : null,
    availabilityNote: availability ? profile.availabilityNote : null,
    links: show('links') ? profile.links : null,
    visibility: audience === 'owner' ? profile.visibility : null,
    updatedAt: profile.updatedAt,
  };
}

/** Labels used to make profiles findable by words (theme names, language names, places). */
export interface SearchLabels {
  theme(code: string): string;
  cmmDimension(code: string): string;
  language(code: string): string;
  place(code: string): string;
  stakeholderGroup(code: string): string;
}

/**
 * The words a profile can be found by, for readers at one level. Only fields visible at that level
 * go in, so that a text search cannot reveal a hidden value.
 */
export function searchText(
  profile: Omit<ExpertProfile, 'id' | 'userId' | 'createdAt' | 'updatedAt' | 'isDemo'>,
  audience: Audience,
  labels: SearchLabels,
): string {
  const show = (field: ProfileField) => canSee(profile.visibility[field], audience);
  const parts: string[] = [];
  if (show('name')) parts.push(profile.name);
  if (show('about')) parts.push(profile.about);
  if (show('expertise')) {
    parts.push(...profile.themes.map(labels.theme));
    parts.push(...profile.cmmDimensions.map(labels.cmmDimension));
  }
  if (show('languages')) parts.push(...profile.languages.map(labels.language));
  if (show('experience'))
    parts.push(...[...profile.regions, ...profile.countries].map(labels.place));
  if (show('stakeholderGroup') && profile.stakeholderGroup)
    parts.push(labels.stakeholderGroup(profile.stakeholderGroup));
  if (show('organisation') && profile.organisation) parts.push(profile.organisation.name);
  if (show('availability')) parts.push(profile.availabilityNote);
  if (show('links')) parts.push(...profile.links.map((l) => l.label));
  return parts.filter(Boolean).join(' \n ');
}

/**
 * Where a place lies: a country (ISO2) or region slug maps to itself and every region containing
 * it, most specific first ("GH" → GH, western-africa, sub-saharan-africa, africa).
 */
export type Geography = (place: string) => readonly string[];

/** Every place a profile's experience covers, including the regions that contain it. */
export function experienceArea(
  regions: readonly string[],
  countries: readonly string[],
  geography: Geography,
): string[] {
  return [...new Set([...countries, ...regions].flatMap((p) => geography(p)))];
}

const SAFE_PATH = /^\/(?!\/)[\w\-./~%?=&#]*$/;
/** A link on a profile: a path on this site or an http(s) address, never a script. */
export function isSafeHref(href: string): boolean {
  if (SAFE_PATH.test(href)) return !href.includes('..');
  try {
    const url = new URL(href);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !!url.hostname;
  } catch {
    return false;
  }
}

/** What a need asks for, in codes. */
export interface NeedCriteria {
  themes?: readonly string[];
  cmmDimensions?: readonly string[];
  languages?: readonly string[];
  /** Countries (ISO2) and/or region slugs. */
  places?: readonly string[];
}

export interface MatchLabels {
  theme(code: string): string;
  cmmDimension(code: string): string;
  language(code: string): string;
  place(code: string): string;
}

export interface MatchResult {
  score: number;
  reasons: string[];
  matched: { themes: string[]; cmmDimensions: string[]; languages: string[]; places: string[] };
}

/**
 * Why an expert fits a need, in words, from the fields the reader may see (a hidden field is null
 * in the view and cannot give a reason). Themes weigh most, then a place the expert knows closely,
 * then languages, then a broad region.
 */
export function matchReasons(
  view: ExpertView,
  need: NeedCriteria,
  geography: Geography,
  labels: MatchLabels,
): MatchResult {
  const themes = (need.themes ?? []).filter((t) => view.themes?.includes(t));
  const cmm = (need.cmmDimensions ?? []).filter((d) => view.cmmDimensions?.includes(d));
  const languages = (need.languages ?? []).filter((l) => view.languages?.includes(l));
  const declared = [...(view.countries ?? []), ...(view.regions ?? [])];
  const places: Array<{ place: string; close: boolean }> = [];
  for (const own of declared) {
    for (const wanted of need.places ?? []) {
      // The expert's place lies within the need's place (close), or contains it (broad).
      if (geography(own).includes(wanted)) places.push({ place: own, close: true });
      else if (geography(wanted).includes(own)) places.push({ place: own, close: false });
    }
  }
  const placeList = [...new Map(places.map((p) => [p.place, p])).values()];
  const score =
    3 * themes.length +
    2 * cmm.length +
    2 * languages.length +
    placeList.reduce((s, p) => s + (p.close ? 2 : 1), 0);
  const reasons: string[] = [];
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  if (themes.length) reasons.push(`works on ${list(themes.map((t) => lower(labels.theme(t))))}`);
  if (cmm.length) reasons.push(`works on ${list(cmm.map((d) => lower(labels.cmmDimension(d))))}`);
  if (languages.length) reasons.push(`speaks ${list(languages.map(labels.language))}`);
  if (placeList.length)
    reasons.push(`experience in ${list(placeList.map((p) => labels.place(p.place)))}`);
  return {
    score,
    reasons,
    matched: {
      themes,
      cmmDimensions: cmm,
      languages,
      places: placeList.map((p) => p.place),
    },
  };
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
