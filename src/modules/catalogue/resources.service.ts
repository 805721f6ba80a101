/**
 * Use cases on resources as content: create, edit, the editorial workflow, revisions, the review
 * queue and the "needs attention" list. Search lives in search.service.ts, import and export in
 * transfer.service.ts, link checks in links.service.ts.
 */
import type { ServiceContext } from '../../platform/context.ts';
import type { Db } from '../../db/database.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, slugify } from '../../platform/ids.ts';
import { authorize, isAllowed, SITE } from '../accounts/index.ts';
import { organisationsById, organisationsBySlug } from '../organisations/index.ts';
import {
  countries as referenceCountries,
  languages as referenceLanguages,
} from '../reference/index.ts';
import * as repo from './resources.repository.ts';
import type { ResourceRow } from './resources.repository.ts';
import {
  checkResourceInput,
  diffSnapshots,
  isStale,
  slugFor,
  snapshotOf,
  type Resource,
  type ResourceInput,
  type ResourceStatus,
  type ValidationContext,
} from './resources.ts';
import { indexEntry, vocabularyOf, type CountryRegions } from './indexing.ts';
import { inputOf, toResource } from './resources.present.ts';
import {
  availableActions,
  mayAct,
  mayEdit,
  needsNote,
  nextStatus,
  type Powers,
  type WorkflowAction,
} from './workflow.ts';

// ---------------------------------------------------------------------------------------------
// Reference data every write needs, read BEFORE a transaction opens (PGlite has one connection).

export interface Lookups {
  validation: ValidationContext;
  countries: ReadonlyMap<string, CountryRegions>;
}

let languageCodes: Promise<Set<string>> | null = null;

export async function lookups(ctx: ServiceContext): Promise<Lookups> {
  languageCodes ??= referenceLanguages(ctx).then((list) => new Set(list.map((l) => l.code)));
  languageCodes.catch(() => {
    languageCodes = null;
  });
  const [languages, countries] = await Promise.all([languageCodes, referenceCountries(ctx)]);
  return {
    validation: { languages, countries: new Set(countries.map((c) => c.iso2)) },
    countries: new Map(countries.map((c) => [c.iso2, c])),
  };
}

