import { looseText } from '../../platform/loose.ts';
import type { FieldError } from '../../platform/errors.ts';

export const ORGANISATION_KINDS = [
  'government',
  'regional-organisation',
  'international-organisation',
  'ngo',
  'company',
  'technical-body',
  'university',
  'think-tank',
  'foundation',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  acronym: string | null;
  stakeholderGroup: string;
  kind: string;
  country: string | null;
  website: string | null;
  description: string;
  ecosocStatus: boolean;
  memberStates: string[];
}

/** An organisation as imported or exported (CSV columns, JSON fields). */
export interface OrganisationInput {
  slug: string;
  name: string;
  acronym: string | null;
  stakeholderGroup: string;
  kind: string;
  country: string | null;
  website: string | null;
  description: string;
  ecosocStatus: boolean;
  memberStates: string[];
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function cell(value: unknown): string {
  return looseText(value).trim();
}

/** Checks one organisation record; every problem is tied to its field under `prefix`. */
export function normaliseOrganisation(
  raw: Record<string, unknown>,
  refs: { countries: ReadonlySet<string>; stakeholderGroups: ReadonlySet<string> },
  prefix = '',
): { value: OrganisationInput | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) =>
    errors.push({ path: `${prefix}/${field}`, message });
  const slug = cell(raw.slug);
  if (!slug) err('slug', 'Give the organisation a slug, e.g. "african-union".');
  else if (!SLUG.test(slug) || slug.length > 100)
    err('slug', 'Use lower-case letters, digits and single hyphens (at most 100 characters).');
  const name = cell(raw.name);
  if (!name) err('name', 'Give the organisation its name.');
  else if (name.length > 300) err('name', 'Use at most 300 characters.');
  const acronym = cell(raw.acronym) || null;
  if (acronym && acronym.length > 40) err('acronym', 'Use at most 40 characters.');
  const stakeholderGroup = cell(raw.stakeholderGroup);
  if (!refs.stakeholderGroups.has(stakeholderGroup))
    err('stakeholderGroup', `Choose one of: ${[...refs.stakeholderGroups].join(', ')}.`);
  const kind = cell(raw.kind);
  if (!(ORGANISATION_KINDS as readonly string[]).includes(kind))
    err('kind', `Choose one of: ${ORGANISATION_KINDS.join(', ')}.`);
  const country = cell(raw.country).toUpperCase() || null;
  if (country && !refs.countries.has(country)) err('country', `Unknown country code "${country}".`);
  const website = cell(raw.website) || null;
  if (website) {
    let ok: boolean;
    try {
      ok = ['http:', 'https:'].includes(new URL(website).protocol);
    } catch {
      ok = false;
    }
    if (!ok) err('website', 'Give a web address starting with https://.');
  }
  const description = cell(raw.description);
  if (description.length > 5000) err('description', 'Use at most 5,000 characters.');
  const rawMembers = raw.memberStates;
  const memberStates = [
    ...new Set(
      (Array.isArray(rawMembers) ? rawMembers.map(looseText) : cell(rawMembers).split(/[;,\s]+/))
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    ),
  ].sort();
  const badMembers = memberStates.filter((c) => !refs.countries.has(c));
  if (badMembers.length) err('memberStates', `Unknown country codes: ${badMembers.join(', ')}.`);
  const e = raw.ecosocStatus;
  const ecosocStatus = e === true || ['true', 'yes', '1'].includes(cell(e).toLowerCase());
  if (errors.length) return { value: null, errors };
  return {
    value: {
      slug,
      name,
      acronym,
      stakeholderGroup,
      kind,
      country,
      website,
      description,
      ecosocStatus,
      memberStates,
    },
    errors,
  };
}
