/**
 * The one search engine behind the API, the /catalogue page, exports, the Atom feed and other
 * modules: filters, facet counts given the other filters, relevance with capped candidates,
 * typo correction from the catalogue's own words, and highlighted passages.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { countries as referenceCountries } from '../reference/index.ts';
import * as searchRepo from './search.repository.ts';
import { memorySearch } from './search.memory.ts';
import { relatedFromMemory } from './related.memory.ts';
import type { FilterSpec } from './search.repository.ts';
import { audienceMask, themeMask } from './indexing.ts';
import {
  AUDIENCES,
  COSTS,
  FORMATS,
  KINDS,
  LEVELS,
  REGIONS,
  THEMES,
  pickText,
  type Resource,
} from './resources.ts';
import { publishedByIds, publishedIdsByOrganisation } from './resources.service.ts';
import { getOrganisationBySlug } from '../organisations/index.ts';
import { resourcePath, toJson, type ResourceJson } from './resources.present.ts';
import {
  emptySearch,
  LIST_FILTERS,
  parseSearch,
  recordFromParams,
  type SearchParams,
} from './search-params.ts';
import { applyFit, type FitProfile } from './fit.ts';
import { expandSynonyms } from './synonyms.ts';
import {
  anyTermQuery,
  configFor,
  hasMarks,
  highlightHtml,
  prepareQuery,
  replaceWords,
  words,
} from './text.ts';

export const HOUR_BUCKETS = [2, 5, 10, 20, 40] as const;

/** Fewer matches than this and the engine tries to do better (spelling, then any term). */
const LITTLE = 3;
/** Candidates scored per tier: enough for the first pages, bounded for common words. */
const CANDIDATE_CAP = 200;

export type Facets = Record<string, Array<{ value: string; count: number }>>;

export interface SearchResult {
  items: ResourceJson[];
  /** The same hits as domain objects (pages render from these). */
  resources: Resource[];
  highlights: Map<string, string>;
  total: number;
  page: number;
  pageSize: number;
  facets: Facets;
  /** The query actually run when the one typed found (almost) nothing and a fix did better. */
  correctedQuery: string | null;
  /** Whether the search fell back to matching any of the words. */
  anyTerm: boolean;
  /** What a "fits me" profile changed. */
  fit: { languages: boolean; cost: boolean; hoursPerWeek: number | null };
  params: SearchParams;
}

/** The day searches judge open enrolment and deadlines by (UTC). */
export function today(ctx: ServiceContext): string {
  return ctx.clock.now().toISOString().slice(0, 10);
}

async function filterSpec(ctx: ServiceContext, params: SearchParams): Promise<FilterSpec> {
  let country: FilterSpec['country'] = null;
  if (params.country.length) {
    const all = await referenceCountries(ctx);
    const regions = new Set<string>();
    for (const c of all) {
      if (!params.country.includes(c.iso2)) continue;
      for (const r of [c.region, c.subRegion, c.intermediateRegion]) if (r) regions.add(r);
    }
    country = { countries: params.country, regions: [...regions] };
  }
  return {
    kind: params.kind,
    level: params.level,
    format: params.format,
    cost: params.cost,
    themes: themeMask(params.theme),
    audiences: audienceMask(params.audience),
    language: params.language,
    region: params.region,
    country,
    maxHours: params.maxHours,
    enrolmentOpen: params.enrolmentOpen,
    today: today(ctx),
  };
}