/** Provider names linked to organisations whose slug is the name's slug ("ITU" → itu). */
export async function resolveProviders(
  ctx: ServiceContext,
  names: readonly string[],
): Promise<Map<string, string | null>> {
  const found = await organisationsBySlug(
    ctx,
    names.map((n) => slugify(n)),
  );
  return new Map(names.map((n) => [n, found.get(slugify(n))?.id ?? null]));
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Rows → resources with their providers (organisation slugs looked up outside transactions). */
export async function hydrate(ctx: ServiceContext, rows: readonly ResourceRow[]) {
  const providers = await repo.providersOf(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  const organisationIds = [...providers.values()]
    .flat()
    .map((p) => p.organisationId)
    .filter((id): id is string => !!id);
  const organisations = await organisationsById(ctx, organisationIds);
  const slugs = new Map([...organisations].map(([id, o]) => [id, o.slug]));
  return rows.map((row) => toResource(row, providers.get(row.id) ?? [], slugs));
}

async function hydrateOne(ctx: ServiceContext, row: ResourceRow): Promise<Resource> {
  return (await hydrate(ctx, [row]))[0]!;
}

export function powersFor(ctx: ServiceContext, organisationId: string | null): Powers {
  return {
    review: isAllowed(ctx, 'catalogue.review'),
    submit: isAllowed(
      ctx,
      'catalogue.submit',
      organisationId ? { type: 'organisation', id: organisationId } : SITE,
    ),
  };
}

function mayView(ctx: ServiceContext, row: ResourceRow): boolean {
  if (row.status === 'published') return true;
  const powers = powersFor(ctx, row.organisation_id);
  return powers.review || powers.submit;
}

/** A resource by slug: published ones for everyone, others for their editors and organisation. */
export async function getResourceBySlug(ctx: ServiceContext, slug: string): Promise<Resource> {
  const row = await repo.findBySlug(ctx.readDb, slug);
  if (!row || !mayView(ctx, row)) throw AppError.notFound('The resource');
  if (row.status === 'archived' && !powersFor(ctx, row.organisation_id).review) {
    throw new AppError('gone', 'This resource was archived and is no longer in the catalogue.');
  }
  return hydrateOne(ctx, row);
}

export async function getResourceById(ctx: ServiceContext, id: string): Promise<Resource> {
  const row = await repo.findById(ctx.readDb, id);
  if (!row || !mayView(ctx, row)) throw AppError.notFound('The resource');
  return hydrateOne(ctx, row);
}

/** Published resources by id, in the order given (search results, related lists). */
export async function publishedByIds(
  ctx: ServiceContext,
  ids: readonly string[],
): Promise<Resource[]> {
  const rows = (await repo.findManyById(ctx.readDb, ids)).filter((r) => r.status === 'published');
  const byId = new Map((await hydrate(ctx, rows)).map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is Resource => !!r);
}

export function actionsFor(ctx: ServiceContext, resource: Resource) {
  const powers = powersFor(ctx, resource.organisationId);
  return {
    actions: availableActions(powers, resource.status),
    edit: mayEdit(powers, resource.status),
    review: powers.review,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

function badInput(errors: FieldError[]): never {
  throw AppError.validation(errors);
}

async function uniqueSlug(db: Db, wanted: string, selfId: string | null): Promise<string> {
  const taken = await repo.takenSlugs(db, wanted);
  const others = new Set(taken.filter((t) => t.id !== selfId).map((t) => t.slug));
  // "/resources/new" is the form for a new resource.
  others.add('new');
  if (!others.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!others.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

export interface WriteOptions {
  status: ResourceStatus;
  organisationId: string | null;
  action: string;
  note?: string | null;
  isDemo?: boolean;
  /** For demo data: a plausible publication time instead of now. */
  publishedAt?: Date | null;
}

/**
 * Writes a resource (new or existing) with its providers, a revision and its index row, inside
 * the caller's transaction. Providers and lookups must be resolved before the transaction.
 */
export async function writeResource(
  trx: Db,
  ctx: ServiceContext,
  input: ResourceInput,
  existing: ResourceRow | null,
  options: WriteOptions,
  providers: ReadonlyMap<string, string | null>,
  countries: ReadonlyMap<string, CountryRegions>,
): Promise<ResourceRow> {
  const now = ctx.clock.now();
  if (input.slug && existing?.slug !== input.slug) {
    const clash = await repo.findBySlug(trx, input.slug);
    if (clash && clash.id !== existing?.id)
      badInput([{ path: '/slug', message: 'Another resource already has this address.' }]);
  }
  if (input.externalId && input.externalId !== existing?.external_id) {
    const [clash] = await repo.findByExternalIds(trx, [input.externalId]);
    if (clash && clash.id !== existing?.id)
      badInput([{ path: '/externalId', message: 'Another resource already has this id.' }]);
  }
  const slug =
    existing && !input.slug
      ? existing.slug
      : await uniqueSlug(trx, slugFor(input), existing?.id ?? null);
  const publishedAt =
    options.status === 'published'
      ? (existing?.published_at ?? options.publishedAt ?? now)
      : (existing?.published_at ?? null);
  const values = {
    slug,
    external_id: input.externalId,
    kind: input.kind,
    status: options.status,
    title: JSON.stringify(input.title),
    summary: JSON.stringify(input.summary),
    description: input.description,
    description_language: input.descriptionLanguage,
    url: input.url,
    themes: input.themes,
    audiences: input.audiences,
    level: input.level,
    format: input.format,
    registration: input.registration,
    cost: input.cost,
    price: input.price,
    currency: input.currency,
    eligibility: input.eligibility,
    duration_hours: input.durationHours,
    languages: input.languages,
    regions: input.regions,
    countries: input.countries,
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    enrol_by: input.enrolBy,
    certificate: input.certificate,
    accessibility: input.accessibility,
    verified_at: input.verifiedAt,
    organisation_id: options.organisationId,
    updated_at: now,
    published_at: publishedAt,
  };
  let row: ResourceRow;
  if (existing) {
    const linkChanged = existing.url !== input.url;
    row = await repo.updateResource(trx, existing.id, {
      ...values,
      revision: existing.revision + 1,
      review_note: options.note ?? existing.review_note,
      // A new address has not been checked yet.
      ...(linkChanged
        ? {
            link_status: 'unchecked',
            link_http_status: null,
            link_location: null,
            link_error: null,
            link_failures: 0,
            link_checked_at: null,
          }
        : {}),
    });
  } else {
    row = await repo.insertResource(trx, {
      id: newId(),
      ...values,
      created_by: ctx.actor.userId,
      created_at: now,
      is_demo: options.isDemo ?? false,
      review_note: options.note ?? null,
    });
  }
  const providerNames = input.providers;
  await repo.replaceProviders(
    trx,
    row.id,
    providerNames.map((name) => ({ name, organisationId: providers.get(name) ?? null })),
  );
  await repo.insertRevision(trx, {
    id: newId(),
    resource_id: row.id,
    number: row.revision,
    action: options.action,
    status: row.status,
    snapshot: JSON.stringify({ ...snapshotOf({ ...input, slug }), status: row.status }),
    note: options.note ?? null,
    actor_id: ctx.actor.userId,
    actor_label: ctx.actor.label,
    created_at: now,
  });
  await syncIndex(trx, row, input, providerNames, countries);
  return row;
}

/** Keeps the search index in step: published resources in it, every other state out of it. */
async function syncIndex(
  trx: Db,
  row: ResourceRow,
  input: ResourceInput,
  providerNames: readonly string[],
  countries: ReadonlyMap<string, CountryRegions>,
): Promise<void> {
  if (row.status !== 'published') {
    await repo.deleteIndex(trx, row.id);
    return;
  }
  await repo.upsertIndex(
    trx,
    indexEntry(row.id, input, providerNames, countries, {
      publishedAt: row.published_at ?? row.updated_at,
      updatedAt: row.updated_at,
    }),
  );
  await repo.addTerms(trx, vocabularyOf(input, providerNames));
}

export interface CreateOptions {
  organisationId?: string | null;
  /** Editors may publish at once; representatives may submit at once. */
  status?: 'draft' | 'submitted' | 'published';
}

/** A new resource: a draft by default, for an organisation the author represents. */
export async function createResource(
  ctx: ServiceContext,
  raw: unknown,
  options: CreateOptions = {},
): Promise<Resource> {
  const organisationId = options.organisationId ?? null;
  authorize(
    ctx,
    'catalogue.submit',
    organisationId ? { type: 'organisation', id: organisationId } : SITE,
  );
  const status = options.status ?? 'draft';
  if (status === 'published') authorize(ctx, 'catalogue.review');
  if (organisationId && (await organisationsById(ctx, [organisationId])).size === 0)
    badInput([{ path: '/organisationId', message: 'No such organisation.' }]);
  const found = await lookups(ctx);
  const checked = checkResourceInput(raw, found.validation);
  if (!checked.ok) badInput(checked.errors);
  const input = checked.value;
  const providers = await resolveProviders(ctx, input.providers);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await writeResource(
      trx,
      ctx,
      input,
      null,
      { status, organisationId, action: 'create' },
      providers,
      found.countries,
    );
    await recordAudit(trx, ctx, {
      action: 'resource.create',
      entityType: 'resource',
      entityId: created.id,
      after: { slug: created.slug, status, ...snapshotOf(input) },
      isPublic: status === 'published',
    });
    return created;
  });
  return hydrateOne(ctx, row);
}

/** Edits: the fields given replace the current ones (PATCH); the whole is checked again. */
export async function updateResource(
  ctx: ServiceContext,
  id: string,
  patch: Record<string, unknown>,
): Promise<Resource> {
  const current = await repo.findById(ctx.readDb, id);
  if (!current || !mayView(ctx, current)) throw AppError.notFound('The resource');
  authorize(
    ctx,
    'catalogue.submit',
    current.organisation_id ? { type: 'organisation', id: current.organisation_id } : SITE,
  );
  const before = inputOf(await hydrateOne(ctx, current));
  const found = await lookups(ctx);
  const checked = checkResourceInput({ ...before, ...patch }, found.validation);
  if (!checked.ok) badInput(checked.errors);
  const input = checked.value;
  const providers = await resolveProviders(ctx, input.providers);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockById(trx, id);
    if (!locked) throw AppError.notFound('The resource');
    if (!mayEdit(powersFor(ctx, locked.organisation_id), locked.status)) {
      throw new AppError(
        'conflict',
        locked.status === 'submitted'
          ? 'This resource is waiting for review; withdraw it to edit it.'
          : 'You cannot edit this resource in its current state.',
      );
    }
    const changes = diffSnapshots(snapshotOf(before), snapshotOf(input));
    if (changes.length === 0 && (!input.slug || input.slug === locked.slug)) return locked;
    const updated = await writeResource(
      trx,
      ctx,
      input,
      locked,
      { status: locked.status, organisationId: locked.organisation_id, action: 'edit' },
      providers,
      found.countries,
    );
    await recordAudit(trx, ctx, {
      action: 'resource.update',
      entityType: 'resource',
      entityId: id,
      before: Object.fromEntries(changes.map((c) => [c.field, c.before])),
      after: Object.fromEntries(changes.map((c) => [c.field, c.after])),
      isPublic: updated.status === 'published',
    });
    return updated;
  });
  return hydrateOne(ctx, row);
}

/** A workflow step: submit, withdraw, request changes (with a note), publish, archive. */
export async function transition(
  ctx: ServiceContext,
  id: string,
  action: WorkflowAction,
  note: string | null = null,
): Promise<Resource> {
  const current = await repo.findById(ctx.readDb, id);
  if (!current || !mayView(ctx, current)) throw AppError.notFound('The resource');
  authorize(
    ctx,
    'catalogue.submit',
    current.organisation_id ? { type: 'organisation', id: current.organisation_id } : SITE,
  );
  const trimmed = note?.trim() || null;
  if (needsNote(action) && !trimmed)
    badInput([{ path: '/note', message: 'Say what needs to change.' }]);
  if (trimmed && trimmed.length > 2000)
    badInput([{ path: '/note', message: 'Use at most 2000 characters.' }]);
  const resource = await hydrateOne(ctx, current);
  const input = inputOf(resource);
  const found = await lookups(ctx);
  const providers = await resolveProviders(ctx, input.providers);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockById(trx, id);
    if (!locked) throw AppError.notFound('The resource');
    const powers = powersFor(ctx, locked.organisation_id);
    if (!mayAct(powers, locked.status, action)) {
      if (powers.review || action === 'submit' || action === 'withdraw') {
        throw new AppError(
          'conflict',
          `A resource that is ${locked.status.replace('_', ' ')} cannot be sent to "${action}".`,
        );
      }
      throw AppError.forbidden('Only editors can do this.');
    }
    const status = nextStatus(action);
    const updated = await writeResource(
      trx,
      ctx,
      input,
      locked,
      {
        status,
        organisationId: locked.organisation_id,
        action,
        note: action === 'request-changes' ? trimmed : (trimmed ?? null),
      },
      providers,
      found.countries,
    );
    await recordAudit(trx, ctx, {
      action: `resource.${action}`,
      entityType: 'resource',
      entityId: id,
      before: { status: locked.status },
      after: { status, note: trimmed },
      isPublic: status === 'published' || locked.status === 'published',
    });
    return updated;
  });
  return hydrateOne(ctx, row);
}

