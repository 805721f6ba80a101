import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, slugify } from '../../platform/ids.ts';
import type { Db } from '../../db/database.ts';
import type { ChangedItem, SitemapEntry } from '../../platform/module.ts';
import { authorize, isAllowed, SITE } from '../accounts/index.ts';
import { countries, regions } from '../reference/index.ts';
import { organisationsBySlug } from '../organisations/index.ts';
import * as repo from './initiatives.repository.ts';
import {
  isIsoDate,
  listOf,
  mapRegionAliases,
  normaliseInitiative,
  statusOn,
  type Initiative,
  type InitiativeInput,
  type InitiativeRefs,
  type WorkflowState,
} from './initiatives.ts';
import { snapshotOf, toInitiative } from './initiatives.present.ts';
import { registrationOverlaps, saveOverlapsFor, analyseOverlaps } from './overlap.service.ts';

type Read = Pick<ServiceContext, 'readDb'>;

/** What validation needs: countries, regions and the directory organisations the input names. */
export async function referencesFor(
  ctx: Read,
  raws: ReadonlyArray<Record<string, unknown>>,
): Promise<InitiativeRefs> {
  const slugs = new Set<string>();
  for (const raw of raws) {
    for (const field of ['implementers', 'funders', 'partners'])
      for (const s of listOf(raw[field])) slugs.add(s);
    if (Array.isArray(raw.participants))
      for (const p of raw.participants as Array<Record<string, unknown>>) {
        if (typeof p?.organisation === 'string') slugs.add(p.organisation);
        if (typeof p?.name === 'string') slugs.add(p.name);
      }
  }
  const orgs = await organisationsBySlug(ctx, [...slugs]);
  return {
    countries: new Set((await countries(ctx)).map((c) => c.iso2)),
    regions: new Set((await regions(ctx)).map((r) => r.slug)),
    organisations: new Map([...orgs].map(([slug, o]) => [slug, { id: o.id, name: o.name }])),
  };
}

async function load(db: Db, idOrSlug: string): Promise<Initiative | null> {
  const row = await repo.findInitiative(db, idOrSlug);
  if (!row) return null;
  const parts = await repo.participants(db, [row.id]);
  return toInitiative(row, parts.get(row.id));
}

async function hydrate(db: Db, rows: repo.InitiativeRow[]): Promise<Initiative[]> {
  const parts = await repo.participants(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toInitiative(r, parts.get(r.id)));
}

function organisationIds(i: Pick<Initiative, 'participants'>): string[] {
  return i.participants.map((p) => p.organisationId).filter((id): id is string => !!id);
}

/** Reviewers, or anyone holding the submit permission for one of the initiative's organisations. */
function mayActFor(
  ctx: ServiceContext,
  i: Pick<Initiative, 'participants' | 'createdBy'>,
): boolean {
  if (isAllowed(ctx, 'registry.review')) return true;
  if (ctx.actor.userId && i.createdBy === ctx.actor.userId) return true;
  return organisationIds(i).some((id) =>
    isAllowed(ctx, 'registry.submit', { type: 'organisation', id }),
  );
}

/** Whether the viewer may see an initiative that is not published. */
export function canSee(ctx: ServiceContext, i: Initiative): boolean {
  return i.workflow === 'published' || mayActFor(ctx, i);
}

export function canEdit(ctx: ServiceContext, i: Initiative): boolean {
  if (isAllowed(ctx, 'registry.review')) return true;
  return (i.workflow === 'draft' || i.workflow === 'returned') && mayActFor(ctx, i);
}

/** Org-scoped grants are checked once the initiative's organisations are known; sign-in first. */
function requireSignedIn(ctx: ServiceContext) {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'registry.submit');
}

function authorizeSubmitFor(ctx: ServiceContext, input: Pick<InitiativeInput, 'participants'>) {
  if (isAllowed(ctx, 'registry.submit')) return;
  const ok = organisationIds(input).some((id) =>
    isAllowed(ctx, 'registry.submit', { type: 'organisation', id }),
  );
  if (!ok) authorize(ctx, 'registry.submit', SITE);
}

