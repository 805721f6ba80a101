import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './organisations.repository.ts';
import type { Organisation } from './organisations.ts';
import type { OrganisationsTable } from './organisations.table.ts';
import type { Selectable } from 'kysely';

function present(row: Selectable<OrganisationsTable>, members: string[] = []): Organisation {
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