/** Facet rows → counts per value: masks split into their values, durations made cumulative. */
function toFacets(
  rows: searchRepo.FacetRow[],
  params: SearchParams,
): { total: number; facets: Facets } {
  let total = 0;
  const counts = new Map<string, Map<string, number>>();
  const add = (facet: string, value: string, n: number) => {
    const map = counts.get(facet) ?? new Map<string, number>();
    map.set(value, (map.get(value) ?? 0) + n);
    counts.set(facet, map);
  };
  for (const row of rows) {
    if (row.facet === '') total = row.n;
    else if (row.facet === 'theme' || row.facet === 'audience') {
      const vocabulary = row.facet === 'theme' ? THEMES : AUDIENCES;
      vocabulary.forEach((code, bit) => {
        if (((row.mask ?? 0) & (1 << bit)) !== 0) add(row.facet, code, row.n);
      });
    } else if (row.facet === 'enrolmentOpen') {
      if (row.value === 'true') add('enrolmentOpen', 'true', row.n);
    } else if (row.facet === 'maxHours') {
      // Counted per duration; "at most N hours" adds up every duration up to N.
      for (const hours of HOUR_BUCKETS)
        if (row.value !== null && Number(row.value) <= hours) add('maxHours', String(hours), row.n);
    } else if (row.facet === 'language' || row.facet === 'region' || row.facet === 'country') {
      // Grouped by the whole list ("en,fr"): each value in it gets the count.
      for (const value of (row.value ?? '').split(',')) {
        if (!value || (row.facet === 'region' && !(REGIONS as readonly string[]).includes(value)))
          continue;
        add(row.facet, value, row.n);
      }
    } else if (row.value !== null) add(row.facet, row.value, row.n);
  }
  const order: Record<string, readonly string[]> = {
    kind: KINDS,
    theme: THEMES,
    audience: AUDIENCES,
    level: LEVELS,
    format: FORMATS,
    cost: COSTS,
    region: REGIONS,
    maxHours: HOUR_BUCKETS.map(String),
    enrolmentOpen: ['true'],
  };
  const facets: Facets = {};
  for (const name of [...LIST_FILTERS, 'maxHours', 'enrolmentOpen']) {
    const found = counts.get(name) ?? new Map<string, number>();
    const selected = (LIST_FILTERS as readonly string[]).includes(name)
      ? params[name as (typeof LIST_FILTERS)[number]]
      : [];
    for (const value of selected) if (!found.has(value)) found.set(value, 0);
    const values = order[name]
      ? order[name].filter((v) => found.has(v))
      : // Open vocabularies (languages, countries) by count.
        [...found.keys()].sort((a, b) => found.get(b)! - found.get(a)! || a.localeCompare(b));
    facets[name] = values.map((value) => ({ value, count: found.get(value)! }));
  }
  return { total, facets };
}

const compiled = new Map<string, string>();

/** A text's tsquery, parsed once per process (the parse depends only on the text). */
async function compileText(ctx: ServiceContext, text: string): Promise<string> {
  let tsq = compiled.get(text);
  if (tsq === undefined) {
    tsq = await searchRepo.compileQuery(ctx.readDb, text);
    if (compiled.size >= 2000) compiled.delete(compiled.keys().next().value!);
    compiled.set(text, tsq);
  }
  return tsq;
}

/** A query's tsquery with the field's synonyms: the query and its variants, OR-ed. */
async function compile(ctx: ServiceContext, text: string): Promise<string> {
  const variants = expandSynonyms(text);
  if (variants.length === 1) return compileText(ctx, text);
  const parts = [
    ...new Set(
      (await Promise.all(variants.map((v) => compileText(ctx, prepareQuery(v))))).filter(Boolean),
    ),
  ];
  return parts.length <= 1 ? (parts[0] ?? '') : parts.map((p) => `( ${p} )`).join(' | ');
}

interface TextPlan {
  /** The compiled tsquery ('' when the text has only stop words). */
  tsq: string;
  total: number;
  facets: Facets;
  corrected: string | null;
  anyTerm: boolean;
  /** Ranking candidates chosen in memory; null when PostgreSQL matched the text. */
  candidates: ((cap: number) => string[]) | null;
}

/** Total and facets from the in-memory index; from SQL when the query needs PostgreSQL. */
async function counted(
  ctx: ServiceContext,
  filters: FilterSpec,
  tsq: string,
  params: SearchParams,
): Promise<Pick<TextPlan, 'total' | 'facets' | 'candidates'>> {
  if (!tsq) return { ...toFacets([], params), candidates: null };
  const found = await memorySearch(ctx.readDb, filters, tsq);
  if (found) return { ...toFacets(found.rows, params), candidates: found.candidates };
  const rows = await searchRepo.facetCounts(ctx.readDb, filters, tsq);
  return { ...toFacets(rows, params), candidates: null };
}