// ---------------------------------------------------------------------------------------------
// Revisions

export interface RevisionView {
  number: number;
  action: string;
  status: string;
  note: string | null;
  actor: string | null;
  at: Date;
  snapshot: Record<string, unknown>;
}

export async function listRevisions(ctx: ServiceContext, id: string): Promise<RevisionView[]> {
  const row = await repo.findById(ctx.readDb, id);
  if (!row) throw AppError.notFound('The resource');
  const powers = powersFor(ctx, row.organisation_id);
  if (!powers.review && !powers.submit) authorize(ctx, 'catalogue.review');
  const revisions = await repo.listRevisions(ctx.readDb, id);
  return revisions.map((r) => ({
    number: r.number,
    action: r.action,
    status: r.status,
    note: r.note,
    actor: r.actor_label,
    at: r.created_at,
    snapshot: r.snapshot,
  }));
}

/** Two revisions side by side: the fields that differ. */
export async function compareRevisions(ctx: ServiceContext, id: string, from: number, to: number) {
  const revisions = await listRevisions(ctx, id);
  const a = revisions.find((r) => r.number === from);
  const b = revisions.find((r) => r.number === to);
  if (!a || !b) throw AppError.notFound('The revision');
  return { from: a, to: b, changes: diffSnapshots(a.snapshot, b.snapshot) };
}

