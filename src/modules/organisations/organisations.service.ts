import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './organisations.repository.ts';
import {
  normaliseOrganisation,
  type Organisation,
  type OrganisationInput,
} from './organisations.ts';
import { authorize } from '../accounts/index.ts';
import { countries, termCodes } from '../reference/index.ts';
import type { FieldError } from '../../platform/errors.ts';
import type { OrganisationsTable } from './organisations.table.ts';
import type { Selectable } from 'kysely';

export function present(row: Selectable<OrganisationsTable>, members: string[] = []): Organisation {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    acronym: row.acronym,
    stakeholderGroup: row.stakeholder_group,
    kind: row.kind,
    country: row.country,
    website: row.website,
    description: row.description,
    ecosocStatus: row.ecosoc_status,
    memberStates: members,
  };
}

export async function getOrganisationBySlug(
  ctx: Pick<ServiceContext, 'readDb'>,
  slug: string,
): Promise<Organisation> {
  const row = await repo.findBySlug(ctx.readDb, slug);
  if (!row) throw AppError.notFound(`The organisation "${slug}"`);
  const members = await repo.memberStates(ctx.readDb, [row.id]);
  return present(row, members.get(row.id));
}

export async function getOrganisationById(
  ctx: Pick<ServiceContext, 'readDb'>,
  id: string,
): Promise<Organisation | null> {
  const row = await repo.findById(ctx.readDb, id);
  if (!row) return null;
  const members = await repo.memberStates(ctx.readDb, [row.id]);
  return present(row, members.get(row.id));
}

/** Organisations by slug (for imports and references); unknown slugs are simply absent. */
export async function organisationsBySlug(
  ctx: Pick<ServiceContext, 'readDb'>,
  slugs: readonly string[],
): Promise<Map<string, Organisation>> {
  const rows = await repo.findManyBySlug(ctx.readDb, [...new Set(slugs)]);
  return new Map(rows.map((r) => [r.slug, present(r)]));
}

export async function organisationsById(
  ctx: Pick<ServiceContext, 'readDb'>,
  ids: readonly string[],
): Promise<Map<string, Organisation>> {
  const rows = await repo.findManyById(ctx.readDb, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, present(r)]));
}

export function countOrganisations(ctx: Pick<ServiceContext, 'readDb'>): Promise<number> {
  return repo.countOrganisations(ctx.readDb);
}

export interface DemoOrganisation {
  slug: string;
  name: string;
  acronym?: string | null;
  stakeholderGroup: string;
  kind: string;
  country?: string | null;
  website?: string | null;
  description?: string;
  memberStates?: string[];
  ecosocStatus?: boolean;
}

/** Loads the real organisations of the demo set (facts from their public pages). */
export async function seedDemoOrganisations(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/organisations.json', import.meta.url);
  if (!existsSync(file)) return;
  const list = JSON.parse(readFileSync(file, 'utf8')) as DemoOrganisation[];
  await ctx.db.transaction().execute(async (trx) => {
    for (const o of list) {
      if (await repo.findBySlug(trx, o.slug)) continue;
      const row = await repo.insertOrganisation(
        trx,
        {
          id: newId(),
          slug: o.slug,
          name: o.name,
          acronym: o.acronym ?? null,
          stakeholder_group: o.stakeholderGroup,
          kind: o.kind,
          country: o.country ?? null,
          website: o.website ?? null,
          description: o.description ?? '',
          ecosoc_status: o.ecosocStatus ?? false,
        },
        o.memberStates ?? [],
      );
      await recordAudit(trx, ctx, {
        action: 'organisation.create',
        entityType: 'organisation',
        entityId: row.id,
        after: { slug: o.slug },
        isPublic: true,
      });
    }
  });
}

export interface OrganisationQuery {
  q?: string;
  stakeholderGroup?: string;
  kind?: string;
  country?: string;
  memberState?: string;
  page?: number;
  pageSize?: number;
}

/** The directory: every stakeholder group, filterable, by name. */
export async function listOrganisations(
  ctx: Pick<ServiceContext, 'readDb'>,
  query: OrganisationQuery,
): Promise<{ items: Organisation[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const { rows, total } = await repo.listOrganisations(
    ctx.readDb,
    {
      q: query.q?.trim() || undefined,
      stakeholderGroup: query.stakeholderGroup,
      kind: query.kind,
      country: query.country?.toUpperCase(),
      memberState: query.memberState?.toUpperCase(),
    },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  const members = await repo.memberStates(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => present(r, members.get(r.id))), total, page, pageSize };
}

/** One organisation by id or slug. */
export async function getOrganisation(
  ctx: Pick<ServiceContext, 'readDb'>,
  idOrSlug: string,
): Promise<Organisation> {
  const found = /^[0-9a-f-]{36}$/i.test(idOrSlug)
    ? await getOrganisationById(ctx, idOrSlug)
    : await getOrganisationBySlug(ctx, idOrSlug).catch(() => null);
  if (!found) throw AppError.notFound('The organisation');
  return found;
}

/** The organisations a country is a member state of (regional and international memberships). */
export async function membershipsOf(
  ctx: Pick<ServiceContext, 'readDb'>,
  iso2: string,
): Promise<Organisation[]> {
  const rows = await repo.memberships(ctx.readDb, iso2.toUpperCase());
  return rows.map((r) => present(r));
}

export interface OrganisationImportReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: Array<{ row: number; errors: FieldError[] }>;
}

