import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, slugify } from '../../platform/ids.ts';
import { cosine, fitTfIdf, jaccard, tokenize } from '../../platform/similarity.ts';
import { authorize, isAllowed } from '../accounts/index.ts';
import { countries, countryMap, languages } from '../reference/index.ts';
import {
  organisationsBySlug,
  organisationsById,
  type Organisation,
} from '../organisations/index.ts';
import * as repo from './needs.repository.ts';
import * as initiativesRepo from './initiatives.repository.ts';
import { toInitiative } from './initiatives.present.ts';
import type { Initiative } from './initiatives.ts';
import {
  NEED_STATUSES,
  OFFER_MOVES,
  normaliseNeed,
  type Need,
  type NeedStatus,
  type Offer,
  type OfferStatus,
} from './needs.ts';

function toNeed(row: repo.NeedRow): Need {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    country: row.country,
    organisation: row.organisation_id
      ? {
          id: row.organisation_id,
          slug: row.organisation_slug ?? '',
          name: row.organisation_name ?? '',
        }
      : null,
    themes: row.themes,
    languages: row.languages,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status as NeedStatus,
    postedBy: row.posted_by,
    isDemo: row.is_demo,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NeedQuery {
  country?: string;
  theme?: string;
  status?: string;
  mine?: boolean;
  page?: number;
  pageSize?: number;
}

export async function listNeeds(ctx: ServiceContext, query: NeedQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  if (query.mine && !ctx.actor.userId) authorize(ctx, 'needs.post');
  const { rows, total } = await repo.listNeeds(
    ctx.readDb,
    {
      country: query.country?.toUpperCase(),
      theme: query.theme,
      status: query.status ? [query.status] : query.mine ? undefined : ['open', 'in-progress'],
      involving: query.mine ? (ctx.actor.userId ?? undefined) : undefined,
    },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  return { items: rows.map(toNeed), total, page, pageSize };
}

export async function needsOfCountry(
  ctx: Pick<ServiceContext, 'readDb'>,
  iso2: string,
): Promise<Need[]> {
  return (await repo.needsOfCountry(ctx.readDb, iso2.toUpperCase())).map(toNeed);
}

function mayManageNeed(
  ctx: ServiceContext,
  need: Pick<Need, 'postedBy' | 'organisation'>,
): boolean {
  if (isAllowed(ctx, 'registry.review')) return true;
  if (ctx.actor.userId && need.postedBy === ctx.actor.userId) return true;
  return (
    !!need.organisation &&
    isAllowed(ctx, 'needs.post', { type: 'organisation', id: need.organisation.id })
  );
}

async function uniqueSlug(ctx: ServiceContext, title: string): Promise<string> {
  const base = slugify(title, 70);
  let slug = base;
  for (let n = 2; await repo.slugTaken(ctx.db, slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** A focal point or an organisation posts a capacity need. */
export async function postNeed(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
  options: { isDemo?: boolean } = {},
): Promise<Need> {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'needs.post');
  const { value, errors } = normaliseNeed(raw, {
    countries: new Set((await countries(ctx)).map((c) => c.iso2)),
    languages: new Set((await languages(ctx)).map((l) => l.code)),
  });
  if (!value) throw AppError.validation(errors);
  let organisation: Organisation | undefined;
  if (value.organisation) {
    organisation = (await organisationsBySlug(ctx, [value.organisation])).get(value.organisation);
    if (!organisation) {
      throw AppError.validation([
        { path: '/organisation', message: `Unknown organisation "${value.organisation}".` },
      ]);
    }
  }
  const allowed =
    isAllowed(ctx, 'needs.post') ||
    (organisation && isAllowed(ctx, 'needs.post', { type: 'organisation', id: organisation.id }));
  if (!allowed) authorize(ctx, 'needs.post');
  const id = newId();
  const slug = await uniqueSlug(ctx, value.title);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertNeed(trx, {
      id,
      slug,
      title: value.title,
      description: value.description,
      country: value.country,
      organisation_id: organisation?.id ?? null,
      themes: value.themes,
      languages: value.languages,
      starts_on: value.startsOn,
      ends_on: value.endsOn,
      posted_by: ctx.actor.userId,
      is_demo: options.isDemo ?? false,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'need.post',
      entityType: 'need',
      entityId: id,
      after: { ...value, organisation: organisation?.slug ?? null },
      isPublic: true,
    });
  });
  return getNeed(ctx, id);
}

export async function getNeed(ctx: ServiceContext, idOrSlug: string): Promise<Need> {
  const row = await repo.findNeed(ctx.db, idOrSlug);
  if (!row) throw AppError.notFound('The need');
  return toNeed(row);
}

export async function offersFor(ctx: ServiceContext, need: Need): Promise<Offer[]> {
  const rows = await repo.offers(ctx.db, need.id);
  return rows.map((r) => ({
    id: r.id,
    needId: r.need_id,
    organisation: r.organisation_id
      ? { id: r.organisation_id, slug: r.organisation_slug ?? '', name: r.organisation_name ?? '' }
      : null,
    initiative: r.initiative_id
      ? { id: r.initiative_id, slug: r.initiative_slug ?? '', title: r.initiative_title ?? '' }
      : null,
    message: r.message,
    status: r.status as OfferStatus,
    responseNote: r.response_note,
    offeredBy: r.offered_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Whether the actor answers offers on this need (its poster, its organisation, editors). */
export function canManageNeed(ctx: ServiceContext, need: Need): boolean {
  return mayManageNeed(ctx, need);
}

export async function setNeedStatus(
  ctx: ServiceContext,
  idOrSlug: string,
  status: string,
): Promise<Need> {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'needs.post');
  if (!(NEED_STATUSES as readonly string[]).includes(status)) {
    throw AppError.validation([
      { path: '/status', message: `Choose one of: ${NEED_STATUSES.join(', ')}.` },
    ]);
  }
  const need = await getNeed(ctx, idOrSlug);
  if (!mayManageNeed(ctx, need)) throw AppError.forbidden();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockNeed(trx, need.id);
    await repo.setNeedStatus(trx, need.id, status, ctx.clock.now());
    await recordAudit(trx, ctx, {
      action: 'need.status',
      entityType: 'need',
      entityId: need.id,
      before: { status: need.status },
      after: { status },
      isPublic: true,
    });
  });
  return getNeed(ctx, need.id);
}

/** A provider answers a need with an offer. */
export async function makeOffer(
  ctx: ServiceContext,
  needIdOrSlug: string,
  raw: { message?: string; organisation?: string; initiative?: string },
): Promise<Offer> {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'needs.offer');
  const need = await getNeed(ctx, needIdOrSlug);
  const message = (raw.message ?? '').trim();
  const errors = [];
  if (!message) errors.push({ path: '/message', message: 'Say what you offer.' });
  else if (message.length > 3000)
    errors.push({ path: '/message', message: 'Use at most 3,000 characters.' });
  let organisation: Organisation | undefined;
  if (raw.organisation?.trim()) {
    organisation = (await organisationsBySlug(ctx, [raw.organisation.trim()])).get(
      raw.organisation.trim(),
    );
    if (!organisation)
      errors.push({
        path: '/organisation',
        message: `Unknown organisation "${raw.organisation}".`,
      });
  }
  let initiativeId: string | null = null;
  if (raw.initiative?.trim()) {
    const found = await initiativesRepo.findInitiative(ctx.db, raw.initiative.trim());
    if (!found || found.workflow !== 'published')
      errors.push({ path: '/initiative', message: `Unknown initiative "${raw.initiative}".` });
    else initiativeId = found.id;
  }
  if (errors.length) throw AppError.validation(errors);
  const allowed =
    isAllowed(ctx, 'needs.offer') ||
    (organisation && isAllowed(ctx, 'needs.offer', { type: 'organisation', id: organisation.id }));
  if (!allowed) authorize(ctx, 'needs.offer');
  if (!['open', 'in-progress'].includes(need.status)) {
    throw new AppError('conflict', 'This need no longer takes offers.');
  }
  const id = newId();
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertOffer(trx, {
      id,
      need_id: need.id,
      organisation_id: organisation?.id ?? null,
      initiative_id: initiativeId,
      message,
      offered_by: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'offer.make',
      entityType: 'need-offer',
      entityId: id,
      after: { need: need.id, organisation: organisation?.slug ?? null, initiative: initiativeId },
      isPublic: true,
    });
  });
  return (await offersFor(ctx, need)).find((o) => o.id === id)!;
}

