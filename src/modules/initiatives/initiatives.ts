import { looseList, looseText } from '../../platform/loose.ts';
import type { FieldError } from '../../platform/errors.ts';
import { isTerm, termCodes } from '../reference/index.ts';

export const ACTIVITY_STATUSES = termCodes('activityStatus');
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const WORKFLOW_STATES = ['draft', 'submitted', 'returned', 'published', 'archived'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

/** IATI's participating-organisation roles, plus "partner" (kept as implementing in IATI files). */
export const PARTICIPANT_ROLES = [
  'implementing',
  'funding',
  'accountable',
  'extending',
  'partner',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export interface Participant {
  role: ParticipantRole;
  /** Set when the organisation is in the directory. */
  organisationId: string | null;
  slug: string | null;
  name: string;
  /** An identifier from elsewhere, e.g. an IATI organisation identifier. */
  ref: string | null;
}

export type Translations = Record<string, { title?: string; description?: string }>;

/** What an author, an import row or an IATI activity provides. */
export interface InitiativeInput {
  externalId: string | null;
  slug: string | null;
  title: string;
  description: string;
  language: string;
  translations: Translations;
  participants: Participant[];
  countries: string[];
  regions: string[];
  themes: string[];
  cmm: string[];
  startsOn: string | null;
  endsOn: string | null;
  status: ActivityStatus;
  budget: number | null;
  currency: string | null;
  outputs: string[];
  links: string[];
}

export interface Initiative extends InitiativeInput {
  id: string;
  slug: string;
  workflow: WorkflowState;
  reviewNote: string | null;
  createdBy: string | null;
  submittedAt: Date | null;
  publishedAt: Date | null;
  isDemo: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What validation needs to know about the world. */
export interface InitiativeRefs {
  countries: ReadonlySet<string>;
  regions: ReadonlySet<string>;
  /** Directory organisations by slug. */
  organisations: ReadonlyMap<string, { id: string; name: string }>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LANGUAGE = /^[a-z]{2}$/;
let currencies: Set<string> | null = null;
function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

export function isIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A list from an array or from text separated by `separator` (CSV cells), trimmed, empties dropped. */
export const listOf = looseList;

function text(value: unknown): string {
  return looseText(value).trim();
}

/**
 * Turns loose input (a form, an API body, a CSV row, a JSON record) into a clean initiative or a
 * list of every problem, each tied to its field under `prefix` (e.g. "/rows/3").
 */
export function normaliseInitiative(
  raw: Record<string, unknown>,
  refs: InitiativeRefs,
  prefix = '',
): { value: InitiativeInput | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) =>
    errors.push({ path: `${prefix}/${field}`, message });

  // Titles and descriptions may come as text or as {language: text} (the demo and IATI shape).
  let language = text(raw.language) || 'en';
  if (!LANGUAGE.test(language)) {
    err('language', 'Use a two-letter ISO 639-1 language code, e.g. "en".');
    language = 'en';
  }
  const translations: Translations = {};
  const pick = (field: 'title' | 'description'): string => {
    const value = raw[field];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).filter(
        ([k, v]) => LANGUAGE.test(k) && typeof v === 'string' && v.trim(),
      );
      const main = entries.find(([k]) => k === language) ?? entries[0];
      if (main && main[0] !== language && !text(raw.language)) language = main[0];
      for (const [k, v] of entries) {
        if (k === language) continue;
        translations[k] = { ...translations[k], [field]: String(v).trim() };
      }
      return main ? String(main[1]).trim() : '';
    }
    return text(value);
  };
  const title = pick('title');
  const description = pick('description');
  if (raw.translations && typeof raw.translations === 'object') {
    for (const [k, v] of Object.entries(raw.translations as Record<string, unknown>)) {
      if (!LANGUAGE.test(k) || !v || typeof v !== 'object') {
        err('translations', `Translations are keyed by two-letter language codes ("${k}" is not).`);
        continue;
      }
      const t = v as Record<string, unknown>;
      translations[k] = {
        ...(text(t.title) ? { title: text(t.title) } : {}),
        ...(text(t.description) ? { description: text(t.description) } : {}),
      };
    }
  }
  if (!title) err('title', 'Give the initiative a title.');
  else if (title.length > 300) err('title', 'Use at most 300 characters.');
  if (!description) err('description', 'Describe what the initiative does.');
  else if (description.length > 10000) err('description', 'Use at most 10,000 characters.');

  const externalId = text(raw.externalId) || null;
  if (externalId && externalId.length > 200) err('externalId', 'Use at most 200 characters.');
  const slug = text(raw.slug) || null;
  if (slug && (!SLUG.test(slug) || slug.length > 100)) {
    err('slug', 'Use lower-case letters, digits and single hyphens (at most 100 characters).');
  }

  // Organisations: slugs from the directory, or plain names for organisations outside it.
  const participants: Participant[] = [];
  const roleFields: Array<[string, ParticipantRole]> = [
    ['implementers', 'implementing'],
    ['funders', 'funding'],
    ['partners', 'partner'],
  ];
  if (Array.isArray(raw.participants)) {
    raw.participants.forEach((p, i) => {
      const item = (p ?? {}) as Record<string, unknown>;
      const role = text(item.role) as ParticipantRole;
      if (!(PARTICIPANT_ROLES as readonly string[]).includes(role)) {
        err(`participants/${i}/role`, `Choose a role: ${PARTICIPANT_ROLES.join(', ')}.`);
        return;
      }
      const slugOrName = text(item.organisation) || text(item.name);
      const resolved = resolveOrganisation(slugOrName, refs);
      if (!slugOrName) err(`participants/${i}/name`, 'Name the organisation.');
      else if (resolved === 'unknown')
        err(`participants/${i}/organisation`, unknownOrganisation(slugOrName));
      else participants.push({ role, ...resolved, ref: text(item.ref) || null });
    });
  }
  for (const [field, role] of roleFields) {
    for (const entry of listOf(raw[field])) {
      const resolved = resolveOrganisation(entry, refs);
      if (resolved === 'unknown') err(field, unknownOrganisation(entry));
      else if (!participants.some((p) => p.role === role && p.name === resolved.name))
        participants.push({ role, ...resolved, ref: null });
    }
  }
  if (!participants.some((p) => p.role === 'implementing')) {
    err('implementers', 'Name at least one implementing organisation.');
  }

  const countries = [...new Set(listOf(raw.countries).map((c) => c.toUpperCase()))];
  const badCountries = countries.filter((c) => !refs.countries.has(c));
  if (badCountries.length) {
    err(
      'countries',
      `Unknown country code${badCountries.length > 1 ? 's' : ''}: ${badCountries.join(', ')}. Use ISO 3166-1 alpha-2 codes such as GH.`,
    );
  }
  const regions = [...new Set(listOf(raw.regions).map((r) => r.toLowerCase()))];
  const badRegions = regions.filter((r) => !refs.regions.has(r));
  if (badRegions.length) {
    err(
      'regions',
      `Unknown region${badRegions.length > 1 ? 's' : ''}: ${badRegions.join(', ')}. Use UN M49 region slugs such as western-africa or oceania.`,
    );
  }
  if (countries.length === 0 && regions.length === 0) {
    err('countries', 'Name at least one beneficiary country or region.');
  }
  const themes = [...new Set(listOf(raw.themes))];
  const badThemes = themes.filter((t) => !isTerm('theme', t));
  if (badThemes.length)
    err(
      'themes',
      `Unknown theme: ${badThemes.join(', ')}. Themes: ${termCodes('theme').join(', ')}.`,
    );
  if (themes.length === 0) err('themes', 'Choose at least one theme.');
  const cmm = [...new Set(listOf(raw.cmm))];
  const badCmm = cmm.filter((t) => !isTerm('cmmDimension', t));
  if (badCmm.length) err('cmm', `Unknown CMM dimension: ${badCmm.join(', ')}.`);

  const startsOn = text(raw.startsOn) || null;
  const endsOn = text(raw.endsOn) || null;
  if (startsOn && !isIsoDate(startsOn)) err('startsOn', 'Write the date as YYYY-MM-DD.');
  if (endsOn && !isIsoDate(endsOn)) err('endsOn', 'Write the date as YYYY-MM-DD.');
  if (startsOn && endsOn && isIsoDate(startsOn) && isIsoDate(endsOn) && startsOn > endsOn) {
    err('endsOn', 'The end date is before the start date.');
  }
  const status = (text(raw.status) || 'implementation') as ActivityStatus;
  if (!isTerm('activityStatus', status)) {
    err('status', `Choose a status: ${ACTIVITY_STATUSES.join(', ')}.`);
  }

  let budget: number | null = null;
  const rawBudget = raw.budget;
  if (rawBudget !== undefined && rawBudget !== null && text(rawBudget) !== '') {
    budget =
      typeof rawBudget === 'number' ? rawBudget : Number(text(rawBudget).replace(/[\s,]/g, ''));
    if (!Number.isFinite(budget) || budget < 0 || budget >= 1e14) {
      err('budget', 'Give the budget as a positive number, e.g. 250000.');
      budget = null;
    }
  }
  const currency = text(raw.currency).toUpperCase() || null;
  if (currency && !isCurrency(currency))
    err('currency', `Unknown currency "${currency}": use an ISO 4217 code such as EUR.`);
  if (budget !== null && !currency) err('currency', 'Give the currency of the budget.');

  const outputs = listOf(raw.outputs, '|');
  if (outputs.some((o) => o.length > 500)) err('outputs', 'Keep each output under 500 characters.');
  const links = listOf(raw.links, /[;\s]+/);
  const badLinks = links.filter((l) => !isHttpUrl(l));
  if (badLinks.length) err('links', `Not a web address: ${badLinks.join(', ')}.`);

  if (errors.length) return { value: null, errors };
  return {
    value: {
      externalId,
      slug,
      title,
      description,
      language,
      translations,
      participants,
      countries,
      regions,
      themes,
      cmm,
      startsOn,
      endsOn,
      status,
      budget,
      currency,
      outputs,
      links,
    },
    errors,
  };
}

function unknownOrganisation(slug: string): string {
  return `Unknown organisation "${slug}": use the slug of an organisation in the directory, or its full name.`;
}

/** A directory slug, or a name (with a space or a capital) for an organisation outside it. */
function resolveOrganisation(
  entry: string,
  refs: InitiativeRefs,
): Pick<Participant, 'organisationId' | 'slug' | 'name'> | 'unknown' {
  const known = refs.organisations.get(entry);
  if (known) return { organisationId: known.id, slug: entry, name: known.name };
  if (SLUG.test(entry)) return 'unknown';
  return { organisationId: null, slug: null, name: entry.slice(0, 300) };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The IATI status that the dates imply on `today`, for lifecycle states only (cancelled and
 * suspended are decisions, not dates): not started → pipeline, running → implementation, ended
 * within a year → completion (finalisation), ended earlier → post-completion (closed).
 */
export function statusOn(
  item: Pick<InitiativeInput, 'status' | 'startsOn' | 'endsOn'>,
  today: string,
): ActivityStatus {
  if (item.status === 'cancelled' || item.status === 'suspended') return item.status;
  if (item.startsOn && item.startsOn > today) return 'pipeline';
  if (!item.endsOn || item.endsOn >= today) return item.startsOn ? 'implementation' : item.status;
  const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  return item.endsOn >= yearAgo ? 'completion' : 'post-completion';
}

/** Whether an initiative runs on `day` (status and dates agree it is under way). */
export function isOngoing(
  item: Pick<InitiativeInput, 'status' | 'startsOn' | 'endsOn'>,
  day: string,
): boolean {
  if (item.status !== 'implementation') return false;
  return (!item.startsOn || item.startsOn <= day) && (!item.endsOn || item.endsOn >= day);
}

/** Non-M49 region names found in older data, and the M49 region they mean (null: drop). */
export const REGION_ALIASES: Readonly<Record<string, string | null>> = {
  pacific: 'oceania',
  'middle-east': 'western-asia',
  global: null,
  worldwide: null,
};

export function mapRegionAliases(regions: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of regions) {
    const mapped = r in REGION_ALIASES ? REGION_ALIASES[r] : r;
    if (mapped) out.add(mapped);
  }
  return [...out];
}

export function participantsOf(
  initiative: Pick<InitiativeInput, 'participants'>,
  role: ParticipantRole,
): Participant[] {
  return initiative.participants.filter((p) => p.role === role);
}

const THEME_CUES: ReadonlyArray<[string, RegExp]> = [
  [
    'cybercrime',
    /cyber ?crime|electronic evidence|e-evidence|forensic|prosecut|budapest convention|investigat/i,
  ],
  [
    'incident-management',
    /\b(cert|csirt|soc)\b|incident|critical (information )?infrastructure|threat/i,
  ],
  ['policy-strategy', /strateg|polic(y|ies)|governance framework|action plan/i],
  ['culture-skills', /awareness|skills|curricul|education|training of|school|literacy/i],
  ['standards', /standard|certification|iso ?\/?(iec)? ?27001|audit/i],
  ['international-law', /international law|humanitarian law/i],
  ['norms', /\bnorms?\b|responsible (state )?behaviou?r/i],
  ['cbms', /confidence[- ]building|\bcbms?\b/i],
  ['data-protection', /data protection|privacy|personal data/i],
  ['internet-governance', /internet governance|\bigf\b|multistakeholder/i],
];

/** Themes read from free text, for records (IATI files) that carry none of the platform's codes. */
export function inferThemes(text: string): string[] {
  return THEME_CUES.filter(([, cue]) => cue.test(text)).map(([code]) => code);
}