// ---------------------------------------------------------------------------------------------
// Lists for editors and representatives

/** Editors: what waits for review. Representatives: their organisations' work in progress. */
export async function reviewQueue(ctx: ServiceContext): Promise<{
  submitted: Resource[];
  inProgress: Resource[];
}> {
  if (isAllowed(ctx, 'catalogue.review')) {
    const [submitted, inProgress] = await Promise.all([
      repo.listByStatus(ctx.readDb, ['submitted'], { limit: 200 }),
      repo.listByStatus(ctx.readDb, ['draft', 'changes_requested'], { limit: 200 }),
    ]);
    return { submitted: await hydrate(ctx, submitted), inProgress: await hydrate(ctx, inProgress) };
  }
  authorize(ctx, 'catalogue.submit', representedScope(ctx));
  const organisationIds = representedOrganisations(ctx);
  const [submitted, inProgress] = await Promise.all([
    repo.listByStatus(ctx.readDb, ['submitted'], { organisationIds, limit: 200 }),
    repo.listByStatus(ctx.readDb, ['draft', 'changes_requested'], { organisationIds, limit: 200 }),
  ]);
  return { submitted: await hydrate(ctx, submitted), inProgress: await hydrate(ctx, inProgress) };
}

/** Organisations the actor represents (organisation-scoped grants of organisation-rep). */
export function representedOrganisations(ctx: ServiceContext): string[] {
  return ctx.actor.grants
    .filter((g) => g.role === 'organisation-rep' && g.scopeType === 'organisation' && g.scopeId)
    .map((g) => g.scopeId!);
}