/** Moves an offer: the need's side accepts or declines, the provider withdraws or delivers. */
export async function moveOffer(
  ctx: ServiceContext,
  offerId: string,
  status: string,
  note: string | null = null,
): Promise<void> {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'needs.offer');
  const move = OFFER_MOVES[status as OfferStatus];
  if (!move || move.from.length === 0) {
    throw AppError.validation([
      { path: '/status', message: 'Choose accepted, declined, withdrawn or delivered.' },
    ]);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const offer = await repo.lockOffer(trx, offerId);
    if (!offer) throw AppError.notFound('The offer');
    const needRow = await repo.findNeed(trx, offer.need_id);
    const need = toNeed(needRow!);
    const provider =
      isAllowed(ctx, 'registry.review') ||
      (!!ctx.actor.userId && offer.offered_by === ctx.actor.userId) ||
      (!!offer.organisation_id &&
        isAllowed(ctx, 'needs.offer', { type: 'organisation', id: offer.organisation_id }));
    const ok = move.by === 'need' ? mayManageNeed(ctx, need) : provider;
    if (!ok) throw AppError.forbidden();
    if (!move.from.includes(offer.status as OfferStatus)) {
      throw new AppError('conflict', `An offer that is ${offer.status} cannot become ${status}.`);
    }
    const now = ctx.clock.now();
    await repo.setOfferStatus(
      trx,
      offerId,
      status,
      note?.trim().slice(0, 2000) || offer.response_note,
      now,
    );
    // An accepted offer puts the need in progress; a delivered one meets it.
    if (status === 'accepted' && need.status === 'open')
      await repo.setNeedStatus(trx, need.id, 'in-progress', now);
    if (status === 'delivered' && need.status !== 'met')
      await repo.setNeedStatus(trx, need.id, 'met', now);
    await recordAudit(trx, ctx, {
      action: `offer.${status}`,
      entityType: 'need-offer',
      entityId: offerId,
      before: { status: offer.status },
      after: { status, need: need.id },
      isPublic: true,
    });
  });
}