export interface ListQuery {
  q?: string;
  theme?: string[];
  country?: string[];
  region?: string[];
  organisation?: string;
  status?: string[];
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

async function filtersFor(ctx: Read, query: ListQuery): Promise<repo.InitiativeFilters | null> {
  for (const key of ['from', 'to'] as const) {
    const value = query[key];
    if (value && !isIsoDate(value)) {
      throw new AppError('bad_request', `"${key}" is not a date.`, [
        { path: `/querystring/${key}`, message: 'Write the date as YYYY-MM-DD.' },
      ]);
    }
  }
  if (query.from && query.to && query.from > query.to) {
    throw new AppError('bad_request', '"from" is after "to".', [
      { path: '/querystring/to', message: 'Choose a date on or after "from".' },
    ]);
  }
  let organisationId: string | undefined;
  if (query.organisation) {
    const orgs = await organisationsBySlug(ctx, [query.organisation]);
    organisationId =
      orgs.get(query.organisation)?.id ??
      (/^[0-9a-f-]{36}$/i.test(query.organisation) ? query.organisation : undefined);
    if (!organisationId) return null;
  }
  return {
    q: query.q?.trim() || undefined,
    themes: query.theme,
    countries: query.country?.map((c) => c.toUpperCase()),
    regions: query.region,
    statuses: query.status,
    from: query.from,
    to: query.to,
    organisationId,
  };
}

/** Published initiatives matching a search (public). */
export async function listInitiatives(ctx: ServiceContext, query: ListQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const filters = await filtersFor(ctx, query);
  if (!filters) return { items: [] as Initiative[], total: 0, page, pageSize };
  const { rows, total } = await repo.listInitiatives(
    ctx.readDb,
    { ...filters, workflow: ['published'] },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  return { items: await hydrate(ctx.readDb, rows), total, page, pageSize };
}

/** The saved-search parameters of the initiatives list (`/initiatives?theme=…&country=…`). */
function listQueryFrom(params: URLSearchParams): ListQuery {
  const list = (name: string) => (params.getAll(name).length ? params.getAll(name) : undefined);
  const one = (name: string) => params.get(name) || undefined;
  return {
    q: one('q'),
    theme: list('theme'),
    country: list('country'),
    region: list('region'),
    organisation: one('organisation'),
    status: list('status'),
    from: one('from'),
    to: one('to'),
  };
}

/** Published initiatives matching a saved search, changed after `since` (digests and feeds). */
export async function initiativesChangesSince(
  ctx: ServiceContext,
  params: URLSearchParams,
  since: Date,
  limit: number,
): Promise<ChangedItem[]> {
  const filters = await filtersFor(ctx, listQueryFrom(params));
  if (!filters) return [];
  const rows = await repo.changedSince(
    ctx.readDb,
    { ...filters, workflow: ['published'] },
    since,
    limit,
  );
  return (await hydrate(ctx.readDb, rows)).map((i) => {
    const translated = i.translations[ctx.locale];
    return {
      id: i.id,
      title: translated?.title || i.title,
      path: `/initiatives/${i.slug}`,
      summary: (translated?.description || i.description).slice(0, 300),
      updatedAt: i.updatedAt,
    };
  });
}

/** Each published initiative's page, for the sitemap. */
export async function* initiativesSitemap(ctx: ServiceContext): AsyncIterable<SitemapEntry> {
  for (const row of await repo.publishedSlugs(ctx.readDb))
    yield { path: `/initiatives/${row.slug}`, updatedAt: new Date(row.updated_at) };
}

/** Initiatives waiting for review (reviewers), or the actor's own drafts. */
export async function workQueue(ctx: ServiceContext) {
  if (isAllowed(ctx, 'registry.review')) {
    const { rows } = await repo.listInitiatives(
      ctx.readDb,
      { workflow: ['submitted'] },
      { limit: 200, offset: 0 },
    );
    const own = ctx.actor.userId
      ? (
          await repo.listInitiatives(
            ctx.readDb,
            { workflow: ['draft', 'returned'], createdBy: ctx.actor.userId },
            { limit: 200, offset: 0 },
          )
        ).rows
      : [];
    return { review: await hydrate(ctx.readDb, rows), own: await hydrate(ctx.readDb, own) };
  }
  authorize(ctx, 'registry.submit');
  const { rows } = await repo.listInitiatives(
    ctx.readDb,
    { workflow: ['draft', 'returned', 'submitted'], createdBy: ctx.actor.userId ?? undefined },
    { limit: 200, offset: 0 },
  );
  return { review: [] as Initiative[], own: await hydrate(ctx.readDb, rows) };
}

export async function getInitiative(ctx: ServiceContext, idOrSlug: string): Promise<Initiative> {
  const found = await load(ctx.readDb, idOrSlug);
  if (!found || !canSee(ctx, found)) throw AppError.notFound('The initiative');
  return found;
}

export async function initiativesByIds(ctx: Read, ids: readonly string[]) {
  const rows = await repo.findManyById(ctx.readDb, ids);
  return hydrate(
    ctx.readDb,
    rows.filter((r) => r.workflow === 'published'),
  );
}

async function uniqueSlug(db: Db, wanted: string): Promise<string> {
  const base = slugify(wanted, 80);
  let slug = base;
  for (let n = 2; await repo.slugTaken(db, slug); n++) slug = `${base}-${n}`;
  return slug;
}

function columns(input: InitiativeInput) {
  return {
    external_id: input.externalId,
    title: input.title,
    description: input.description,
    language: input.language,
    translations: JSON.stringify(input.translations),
    countries: input.countries,
    regions: input.regions,
    themes: input.themes,
    cmm: input.cmm,
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    status: input.status,
    budget: input.budget,
    currency: input.currency,
    outputs: input.outputs,
    links: input.links,
  };
}

function participantRows(input: InitiativeInput) {
  return input.participants.map((p) => ({
    role: p.role,
    organisation_id: p.organisationId,
    name: p.name,
    ref: p.ref,
  }));
}

async function writeNew(
  trx: Db,
  ctx: ServiceContext,
  input: InitiativeInput,
  options: { workflow: WorkflowState; isDemo?: boolean; action: string },
): Promise<string> {
  const id = newId();
  const now = ctx.clock.now();
  const slug =
    input.slug && !(await repo.slugTaken(trx, input.slug))
      ? input.slug
      : await uniqueSlug(trx, input.slug ?? input.title);
  await repo.insertInitiative(trx, {
    id,
    slug,
    ...columns(input),
    workflow: options.workflow,
    created_by: ctx.actor.userId,
    submitted_at: options.workflow === 'submitted' || options.workflow === 'published' ? now : null,
    published_at: options.workflow === 'published' ? now : null,
    is_demo: options.isDemo ?? false,
    created_at: now,
    updated_at: now,
  });
  await repo.replaceParticipants(trx, id, participantRows(input));
  const snapshot = snapshotOf({ ...input, slug, workflow: options.workflow });
  await repo.insertRevision(trx, {
    id: newId(),
    initiative_id: id,
    at: now,
    actor_id: ctx.actor.userId,
    actor_label: ctx.actor.label,
    action: options.action,
    note: null,
    snapshot,
  });
  await recordAudit(trx, ctx, {
    action: `initiative.${options.action}`,
    entityType: 'initiative',
    entityId: id,
    after: snapshot,
    isPublic: options.workflow === 'published',
  });
  return id;
}

async function writeUpdate(
  trx: Db,
  ctx: ServiceContext,
  current: Initiative,
  input: InitiativeInput,
  action: string,
  extra: { workflow?: WorkflowState; note?: string | null } = {},
) {
  const now = ctx.clock.now();
  const workflow = extra.workflow ?? current.workflow;
  await repo.updateInitiative(trx, current.id, {
    ...columns(input),
    workflow,
    updated_at: now,
    ...(extra.workflow === 'published' && current.workflow !== 'published'
      ? { published_at: now }
      : {}),
  });
  await repo.replaceParticipants(trx, current.id, participantRows(input));
  const before = snapshotOf(current);
  const after = snapshotOf({ ...input, slug: current.slug, workflow });
  await repo.insertRevision(trx, {
    id: newId(),
    initiative_id: current.id,
    at: now,
    actor_id: ctx.actor.userId,
    actor_label: ctx.actor.label,
    action,
    note: extra.note ?? null,
    snapshot: after,
  });
  await recordAudit(trx, ctx, {
    action: `initiative.${action}`,
    entityType: 'initiative',
    entityId: current.id,
    before,
    after,
    isPublic: workflow === 'published',
  });
}

/**
 * Registers an initiative as a draft (or submits it at once) and answers with the overlaps its
 * authors should look at before going further.
 */
export async function createInitiative(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
  options: { submit?: boolean } = {},
) {
  requireSignedIn(ctx);
  const refs = await referencesFor(ctx, [raw]);
  const { value, errors } = normaliseInitiative(raw, refs);
  if (!value) throw AppError.validation(errors);
  authorizeSubmitFor(ctx, value);
  if (value.externalId && (await repo.findByExternalIds(ctx.db, [value.externalId])).length) {
    throw new AppError('conflict', 'An initiative with this external identifier exists.', [
      { path: '/externalId', message: 'Already registered: edit that initiative instead.' },
    ]);
  }
  const workflow: WorkflowState = options.submit ? 'submitted' : 'draft';
  const id = await ctx.db
    .transaction()
    .execute((trx) => writeNew(trx, ctx, value, { workflow, action: 'create' }));
  const initiative = (await load(ctx.db, id))!;
  const overlaps = options.submit
    ? await saveOverlapsFor(ctx, initiative)
    : await registrationOverlaps(ctx, initiative);
  return { initiative, overlaps };
}

/** Changes an initiative: its authors while it is a draft or returned, reviewers at any time. */
export async function updateInitiative(
  ctx: ServiceContext,
  idOrSlug: string,
  raw: Record<string, unknown>,
) {
  requireSignedIn(ctx);
  const current = await load(ctx.db, idOrSlug);
  if (!current || !canSee(ctx, current)) throw AppError.notFound('The initiative');
  if (!canEdit(ctx, current)) {
    throw AppError.forbidden(
      current.workflow === 'submitted' || current.workflow === 'published'
        ? 'This initiative is under review or published: an editor can change it, or return it to you.'
        : undefined,
    );
  }
  const refs = await referencesFor(ctx, [raw]);
  const { value, errors } = normaliseInitiative({ ...raw, slug: raw.slug ?? current.slug }, refs);
  if (!value) throw AppError.validation(errors);
  if (value.externalId && value.externalId !== current.externalId) {
    const clash = await repo.findByExternalIds(ctx.db, [value.externalId]);
    if (clash.some((c) => c.id !== current.id)) {
      throw new AppError('conflict', 'Another initiative has this external identifier.', [
        { path: '/externalId', message: 'Already used by another initiative.' },
      ]);
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockInitiative(trx, current.id);
    if (!locked) throw AppError.notFound('The initiative');
    await writeUpdate(trx, ctx, current, value, 'update');
  });
  const initiative = (await load(ctx.db, current.id))!;
  const overlaps =
    initiative.workflow === 'draft' || initiative.workflow === 'returned'
      ? await registrationOverlaps(ctx, initiative)
      : await saveOverlapsFor(ctx, initiative);
  return { initiative, overlaps };
}

export type WorkflowAction = 'submit' | 'publish' | 'return' | 'archive' | 'restore';

const TRANSITIONS: Record<
  WorkflowAction,
  { from: WorkflowState[]; to: WorkflowState; review: boolean }
> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', review: false },
  publish: { from: ['submitted', 'draft', 'returned'], to: 'published', review: true },
  return: { from: ['submitted', 'published'], to: 'returned', review: true },
  archive: { from: ['published', 'submitted', 'returned', 'draft'], to: 'archived', review: true },
  restore: { from: ['archived'], to: 'published', review: true },
};

/** Moves an initiative through the editorial workflow (draft → submitted → published). */
export async function transition(
  ctx: ServiceContext,
  idOrSlug: string,
  action: WorkflowAction,
  note: string | null = null,
) {
  const rule = TRANSITIONS[action];
  if (!rule) throw new AppError('bad_request', `Unknown action "${String(action)}".`);
  if (rule.review) authorize(ctx, 'registry.review');
  else requireSignedIn(ctx);
  const current = await load(ctx.db, idOrSlug);
  if (!current || !canSee(ctx, current)) throw AppError.notFound('The initiative');
  if (!rule.review && !mayActFor(ctx, current)) throw AppError.forbidden();
  if (!rule.from.includes(current.workflow)) {
    throw new AppError(
      'conflict',
      `An initiative that is ${current.workflow} cannot be ${action === 'return' ? 'returned' : `${action}ed`}.`,
    );
  }
  const cleanNote = note?.trim().slice(0, 2000) || null;
  if (action === 'return' && !cleanNote) {
    throw AppError.validation([{ path: '/note', message: 'Tell the authors what to change.' }]);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockInitiative(trx, current.id);
    if (!locked || locked.workflow !== current.workflow) {
      throw new AppError('conflict', 'Someone else changed this initiative; reload and try again.');
    }
    const now = ctx.clock.now();
    await repo.updateInitiative(trx, current.id, {
      workflow: rule.to,
      updated_at: now,
      review_note:
        action === 'return' ? cleanNote : action === 'publish' ? null : locked.review_note,
      ...(rule.to === 'submitted' ? { submitted_at: now } : {}),
      ...(rule.to === 'published' && !locked.published_at ? { published_at: now } : {}),
    });
    const snapshot = snapshotOf({ ...current, workflow: rule.to });
    await repo.insertRevision(trx, {
      id: newId(),
      initiative_id: current.id,
      at: now,
      actor_id: ctx.actor.userId,
      actor_label: ctx.actor.label,
      action,
      note: cleanNote,
      snapshot,
    });
    await recordAudit(trx, ctx, {
      action: `initiative.${action}`,
      entityType: 'initiative',
      entityId: current.id,
      before: { workflow: current.workflow },
      after: { workflow: rule.to, note: cleanNote },
      isPublic: rule.to === 'published' || current.workflow === 'published',
    });
  });
  const initiative = (await load(ctx.db, current.id))!;
  if (rule.to === 'submitted' || rule.to === 'published') await saveOverlapsFor(ctx, initiative);
  return initiative;
}