function representedScope(ctx: ServiceContext) {
  const first = representedOrganisations(ctx)[0];
  return first ? { type: 'organisation' as const, id: first } : SITE;
}

/** Editors' "needs attention": dead or moved links, and anything unverified for 12 months. */
export async function needsAttention(ctx: ServiceContext, limit = 200) {
  authorize(ctx, 'catalogue.review');
  const today = ctx.clock.now();
  const yearAgo = new Date(today);
  yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
  const rows = await repo.needingAttention(ctx.readDb, yearAgo.toISOString().slice(0, 10), limit);
  const resources = await hydrate(ctx, rows);
  return resources.map((resource) => ({
    resource,
    reasons: [
      ...(resource.link.status === 'broken' ? (['broken'] as const) : []),
      ...(resource.link.status === 'moved' ? (['moved'] as const) : []),
      ...(isStale(resource.verifiedAt, today) ? (['stale'] as const) : []),
    ],
  }));
}

export function countPublished(ctx: ServiceContext): Promise<number> {
  return repo.countByStatus(ctx.readDb, 'published');
}

/** Published resources linked to an organisation as provider. */
export async function publishedIdsByOrganisation(
  ctx: ServiceContext,
  organisationId: string,
  limit: number,
): Promise<string[]> {
  return repo.publishedIdsByOrganisation(ctx.readDb, organisationId, limit);
}