// ---- suggestions ------------------------------------------------------------------------------

export interface InitiativeSuggestion {
  initiative: Initiative;
  score: number;
  sharedThemes: string[];
  /** "country" when it works in the need's country, else the region they share. */
  place: { kind: 'country'; country: string } | { kind: 'region'; region: string };
  textSimilarity: number;
}

export interface ProviderSuggestion {
  organisation: Organisation;
  initiatives: number;
  themes: string[];
  region: string | null;
}

export interface ExternalSuggestion {
  title: string;
  url: string;
  reasons: string[];
}

/**
 * INTEGRATION POINT (catalogue): the catalogue adds resource suggestions for a need with
 * addNeedSuggestionSource({ id: 'resources', suggest }) from its index.ts. Without it, need pages
 * link to a catalogue search in the need's languages.
 */
export interface NeedSuggestionSource {
  id: string;
  suggest(ctx: ServiceContext, need: Need): Promise<ExternalSuggestion[]>;
}
const sources: NeedSuggestionSource[] = [];
export function addNeedSuggestionSource(source: NeedSuggestionSource): void {
  if (!sources.some((s) => s.id === source.id)) sources.push(source);
}
export function hasSuggestionSource(id: string): boolean {
  return sources.some((s) => s.id === id);
}

/** What could meet a need: initiatives, providers and (through sources) resources, with reasons. */
export async function suggestionsFor(ctx: ServiceContext, need: Need) {
  const byIso = await countryMap(ctx);
  const home = need.country ? byIso.get(need.country) : undefined;
  const homeRegions = home
    ? [home.intermediateRegion, home.subRegion, home.region].filter((r): r is string => !!r)
    : [];
  const rows = await initiativesRepo.allInitiatives(ctx.readDb, {
    workflow: ['published'],
    themes: need.themes,
    statuses: ['pipeline', 'implementation'],
  });
  const parts = await initiativesRepo.participants(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  const candidates = rows.map((r) => toInitiative(r, parts.get(r.id)));
  const placed: Array<{ i: Initiative; place: InitiativeSuggestion['place'] }> = [];
  for (const i of candidates) {
    if (need.country && i.countries.includes(need.country)) {
      placed.push({ i, place: { kind: 'country', country: need.country } });
      continue;
    }
    const regionsOfI = new Set([
      ...i.regions,
      ...i.countries.flatMap((c) => {
        const k = byIso.get(c);
        return k
          ? [k.intermediateRegion, k.subRegion, k.region].filter((r): r is string => !!r)
          : [];
      }),
    ]);
    const shared = homeRegions.find((r) => regionsOfI.has(r));
    if (shared) placed.push({ i, place: { kind: 'region', region: shared } });
  }
  const model = fitTfIdf([
    tokenize(`${need.title}. ${need.description}`),
    ...placed.map((p) => tokenize(`${p.i.title}. ${p.i.description}`)),
  ]);
  const initiatives: InitiativeSuggestion[] = placed
    .map((p, k) => {
      const textSimilarity = cosine(model.vectors[0]!, model.vectors[k + 1]!);
      const sharedThemes = p.i.themes.filter((t) => need.themes.includes(t));
      const score =
        0.5 * textSimilarity +
        0.25 * jaccard(p.i.themes, need.themes) +
        0.25 * (p.place.kind === 'country' ? 1 : 0.5);
      return { initiative: p.i, score, sharedThemes, place: p.place, textSimilarity };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);

  // Providers: organisations implementing or funding such initiatives in the need's region.
  const counts = new Map<string, { n: number; themes: Set<string> }>();
  for (const p of placed) {
    for (const part of p.i.participants) {
      if (!part.organisationId || (part.role !== 'implementing' && part.role !== 'funding'))
        continue;
      const entry = counts.get(part.organisationId) ?? { n: 0, themes: new Set<string>() };
      entry.n++;
      for (const t of p.i.themes) if (need.themes.includes(t)) entry.themes.add(t);
      counts.set(part.organisationId, entry);
    }
  }
  const top = [...counts].sort((a, b) => b[1].n - a[1].n).slice(0, 5);
  const orgs = await organisationsById(
    ctx,
    top.map(([id]) => id),
  );
  const providers: ProviderSuggestion[] = top
    .filter(([id]) => orgs.has(id))
    .map(([id, c]) => ({
      organisation: orgs.get(id)!,
      initiatives: c.n,
      themes: [...c.themes],
      region: homeRegions[0] ?? null,
    }));

  const external = new Map<string, ExternalSuggestion[]>();
  for (const source of sources)
    external.set(source.id, await source.suggest(ctx, need).catch(() => []));
  return { initiatives, providers, external };
}

// ---- demo ------------------------------------------------------------------------------------

/** Demo needs (invented, marked as demo), posted by the system. */
export async function seedDemoNeeds(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/needs.json', import.meta.url);
  if (!existsSync(file)) return;
  const list = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
  const existing = await repo.listNeeds(ctx.db, {}, { limit: 1, offset: 0 });
  if (existing.total > 0) return;
  for (const raw of list) await postNeed(ctx, raw, { isDemo: true });
}