export async function history(ctx: ServiceContext, idOrSlug: string) {
  const initiative = await getInitiative(ctx, idOrSlug);
  const rows = await repo.revisions(ctx.readDb, initiative.id);
  return {
    initiative,
    revisions: rows.map((r) => ({
      number: r.number,
      at: r.at,
      actor: r.actor_label,
      action: r.action,
      note: r.note,
      snapshot: r.snapshot as Record<string, unknown>,
    })),
  };
}

// ---- import and export -----------------------------------------------------------------------

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: Array<{ row: number; errors: FieldError[] }>;
}

/**
 * Imports records (from CSV, JSON or IATI). Every row is checked first and every problem reported
 * as "/rows/N/field"; nothing is written unless all rows are valid, or `skipInvalid` is set. A row
 * whose externalId (else slug) matches an initiative updates it. Imported initiatives are
 * published: only editors may import.
 */
export async function importInitiatives(
  ctx: ServiceContext,
  raws: ReadonlyArray<Record<string, unknown>>,
  options: { skipInvalid?: boolean; analyse?: boolean } = {},
): Promise<ImportReport> {
  authorize(ctx, 'registry.import');
  if (raws.length === 0) {
    throw AppError.validation([{ path: '/rows', message: 'The file holds no rows.' }]);
  }
  const refs = await referencesFor(ctx, raws);
  const valid: Array<{ row: number; value: InitiativeInput }> = [];
  const skipped: ImportReport['skipped'] = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    const row = index + 1;
    const { value, errors } = normaliseInitiative(raw, refs, `/rows/${row}`);
    const key = value
      ? value.externalId
        ? `x:${value.externalId}`
        : value.slug
          ? `s:${value.slug}`
          : null
      : null;
    if (key && seen.has(key)) {
      errors.push({
        path: `/rows/${row}/${key.startsWith('x:') ? 'externalId' : 'slug'}`,
        message: `Same identifier as row ${seen.get(key)}.`,
      });
    } else if (key) seen.set(key, row);
    if (value && errors.length === 0) valid.push({ row, value });
    else skipped.push({ row, errors });
  });
  if (skipped.length && !options.skipInvalid) {
    throw AppError.validation(
      skipped.flatMap((s) => s.errors),
      `${skipped.length} of ${raws.length} rows have problems; nothing was imported.`,
    );
  }
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, skipped };
  await ctx.db.transaction().execute(async (trx) => {
    const byExternal = new Map(
      (
        await repo.findByExternalIds(
          trx,
          valid.map((v) => v.value.externalId).filter((x): x is string => !!x),
        )
      ).map((r) => [r.external_id!, r]),
    );
    const bySlug = new Map(
      (
        await repo.findBySlugs(
          trx,
          valid.filter((v) => !v.value.externalId && v.value.slug).map((v) => v.value.slug!),
        )
      ).map((r) => [r.slug, r]),
    );
    const existingRows = [...byExternal.values(), ...bySlug.values()];
    const existing = new Map((await hydrate(trx, existingRows)).map((i) => [i.id, i]));
    for (const { value } of valid) {
      const row =
        (value.externalId ? byExternal.get(value.externalId) : undefined) ??
        (value.slug ? bySlug.get(value.slug) : undefined);
      const current = row ? existing.get(row.id) : undefined;
      if (current) {
        const same =
          JSON.stringify(
            snapshotOf({ ...value, slug: current.slug, workflow: current.workflow }),
          ) === JSON.stringify(snapshotOf(current));
        if (same) {
          report.unchanged++;
          continue;
        }
        await writeUpdate(trx, ctx, current, value, 'import-update', {
          workflow: current.workflow === 'archived' ? 'archived' : 'published',
        });
        report.updated++;
      } else {
        await writeNew(trx, ctx, value, { workflow: 'published', action: 'import' });
        report.created++;
      }
    }
  });
  if (options.analyse !== false && report.created + report.updated > 0) await analyseOverlaps(ctx);
  return report;
}

