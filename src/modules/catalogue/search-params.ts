/**
 * The search parameters shared by GET /api/v1/resources, the /catalogue page, exports, feeds and
 * saved searches (names in CONTRACT.md). Pure: raw values in, clean parameters or errors out.
 */
import type { FieldError } from '../../platform/errors.ts';
import {
  AUDIENCES,
  COSTS,
  FORMATS,
  KINDS,
  LEVELS,
  REGIONS,
  THEMES,
  type Checked,
} from './resources.ts';

export const SORTS = ['relevance', 'newest', 'deadline'] as const;
export type Sort = (typeof SORTS)[number];

/** Filters whose values are lists (comma-separated or repeated in a query string). */
export const LIST_FILTERS = [
  'kind',
  'theme',
  'audience',
  'level',
  'format',
  'cost',
  'language',
  'region',
  'country',
] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export const PARAM_NAMES = [
  'q',
  ...LIST_FILTERS,
  'maxHours',
  'enrolmentOpen',
  'sort',
  'page',
  'pageSize',
] as const;

export interface SearchParams {
  q: string | null;
  kind: string[];
  theme: string[];
  audience: string[];
  level: string[];
  format: string[];
  cost: string[];
  language: string[];
  region: string[];
  country: string[];
  maxHours: number | null;
  enrolmentOpen: boolean;
  sort: Sort;
  page: number;
  pageSize: number;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** The closed vocabularies; language and country are checked by pattern. */
const VOCABULARY: Partial<Record<ListFilter, readonly string[]>> = {
  kind: KINDS,
  theme: THEMES,
  audience: AUDIENCES,
  level: LEVELS,
  format: FORMATS,
  cost: COSTS,
  region: REGIONS,
};

export function emptySearch(): SearchParams {
  return {
    q: null,
    kind: [],
    theme: [],
    audience: [],
    level: [],
    format: [],
    cost: [],
    language: [],
    region: [],
    country: [],
    maxHours: null,
    enrolmentOpen: false,
    sort: 'relevance',
    page: 1,
    pageSize: DEFAULT_PAGE_SIZE,
  };
}

function values(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return items
    .flatMap((item) => String(item).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function single(raw: unknown): string | null {
  const all = Array.isArray(raw) ? raw : [raw];
  const last = all[all.length - 1];
  if (last === undefined || last === null) return null;
  const text = String(last).trim();
  return text === '' ? null : text;
}

/** Query string (URLSearchParams) → the record shape a parsed query string has. */
export function recordFromParams(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/** Checks every parameter; unknown names and values are errors (the API answers 400). */
export function parseSearch(raw: Record<string, unknown>): Checked<SearchParams> {
  const errors: FieldError[] = [];
  const out = emptySearch();
  for (const key of Object.keys(raw)) {
    if (!(PARAM_NAMES as readonly string[]).includes(key))
      errors.push({ path: `/querystring/${key}`, message: `Unknown field "${key}".` });
  }
  const q = single(raw.q);
  if (q !== null) {
    if (q.length > 200)
      errors.push({ path: '/querystring/q', message: 'Use at most 200 characters.' });
    else out.q = q;
  }
  for (const name of LIST_FILTERS) {
    const list = [...new Set(values(raw[name]))];
    if (list.length > 30) {
      errors.push({ path: `/querystring/${name}`, message: 'Choose at most 30.' });
      continue;
    }
    const allowed = VOCABULARY[name];
    const normalised =
      name === 'country'
        ? list.map((v) => v.toUpperCase())
        : name === 'language'
          ? list.map((v) => v.toLowerCase())
          : list;
    const bad = normalised.filter((v) =>
      allowed
        ? !allowed.includes(v)
        : name === 'country'
          ? !/^[A-Z]{2}$/.test(v)
          : !/^[a-z]{2}$/.test(v),
    );
    if (bad.length) {
      errors.push({
        path: `/querystring/${name}`,
        message: `Unknown value${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}.`,
      });
      continue;
    }
    out[name] = normalised;
  }
  const maxHours = single(raw.maxHours);
  if (maxHours !== null) {
    const n = Number(maxHours);
    if (!Number.isFinite(n) || n <= 0 || n > 10000)
      errors.push({ path: '/querystring/maxHours', message: 'Must be a number from 0 to 10000.' });
    else out.maxHours = n;
  }
  const open = single(raw.enrolmentOpen);
  if (open !== null) {
    if (['true', '1', 'yes', 'on'].includes(open.toLowerCase())) out.enrolmentOpen = true;
    else if (!['false', '0', 'no', 'off'].includes(open.toLowerCase()))
      errors.push({ path: '/querystring/enrolmentOpen', message: 'Must be true or false.' });
  }
  const sort = single(raw.sort);
  if (sort !== null) {
    if ((SORTS as readonly string[]).includes(sort)) out.sort = sort as Sort;
    else
      errors.push({
        path: '/querystring/sort',
        message: `Must be one of: ${SORTS.join(', ')}.`,
      });
  }
  for (const [name, max] of [
    ['page', 10000],
    ['pageSize', MAX_PAGE_SIZE],
  ] as const) {
    const value = single(raw[name]);
    if (value === null) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      errors.push({
        path: `/querystring/${name}`,
        message: `Must be a whole number from 1 to ${max}.`,
      });
    else out[name] = n;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: out };
}

/** Back to a query string (for links, feeds, exports): only what differs from the defaults. */
export function toQueryString(params: SearchParams, overrides: Partial<SearchParams> = {}): string {
  const p = { ...params, ...overrides };
  const out = new URLSearchParams();
  if (p.q) out.set('q', p.q);
  for (const name of LIST_FILTERS) if (p[name].length) out.set(name, p[name].join(','));
  if (p.maxHours !== null) out.set('maxHours', String(p.maxHours));
  if (p.enrolmentOpen) out.set('enrolmentOpen', 'true');
  if (p.sort !== 'relevance') out.set('sort', p.sort);
  if (p.page !== 1) out.set('page', String(p.page));
  if (p.pageSize !== DEFAULT_PAGE_SIZE) out.set('pageSize', String(p.pageSize));
  return out.toString();
}

/** Whether anything narrows the catalogue (a query or a filter). */
export function isFiltered(params: SearchParams): boolean {
  return (
    !!params.q ||
    LIST_FILTERS.some((name) => params[name].length > 0) ||
    params.maxHours !== null ||
    params.enrolmentOpen
  );
}