function sameAs(a: OrganisationInput, b: Organisation): boolean {
  return (
    a.name === b.name &&
    a.acronym === b.acronym &&
    a.stakeholderGroup === b.stakeholderGroup &&
    a.kind === b.kind &&
    a.country === b.country &&
    a.website === b.website &&
    a.description === b.description &&
    a.ecosocStatus === b.ecosocStatus &&
    a.memberStates.join() === [...b.memberStates].sort().join()
  );
}

/**
 * Imports organisations: all rows are checked first and every problem reported; nothing is
 * written unless all are valid (or `skipInvalid`). A row whose slug exists updates it.
 */
export async function importOrganisations(
  ctx: ServiceContext,
  raws: ReadonlyArray<Record<string, unknown>>,
  options: { skipInvalid?: boolean } = {},
): Promise<OrganisationImportReport> {
  authorize(ctx, 'registry.import');
  if (raws.length === 0)
    throw AppError.validation([{ path: '/rows', message: 'The file holds no rows.' }]);
  const refs = {
    countries: new Set((await countries(ctx)).map((c) => c.iso2)),
    stakeholderGroups: new Set<string>(termCodes('stakeholderGroup')),
  };
  const valid: OrganisationInput[] = [];
  const skipped: OrganisationImportReport['skipped'] = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    const row = index + 1;
    const { value, errors } = normaliseOrganisation(raw, refs, `/rows/${row}`);
    if (value && seen.has(value.slug))
      errors.push({
        path: `/rows/${row}/slug`,
        message: `Same slug as row ${seen.get(value.slug)}.`,
      });
    else if (value) seen.set(value.slug, row);
    if (value && errors.length === 0) valid.push(value);
    else skipped.push({ row, errors });
  });
  if (skipped.length && !options.skipInvalid) {
    throw AppError.validation(
      skipped.flatMap((s) => s.errors),
      `${skipped.length} of ${raws.length} rows have problems; nothing was imported.`,
    );
  }
  const report: OrganisationImportReport = { created: 0, updated: 0, unchanged: 0, skipped };
  await ctx.db.transaction().execute(async (trx) => {
    const existingRows = await repo.findManyBySlug(
      trx,
      valid.map((v) => v.slug),
    );
    const members = await repo.memberStates(
      trx,
      existingRows.map((r) => r.id),
    );
    const existing = new Map(existingRows.map((r) => [r.slug, present(r, members.get(r.id))]));
    const now = ctx.clock.now();
    for (const v of valid) {
      const columns = {
        name: v.name,
        acronym: v.acronym,
        stakeholder_group: v.stakeholderGroup,
        kind: v.kind,
        country: v.country,
        website: v.website,
        description: v.description,
        ecosoc_status: v.ecosocStatus,
      };
      const current = existing.get(v.slug);
      if (current && sameAs(v, current)) {
        report.unchanged++;
      } else if (current) {
        await repo.updateOrganisation(
          trx,
          current.id,
          { ...columns, updated_at: now },
          v.memberStates,
        );
        await recordAudit(trx, ctx, {
          action: 'organisation.update',
          entityType: 'organisation',
          entityId: current.id,
          before: current,
          after: v,
          isPublic: true,
        });
        report.updated++;
      } else {
        const row = await repo.insertOrganisation(
          trx,
          { id: newId(), slug: v.slug, ...columns },
          v.memberStates,
        );
        await recordAudit(trx, ctx, {
          action: 'organisation.create',
          entityType: 'organisation',
          entityId: row.id,
          after: v,
          isPublic: true,
        });
        report.created++;
      }
    }
  });
  return report;
}

/** Every organisation, for export. */
export async function exportOrganisations(
  ctx: Pick<ServiceContext, 'readDb'>,
): Promise<Organisation[]> {
  const rows = await repo.allOrganisations(ctx.readDb);
  const members = await repo.memberStates(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  return rows.map((r) => present(r, members.get(r.id)));
}