/**
 * All terms first. When that finds little: correct words the catalogue does not know
 * ("cybercrme" → "cybercrime"); then accept any of the terms, ranked by how many match.
 */
async function planText(
  ctx: ServiceContext,
  q: string,
  filters: FilterSpec,
  params: SearchParams,
): Promise<TextPlan> {
  const prepared = prepareQuery(q);
  const tsq = await compile(ctx, prepared);
  let best: TextPlan = {
    tsq,
    ...(await counted(ctx, filters, tsq, params)),
    corrected: null,
    anyTerm: false,
  };
  if (best.total >= LITTLE) return best;

  const candidates = [...new Set(words(q).filter((w) => w.length >= 4 && /^\p{L}+$/u.test(w)))];
  const fixes = await searchRepo.corrections(ctx.readDb, candidates, 0.35);
  let text = prepared;
  if (fixes.size) {
    const corrected = replaceWords(q, fixes);
    text = prepareQuery(corrected);
    const fixed = await compile(ctx, text);
    const found = await counted(ctx, filters, fixed, params);
    if (found.total > best.total) best = { tsq: fixed, ...found, corrected, anyTerm: false };
    else text = prepared;
  }
  if (best.total >= LITTLE) return best;

  const any = anyTermQuery(text);
  if (any.includes(' or ')) {
    const loose = await compileText(ctx, any);
    const found = await counted(ctx, filters, loose, params);
    if (found.total > best.total) best = { ...best, tsq: loose, ...found, anyTerm: true };
  }
  return best;
}

export interface SearchOptions {
  profile?: FitProfile | null;
  /** Skip highlights (exports, feeds). */
  highlight?: boolean;
}

/** Searches published resources; `params` as parsed by parseSearch. */
export async function searchResources(
  ctx: ServiceContext,
  requested: SearchParams,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const fit = applyFit(requested, options.profile ?? null);
  const params = fit.params;
  const filters = await filterSpec(ctx, params);
  const offset = (params.page - 1) * params.pageSize;
  const preferLanguages = [...new Set([ctx.locale, ...(options.profile?.languages ?? [])])];

  if (!params.q) {
    const order = params.sort === 'deadline' ? 'deadline' : fit.hoursPerWeek ? 'fit' : 'newest';
    const [counted, ids] = await Promise.all([
      memorySearch(ctx.readDb, filters, null).then((found) => found!.rows),
      searchRepo.sortedIds(ctx.readDb, filters, null, order, {
        limit: params.pageSize,
        offset,
        fitHours: fit.hoursPerWeek,
      }),
    ]);
    const { total, facets } = toFacets(counted, params);
    return finish(ctx, params, fit, ids, total, facets, null, options);
  }
  const plan = await planText(ctx, params.q, filters, params);
  let ids: string[] = [];
  if (plan.tsq && params.sort === 'relevance') {
    const rank = {
      cap: Math.max(CANDIDATE_CAP, offset + params.pageSize),
      limit: params.pageSize,
      offset,
      fitHours: fit.hoursPerWeek,
      preferLanguages,
    };
    const ranked = plan.candidates
      ? await searchRepo.rankedAmong(ctx.readDb, plan.candidates(rank.cap), plan.tsq, rank)
      : await searchRepo.rankedIds(ctx.readDb, filters, plan.tsq, rank);
    ids = ranked.map((r) => r.id);
  } else if (plan.tsq) {
    const order = params.sort === 'deadline' ? 'deadline' : 'newest';
    ids = await searchRepo.sortedIds(ctx.readDb, filters, plan.tsq, order, {
      limit: params.pageSize,
      offset,
      fitHours: fit.hoursPerWeek,
    });
  }
  return finish(ctx, params, fit, ids, plan.total, plan.facets, plan, options);
}