/** Published initiatives for export, in a stable order. */
export async function exportInitiatives(ctx: ServiceContext, query: ListQuery = {}) {
  const filters = await filtersFor(ctx, query);
  if (!filters) return [];
  const rows = await repo.allInitiatives(ctx.readDb, { ...filters, workflow: ['published'] });
  return hydrate(ctx.readDb, rows);
}

export function countPublishedInitiatives(ctx: Read) {
  return repo.countPublished(ctx.readDb);
}

// ---- demo data -------------------------------------------------------------------------------

/**
 * Loads the demo initiatives. Their regions are mapped to UN M49 slugs ("pacific" → oceania,
 * "middle-east" → western-asia, "global" dropped) and their lifecycle status is derived from their
 * dates on today's date (the data set was written a year earlier).
 */
export async function seedDemoInitiatives(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/initiatives.json', import.meta.url);
  if (!existsSync(file)) return;
  const list = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const refs = await referencesFor(ctx, list);
  const values: InitiativeInput[] = [];
  const problems: FieldError[] = [];
  list.forEach((raw, index) => {
    const { value, errors } = normaliseInitiative(
      { ...raw, regions: mapRegionAliases(listOf(raw.regions)) },
      refs,
      `/demo/${index + 1}`,
    );
    if (value) values.push({ ...value, status: statusOn(value, today) });
    else problems.push(...errors);
  });
  if (problems.length) throw AppError.validation(problems, 'The demo initiatives are not valid.');
  await ctx.db.transaction().execute(async (trx) => {
    const known = new Set(
      (await repo.findByExternalIds(trx, values.map((v) => v.externalId!).filter(Boolean))).map(
        (r) => r.external_id,
      ),
    );
    for (const value of values) {
      if (value.externalId && known.has(value.externalId)) continue;
      await writeNew(trx, ctx, value, { workflow: 'published', isDemo: true, action: 'import' });
    }
  });
  await analyseOverlaps(ctx);
}

/** Published initiatives an organisation takes part in (any role). */
export async function initiativesOfOrganisation(
  ctx: Read,
  organisationId: string,
): Promise<Initiative[]> {
  const rows = await repo.allInitiatives(ctx.readDb, { workflow: ['published'], organisationId });
  return hydrate(ctx.readDb, rows);
}

/** Published initiatives a country receives, and those organisations based there deliver. */
export async function initiativesOfCountry(ctx: Read, iso2: string) {
  const { received, delivered } = await repo.countryInitiatives(ctx.readDb, iso2.toUpperCase());
  return {
    received: await hydrate(ctx.readDb, received),
    delivered: await hydrate(ctx.readDb, delivered),
  };
}
