import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './initiatives.repository.ts';
import type { Initiative } from './initiatives.ts';
import {
  findOverlaps,
  findOverlapsFor,
  surfaceTerms,
  type OverlapItem,
  type OverlapPair,
} from './overlap.ts';

export const DECISIONS = ['duplicate', 'complementary', 'unrelated'] as const;
export type Decision = (typeof DECISIONS)[number];

/** What a reason sentence is made of; pages and the API put it into words in the reader's language. */
export interface OverlapReasons {
  themes: string[];
  countries: string[];
  from: string | null;
  to: string | null;
  textSimilarity: number;
  timeOverlap: number;
  terms: string[];
}

export interface OverlapView {
  id: string | null;
  a: { id: string; slug: string; title: string };
  b: { id: string; slug: string; title: string };
  score: number;
  likelyDuplicate: boolean;
  reasons: OverlapReasons;
  decision: Decision | null;
  decisionNote: string | null;
  decidedAt: Date | null;
}

function corpusItem(row: Awaited<ReturnType<typeof repo.overlapCorpus>>[number]): OverlapItem {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    countries: row.countries,
    regions: row.regions,
    themes: row.themes,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
  };
}

function itemOf(i: Initiative): OverlapItem {
  return {
    id: i.id,
    title: i.title,
    description: i.description,
    countries: i.countries,
    regions: i.regions,
    themes: i.themes,
    startsOn: i.startsOn,
    endsOn: i.endsOn,
  };
}

function toRow(x: OverlapItem, y: OverlapItem, pair: OverlapPair, at: Date): repo.NewOverlap {
  const [first, second] = x.id < y.id ? [x, y] : [y, x];
  return {
    id: newId(),
    a_id: first.id,
    b_id: second.id,
    score: pair.score,
    text_similarity: pair.textSimilarity,
    time_overlap: pair.timeOverlap,
    shared_countries: pair.sharedCountries,
    shared_themes: pair.sharedThemes,
    shared_terms: surfaceTerms(pair.sharedStems, [
      `${x.title} ${x.description}`,
      `${y.title} ${y.description}`,
    ]).slice(0, 5),
    overlap_from: pair.overlapFrom,
    overlap_to: pair.overlapTo,
    likely_duplicate: pair.likelyDuplicate,
    computed_at: at,
  };
}

function viewOf(row: Awaited<ReturnType<typeof repo.listOverlaps>>['rows'][number]): OverlapView {
  return {
    id: row.id,
    a: { id: row.a_id, slug: row.a_slug, title: row.a_title },
    b: { id: row.b_id, slug: row.b_slug, title: row.b_title },
    score: Math.round(row.score * 1000) / 1000,
    likelyDuplicate: row.likely_duplicate,
    reasons: {
      themes: row.shared_themes,
      countries: row.shared_countries,
      from: row.overlap_from,
      to: row.overlap_to,
      textSimilarity: row.text_similarity,
      timeOverlap: row.time_overlap,
      terms: row.shared_terms,
    },
    decision: row.decision as Decision | null,
    decisionNote: row.decision_note,
    decidedAt: row.decided_at,
  };
}

/** The likely overlaps of an initiative with the registry, without saving them (drafts). */
export async function registrationOverlaps(
  ctx: ServiceContext,
  initiative: Initiative,
): Promise<OverlapView[]> {
  const corpus = (await repo.overlapCorpus(ctx.db)).map(corpusItem);
  const target = itemOf(initiative);
  const titles = new Map(
    await repo
      .findManyById(
        ctx.db,
        corpus.map((c) => c.id),
      )
      .then((rows) => rows.map((r) => [r.id, r.slug] as const)),
  );
  const at = ctx.clock.now();
  // Pairs the coordinators dismissed stay out of sight.
  const dismissed = new Set(
    (
      await repo.listOverlaps(
        ctx.db,
        { initiativeId: initiative.id, decision: 'unrelated' },
        { limit: 1000, offset: 0 },
      )
    ).rows.map((r) => (r.a_id === initiative.id ? r.b_id : r.a_id)),
  );
  return findOverlapsFor(target, corpus)
    .filter((p) => !dismissed.has(p.other.id))
    .slice(0, 20)
    .map((p) => {
      const row = toRow(target, p.other, p, at);
      return {
        id: null,
        a: { id: target.id, slug: initiative.slug, title: target.title },
        b: { id: p.other.id, slug: titles.get(p.other.id) ?? p.other.id, title: p.other.title },
        score: Math.round(p.score * 1000) / 1000,
        likelyDuplicate: p.likelyDuplicate,
        reasons: {
          themes: p.sharedThemes,
          countries: p.sharedCountries,
          from: p.overlapFrom,
          to: p.overlapTo,
          textSimilarity: p.textSimilarity,
          timeOverlap: p.timeOverlap,
          terms: row.shared_terms ?? [],
        },
        decision: null,
        decisionNote: null,
        decidedAt: null,
      };
    });
}

