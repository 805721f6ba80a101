/**
 * Resources of the catalogue: training courses, programmes, tools, publications… Domain types and
 * the pure rules that every way in (form, API, import) shares.
 */
import type { FieldError } from '../../platform/errors.ts';
import { slugify } from '../../platform/ids.ts';
import { termCodes } from '../reference/index.ts';
import type { ResourceStatus, LinkStatus } from './catalogue.table.ts';

export type { ResourceStatus, LinkStatus };

export const KINDS = termCodes('resourceKind');
export const THEMES = termCodes('theme');
export const AUDIENCES = termCodes('audience');
export const LEVELS = termCodes('level');
export const FORMATS = termCodes('format');
export const REGISTRATIONS = termCodes('registration');
export const COSTS = termCodes('cost');
export const STATUSES: readonly ResourceStatus[] = [
  'draft',
  'submitted',
  'changes_requested',
  'published',
  'archived',
];
/** The regions the catalogue filters and counts by (UN M49 regions). */
export const REGIONS = ['africa', 'americas', 'asia', 'europe', 'oceania'] as const;
/** The six UN languages come first in forms and CSV files; any ISO 639-1 code is accepted. */
export const UN_LANGUAGES = ['en', 'fr', 'es', 'ru', 'zh', 'ar'] as const;

export interface Provider {
  name: string;
  /** The organisation this provider name was matched to, if any. */
  organisationSlug: string | null;
}

/** What a resource is made of, as written by forms, the API and imports. */
export interface ResourceInput {
  externalId: string | null;
  slug: string | null;
  kind: string;
  /** Language code → text; at least one title. */
  title: Record<string, string>;
  summary: Record<string, string>;
  /** Markdown; sanitised when shown. */
  description: string;
  descriptionLanguage: string | null;
  url: string;
  providers: string[];
  themes: string[];
  audiences: string[];
  level: string | null;
  format: string;
  registration: string;
  cost: string;
  price: number | null;
  currency: string | null;
  eligibility: string | null;
  durationHours: number | null;
  languages: string[];
  regions: string[];
  countries: string[];
  startsOn: string | null;
  endsOn: string | null;
  enrolBy: string | null;
  certificate: boolean;
  accessibility: string | null;
  verifiedAt: string | null;
}

/** A resource as the rest of the platform sees it. */
export interface Resource extends Omit<ResourceInput, 'providers'> {
  id: string;
  slug: string;
  status: ResourceStatus;
  providers: Provider[];
  organisationId: string | null;
  revision: number;
  reviewNote: string | null;
  link: {
    status: LinkStatus;
    httpStatus: number | null;
    location: string | null;
    error: string | null;
    checkedAt: Date | null;
  };
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** The fields a snapshot (revision) keeps and a comparison shows, in display order. */
export const SNAPSHOT_FIELDS = [
  'kind',
  'title',
  'summary',
  'description',
  'url',
  'providers',
  'themes',
  'audiences',
  'level',
  'format',
  'registration',
  'cost',
  'price',
  'currency',
  'eligibility',
  'durationHours',
  'languages',
  'regions',
  'countries',
  'startsOn',
  'endsOn',
  'enrolBy',
  'certificate',
  'accessibility',
  'verifiedAt',
  'externalId',
] as const;
export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number];

export function snapshotOf(input: ResourceInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELDS) out[field] = input[field];
  return out;
}