async function finish(
  ctx: ServiceContext,
  params: SearchParams,
  fit: ReturnType<typeof applyFit>,
  ids: string[],
  total: number,
  facets: Facets,
  plan: TextPlan | null,
  options: SearchOptions,
): Promise<SearchResult> {
  const resources = await publishedByIds(ctx, ids);
  const highlights =
    plan?.tsq && options.highlight !== false
      ? await highlightsFor(ctx, plan.tsq, resources)
      : new Map<string, string>();
  return {
    items: resources.map((r) =>
      toJson(r, ctx.locale, plan ? (highlights.get(r.id) ?? null) : undefined),
    ),
    resources,
    highlights,
    total,
    page: params.page,
    pageSize: params.pageSize,
    facets,
    correctedQuery: plan?.corrected ?? null,
    anyTerm: plan?.anyTerm ?? false,
    fit: { languages: fit.languages, cost: fit.cost, hoursPerWeek: fit.hoursPerWeek },
    params,
  };
}

/** The summary's passage with the matches marked; else the description's; else nothing. */
async function highlightsFor(
  ctx: ServiceContext,
  tsq: string,
  resources: readonly Resource[],
): Promise<Map<string, string>> {
  const items: Array<{ key: string; config: string; body: string }> = [];
  for (const r of resources) {
    const summary = pickText(r.summary, ctx.locale);
    if (summary)
      items.push({ key: `s:${r.id}`, config: configFor(summary.language), body: summary.text });
    if (r.description)
      items.push({
        key: `d:${r.id}`,
        config: configFor(r.descriptionLanguage),
        body: r.description.slice(0, 4000),
      });
  }
  const lines = await searchRepo.headlines(ctx.readDb, tsq, items);
  const out = new Map<string, string>();
  for (const r of resources) {
    const summary = lines.get(`s:${r.id}`);
    const description = lines.get(`d:${r.id}`);
    const chosen =
      summary && hasMarks(summary)
        ? summary
        : description && hasMarks(description)
          ? description
          : null;
    if (chosen) out.set(r.id, highlightHtml(chosen));
  }
  return out;
}

/** Ids for an export: every published match of the search, newest first, a batch at a time. */
export async function sortedIdsForExport(
  ctx: ServiceContext,
  params: SearchParams,
  limit: number,
  offset: number,
): Promise<string[]> {
  const filters = await filterSpec(ctx, params);
  const tsq = params.q ? await compile(ctx, prepareQuery(params.q)) : null;
  if (tsq === '') return [];
  return searchRepo.sortedIds(
    ctx.readDb,
    filters,
    tsq,
    params.sort === 'deadline' ? 'deadline' : 'newest',
    { limit, offset, fitHours: null },
  );
}

/** Parses a query string the way the API does; bad input is a 400 naming each parameter. */
export function searchParamsFrom(raw: Record<string, unknown> | URLSearchParams): SearchParams {
  const record = raw instanceof URLSearchParams ? recordFromParams(raw) : raw;
  const parsed = parseSearch(record);
  if (!parsed.ok) {
    const unknown = parsed.errors.filter((e) => e.message.startsWith('Unknown field'));
    throw new AppError(
      'bad_request',
      unknown.length
        ? `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown
            .map((e) => e.path.split('/').pop())
            .join(', ')}.`
        : 'Some query parameters are not valid.',
      parsed.errors,
    );
  }
  return parsed.value;
}

// ---------------------------------------------------------------------------------------------
// For other modules

export interface ResourceSummary {
  id: string;
  slug: string;
  path: string;
  kind: string;
  title: string;
  summary: string;
  url: string;
  cost: string;
  format: string;
  languages: string[];
  themes: string[];
  countries: string[];
  durationHours: number | null;
  providers: string[];
}

export function summaryOf(resource: Resource, locale: string): ResourceSummary {
  return {
    id: resource.id,
    slug: resource.slug,
    path: resourcePath(resource.slug),
    kind: resource.kind,
    title: pickText(resource.title, locale)?.text ?? resource.slug,
    summary: pickText(resource.summary, locale)?.text ?? '',
    url: resource.url,
    cost: resource.cost,
    format: resource.format,
    languages: resource.languages,
    themes: resource.themes,
    countries: resource.countries,
    durationHours: resource.durationHours,
    providers: resource.providers.map((p) => p.name),
  };
}