/** Recomputes and stores the overlaps of one registered initiative; answers what its authors see. */
export async function saveOverlapsFor(
  ctx: ServiceContext,
  initiative: Initiative,
): Promise<OverlapView[]> {
  const corpus = (await repo.overlapCorpus(ctx.db)).map(corpusItem);
  const target = itemOf(initiative);
  const at = ctx.clock.now();
  const registered = initiative.workflow === 'submitted' || initiative.workflow === 'published';
  const pairs = registered
    ? findOverlapsFor(target, corpus).map((p) => toRow(target, p.other, p, at))
    : [];
  await ctx.db.transaction().execute(async (trx) => {
    await repo.saveOverlaps(trx, pairs, { initiativeId: initiative.id });
    await recordAudit(trx, ctx, {
      action: 'overlaps.analyse',
      entityType: 'initiative',
      entityId: initiative.id,
      after: { pairs: pairs.length },
    });
  });
  const { rows } = await repo.listOverlaps(
    ctx.db,
    { initiativeId: initiative.id },
    { limit: 20, offset: 0 },
  );
  return rows.map(viewOf);
}

/** The whole analysis over every registered initiative (after imports, and as a job). */
export async function analyseOverlaps(
  ctx: ServiceContext,
): Promise<{ initiatives: number; pairs: number; likelyDuplicates: number }> {
  const corpus = (await repo.overlapCorpus(ctx.db)).map(corpusItem);
  const at = ctx.clock.now();
  const found = findOverlaps(corpus);
  const rows = found.map((p) => toRow(corpus[p.a]!, corpus[p.b]!, p, at));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.saveOverlaps(trx, rows, { all: true });
    await recordAudit(trx, ctx, {
      action: 'overlaps.analyse',
      entityType: 'overlap-analysis',
      entityId: 'all',
      after: { initiatives: corpus.length, pairs: rows.length },
    });
  });
  return {
    initiatives: corpus.length,
    pairs: rows.length,
    likelyDuplicates: rows.filter((r) => r.likely_duplicate).length,
  };
}

export interface OverlapQuery {
  country?: string;
  theme?: string;
  minScore?: number;
  decision?: string;
  initiative?: string;
  likelyDuplicate?: boolean;
  page?: number;
  pageSize?: number;
}

/** Overlapping pairs of published initiatives, best first. */
export async function listOverlaps(ctx: ServiceContext, query: OverlapQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  if (query.decision && !['none', 'any', ...DECISIONS].includes(query.decision)) {
    throw new AppError('bad_request', 'Unknown decision.', [
      { path: '/querystring/decision', message: `Choose none, any, ${DECISIONS.join(', ')}.` },
    ]);
  }
  let initiativeId: string | undefined;
  if (query.initiative) {
    const found = await repo.findInitiative(ctx.readDb, query.initiative);
    if (!found) return { items: [] as OverlapView[], total: 0, page, pageSize };
    initiativeId = found.id;
  }
  const { rows, total } = await repo.listOverlaps(
    ctx.readDb,
    {
      country: query.country?.toUpperCase(),
      theme: query.theme,
      minScore: query.minScore,
      decision: query.decision,
      likelyDuplicate: query.likelyDuplicate,
      initiativeId,
      publishedOnly: true,
    },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  return { items: rows.map(viewOf), total, page, pageSize };
}

/** A coordinator's decision on a pair: audited; kept through every later analysis. */
export async function decideOverlap(
  ctx: ServiceContext,
  id: string,
  decision: string,
  note: string | null = null,
): Promise<void> {
  authorize(ctx, 'registry.decide-overlap');
  if (!(DECISIONS as readonly string[]).includes(decision)) {
    throw AppError.validation([
      { path: '/decision', message: `Choose one of: ${DECISIONS.join(', ')}.` },
    ]);
  }
  const cleanNote = note?.trim().slice(0, 2000) || null;
  await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.findOverlap(trx, id);
    if (!row) throw AppError.notFound('The overlap');
    await repo.decideOverlap(trx, id, {
      decision,
      note: cleanNote,
      by: ctx.actor.userId,
      at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'overlap.decide',
      entityType: 'initiative-overlap',
      entityId: id,
      before: { decision: row.decision, note: row.decision_note },
      after: { decision, note: cleanNote, a: row.a_id, b: row.b_id },
    });
  });
}