/** Field-by-field differences between two snapshots, for the revision comparison page. */
export function diffSnapshots(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Array<{ field: SnapshotField; before: unknown; after: unknown }> {
  const changes: Array<{ field: SnapshotField; before: unknown; after: unknown }> = [];
  for (const field of SNAPSHOT_FIELDS) {
    const a = before[field] ?? null;
    const b = after[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, before: a, after: b });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Validation: one function for every way in. Input is anything (JSON, a CSV row made into an
// object, a form); the result is a clean ResourceInput or every problem, each tied to its field.

const LANGUAGE_CODE = /^[a-z]{2}$/;
const COUNTRY_CODE = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EXTERNAL_ID = /^[\w.:/-]{1,120}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ValidationContext {
  /** Known ISO 639-1 codes and ISO 3166-1 alpha-2 codes (from the reference module). */
  languages: ReadonlySet<string>;
  countries: ReadonlySet<string>;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function isValidDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname;
  } catch {
    return false;
  }
}

class Checker {
  errors: FieldError[] = [];
  constructor(private readonly raw: Record<string, unknown>) {}

  fail(field: string, message: string): void {
    if (!this.errors.some((e) => e.path === `/${field}`))
      this.errors.push({ path: `/${field}`, message });
  }

  text(field: string, opts: { required?: boolean; max?: number } = {}): string | null {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') {
      if (opts.required) this.fail(field, 'This field is required.');
      return null;
    }
    if (typeof value !== 'string') {
      this.fail(field, 'Must be text.');
      return null;
    }
    const trimmed = value.trim();
    if (!trimmed) {
      if (opts.required) this.fail(field, 'This field is required.');
      return null;
    }
    if (opts.max && trimmed.length > opts.max) {
      this.fail(field, `Use at most ${opts.max} characters.`);
      return null;
    }
    return trimmed;
  }

  code(field: string, allowed: readonly string[], required: boolean): string | null {
    const value = this.text(field, { required });
    if (value === null) return null;
    if (!allowed.includes(value)) {
      this.fail(field, `"${value}" is not one of: ${allowed.join(', ')}.`);
      return null;
    }
    return value;
  }

  /** A list: an array, or text separated by semicolons (and commas, for codes). */
  list(field: string, separator: RegExp = /[;,]/): string[] {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return [];
    const items = typeof value === 'string' ? value.split(separator) : value;
    if (!Array.isArray(items) || items.some((i) => typeof i !== 'string')) {
      this.fail(field, 'Must be a list of text values.');
      return [];
    }
    return [...new Set(items.map((i: string) => i.trim()).filter(Boolean))];
  }

  codes(field: string, allowed: readonly string[], required = false): string[] {
    const values = this.list(field);
    const unknown = values.filter((v) => !allowed.includes(v));
    if (unknown.length) {
      this.fail(field, `Unknown value${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
      return [];
    }
    if (required && values.length === 0) this.fail(field, 'Choose at least one.');
    return values;
  }

  number(field: string, opts: { min: number; max: number; exclusiveMin?: boolean }) {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(n)) {
      this.fail(field, 'Must be a number.');
      return null;
    }
    if (opts.exclusiveMin ? n <= opts.min : n < opts.min) {
      this.fail(field, `Must be more than ${opts.min}.`);
      return null;
    }
    if (n > opts.max) {
      this.fail(field, `Must be at most ${opts.max}.`);
      return null;
    }
    return n;
  }

  date(field: string): string | null {
    const value = this.text(field);
    if (value === null) return null;
    if (!isValidDate(value)) {
      this.fail(field, 'Use a date in the form YYYY-MM-DD.');
      return null;
    }
    return value;
  }

  boolean(field: string): boolean {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return false;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const v = value.trim().toLowerCase();
      if (['true', 'yes', '1', 'on', 'y'].includes(v)) return true;
      if (['false', 'no', '0', 'off', 'n'].includes(v)) return false;
    }
    this.fail(field, 'Must be true or false.');
    return false;
  }

  texts(field: string, languages: ReadonlySet<string>, max: number): Record<string, string> {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return {};
    if (typeof value === 'string') return { en: value.trim() };
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, 'Must be texts by language code, e.g. {"en": "…", "fr": "…"}.');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [lang, text] of Object.entries(value as Record<string, unknown>)) {
      if (text === undefined || text === null || text === '') continue;
      if (!LANGUAGE_CODE.test(lang) || !languages.has(lang)) {
        this.fail(field, `"${lang}" is not an ISO 639-1 language code.`);
        continue;
      }
      if (typeof text !== 'string') {
        this.fail(field, `The ${lang} text must be text.`);
        continue;
      }
      const trimmed = text.trim();
      if (!trimmed) continue;
      if (trimmed.length > max) {
        this.fail(field, `Use at most ${max} characters (${lang}).`);
        continue;
      }
      out[lang] = trimmed;
    }
    return out;
  }
}

const KNOWN_FIELDS = new Set<string>([
  'externalId',
  'slug',
  'kind',
  'title',
  'summary',
  'description',
  'descriptionLanguage',
  'url',
  'providers',
  'themes',
  'audiences',
  'level',
  'format',
  'registration',
  'cost',
  'price',
  'currency',
  'eligibility',
  'durationHours',
  'languages',
  'regions',
  'countries',
  'startsOn',
  'endsOn',
  'enrolBy',
  'certificate',
  'accessibility',
  'verifiedAt',
]);

/** Checks and normalises a resource from any source. Unknown fields are errors, not ignored. */
export function checkResourceInput(raw: unknown, ctx: ValidationContext): Checked<ResourceInput> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: [{ path: '/', message: 'Expected an object with the fields.' }] };
  }
  const record = raw as Record<string, unknown>;
  const c = new Checker(record);
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) c.fail(key, `Unknown field "${key}".`);
  }
  const externalId = c.text('externalId', { max: 120 });
  if (externalId && !EXTERNAL_ID.test(externalId))
    c.fail('externalId', 'Use letters, digits and . : / _ - only.');
  const slug = c.text('slug', { max: 80 });
  if (slug && !SLUG.test(slug))
    c.fail('slug', 'Use lower-case letters, digits and single hyphens.');
  const kind = c.code('kind', KINDS, true);
  const title = c.texts('title', ctx.languages, 300);
  if (Object.keys(title).length === 0 && !c.errors.some((e) => e.path === '/title'))
    c.fail('title', 'Give a title in at least one language.');
  const summary = c.texts('summary', ctx.languages, 1000);
  const description = c.text('description', { max: 20000 }) ?? '';
  let descriptionLanguage = c.text('descriptionLanguage', { max: 2 });
  if (descriptionLanguage && !ctx.languages.has(descriptionLanguage))
    c.fail('descriptionLanguage', 'Use an ISO 639-1 language code.');
  const url = c.text('url', { required: true, max: 2000 });
  if (url && !isHttpUrl(url)) c.fail('url', 'Give a full web address starting with https://.');
  const providers = c.list('providers', /;/);
  if (providers.some((p) => p.length > 200)) c.fail('providers', 'Use at most 200 characters.');
  const themes = c.codes('themes', THEMES, true);
  const audiences = c.codes('audiences', AUDIENCES);
  const level = c.code('level', LEVELS, false);
  const format = c.code('format', FORMATS, true);
  const registration = c.code('registration', REGISTRATIONS, false) ?? 'direct';
  const cost = c.code('cost', COSTS, true);
  const price = c.number('price', { min: 0, max: 1_000_000 });
  let currency = c.text('currency', { max: 3 });
  if (currency) {
    currency = currency.toUpperCase();
    if (!CURRENCY.test(currency)) c.fail('currency', 'Use an ISO 4217 code such as USD or EUR.');
  }
  if (cost === 'paid' && price === null)
    c.fail('price', 'A paid resource needs its price (and currency).');
  if (price !== null && price > 0 && !currency)
    c.fail('currency', 'Give the currency of the price.');
  const eligibility = c.text('eligibility', { max: 1000 });
  const durationHours = c.number('durationHours', { min: 0, max: 10000, exclusiveMin: true });
  const languages = c.list('languages').map((l) => l.toLowerCase());
  const badLanguages = languages.filter((l) => !LANGUAGE_CODE.test(l) || !ctx.languages.has(l));
  if (badLanguages.length)
    c.fail('languages', `Unknown language codes: ${badLanguages.join(', ')}.`);
  const regions = c.codes('regions', REGIONS);
  const countries = c.list('countries').map((x) => x.toUpperCase());
  const badCountries = countries.filter((x) => !COUNTRY_CODE.test(x) || !ctx.countries.has(x));
  if (badCountries.length)
    c.fail('countries', `Unknown country codes: ${badCountries.join(', ')}.`);
  const startsOn = c.date('startsOn');
  const endsOn = c.date('endsOn');
  const enrolBy = c.date('enrolBy');
  if (startsOn && endsOn && endsOn < startsOn) c.fail('endsOn', 'Must not be before the start.');
  if (enrolBy && endsOn && enrolBy > endsOn)
    c.fail('enrolBy', 'The enrolment deadline must not be after the end.');
  const certificate = c.boolean('certificate');
  const accessibility = c.text('accessibility', { max: 1000 });
  const verifiedAt = c.date('verifiedAt');

  if (c.errors.length) return { ok: false, errors: c.errors };
  const titleLanguages = Object.keys(title);
  descriptionLanguage ??= description ? (titleLanguages[0] ?? null) : null;
  return {
    ok: true,
    value: {
      externalId,
      slug,
      kind: kind!,
      title,
      summary,
      description,
      descriptionLanguage,
      url: url!,
      providers,
      themes,
      audiences,
      level,
      format: format!,
      registration,
      cost: cost!,
      price,
      currency,
      eligibility,
      durationHours,
      // A resource offered in no stated language is taken to be in the languages of its title.
      languages: languages.length ? [...new Set(languages)] : titleLanguages,
      regions,
      countries: [...new Set(countries)],
      startsOn,
      endsOn,
      enrolBy,
      certificate,
      accessibility,
      verifiedAt,
    },
  };
}

/** The best of a set of texts for a reader: their language, then English, then any. */
export function pickText(
  texts: Record<string, string>,
  locale: string,
): { text: string; language: string } | null {
  for (const lang of [locale, 'en', ...Object.keys(texts)]) {
    const text = texts[lang];
    if (text) return { text, language: lang };
  }
  return null;
}

export function slugFor(input: Pick<ResourceInput, 'slug' | 'title'>): string {
  if (input.slug) return input.slug;
  const title = pickText(input.title, 'en');
  return slugify(title?.text ?? 'resource');
}

/** Unverified for more than a year: editors should look again. */
export function isStale(verifiedAt: string | null, today: Date): boolean {
  if (!verifiedAt) return true;
  const limit = new Date(today);
  limit.setUTCFullYear(limit.getUTCFullYear() - 1);
  return verifiedAt < limit.toISOString().slice(0, 10);
}

/** schema.org type: learning offers are Courses, everything else a CreativeWork. */
export function schemaOrgType(kind: string): 'Course' | 'CreativeWork' | 'Dataset' {
  if (kind === 'course' || kind === 'programme') return 'Course';
  if (kind === 'dataset') return 'Dataset';
  return 'CreativeWork';
}