/** Related resources: shared themes and similar titles. */
export async function relatedResources(
  ctx: ServiceContext,
  resourceId: string,
  limit = 5,
): Promise<Resource[]> {
  const related = await relatedFromMemory(ctx.readDb, resourceId, limit);
  return publishedByIds(
    ctx,
    related.map((r) => r.id),
  );
}

/**
 * How long the search index's change log is kept. A process that has not searched for longer
 * (idle, or partitioned from the database) reads the whole index again at its next search.
 */
export const INDEX_CHANGES_RETENTION_MS = 60 * 60 * 1000;

/** Removes the search index's change log older than the retention window (a scheduled job). */
export async function pruneIndexChanges(
  ctx: ServiceContext,
  retentionMs = INDEX_CHANGES_RETENTION_MS,
): Promise<number> {
  return searchRepo.pruneIndexChanges(ctx.db, ctx.clock.now(), retentionMs);
}

/** Published resources changed since `since` that match a saved search (for digests). */
export async function catalogueChangesSince(
  ctx: ServiceContext,
  params: URLSearchParams,
  since: Date,
  limit = 20,
): Promise<Array<{ id: string; title: string; path: string; summary: string; updatedAt: Date }>> {
  const parsed = searchParamsFrom(params);
  const filters = await filterSpec(ctx, parsed);
  const tsq = parsed.q ? await compile(ctx, prepareQuery(parsed.q)) : null;
  if (tsq === '') return [];
  const ids = await searchRepo.changedSince(ctx.readDb, filters, tsq, since, limit);
  const resources = await publishedByIds(ctx, ids);
  return resources.map((r) => ({
    id: r.id,
    title: pickText(r.title, ctx.locale)?.text ?? r.slug,
    path: resourcePath(r.slug),
    summary: pickText(r.summary, ctx.locale)?.text ?? '',
    updatedAt: r.updatedAt,
  }));
}

/** Resources for people in a country: those naming it or its regions, in their languages. */
export async function resourcesForCountry(
  ctx: ServiceContext,
  iso2: string,
  languages: readonly string[] = [],
  limit = 10,
): Promise<ResourceSummary[]> {
  const result = await searchResources(
    ctx,
    {
      ...emptySearch(),
      country: [iso2.toUpperCase()],
      language: [...languages],
      sort: 'newest',
      pageSize: Math.min(limit, 100),
    },
    { highlight: false },
  );
  return result.resources.map((r) => summaryOf(r, ctx.locale));
}

/** Published resources an organisation provides (by its slug). */
export async function resourcesByProvider(
  ctx: ServiceContext,
  organisationSlug: string,
  limit = 50,
): Promise<ResourceSummary[]> {
  const organisation = await getOrganisationBySlug(ctx, organisationSlug);
  const ids = await publishedIdsByOrganisation(ctx, organisation.id, limit);
  const resources = await publishedByIds(ctx, ids);
  return resources
    .sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0))
    .map((r) => summaryOf(r, ctx.locale));
}

/**
 * Resources that could answer a need: sharing its themes, in its languages (any when none),
 * those naming its countries (or their regions) first, then global ones.
 */
export async function resourcesMatching(
  ctx: ServiceContext,
  query: {
    themes: readonly string[];
    languages: readonly string[];
    countries: readonly string[];
    limit?: number;
  },
): Promise<ResourceSummary[]> {
  const spec = await filterSpec(ctx, {
    ...emptySearch(),
    country: query.countries.map((c) => c.toUpperCase()),
  });
  const ids = await searchRepo.matchingIds(ctx.readDb, {
    themes: themeMask(query.themes),
    languages: [...query.languages],
    countries: spec.country?.countries ?? [],
    regions: spec.country?.regions ?? [],
    limit: Math.min(query.limit ?? 10, 100),
  });
  const resources = await publishedByIds(ctx, ids);
  return resources.map((r) => summaryOf(r, ctx.locale));
}
