import type { InitiativeRow, ParticipantRow } from './initiatives.repository.ts';
import type {
  ActivityStatus,
  Initiative,
  InitiativeInput,
  Participant,
  ParticipantRole,
  WorkflowState,
} from './initiatives.ts';

export function toInitiative(
  row: InitiativeRow,
  participants: ReadonlyArray<ParticipantRow & { slug: string | null }> = [],
): Initiative {
  return {
    id: row.id,
    slug: row.slug,
    externalId: row.external_id,
    title: row.title,
    description: row.description,
    language: row.language,
    translations: (row.translations ?? {}) as Initiative['translations'],
    participants: participants.map((p) => ({
      role: p.role as ParticipantRole,
      organisationId: p.organisation_id,
      slug: p.slug,
      name: p.name,
      ref: p.ref,
    })),
    countries: row.countries,
    regions: row.regions,
    themes: row.themes,
    cmm: row.cmm,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status as ActivityStatus,
    budget: row.budget === null ? null : Number(row.budget),
    currency: row.currency,
    outputs: row.outputs,
    links: row.links,
    workflow: row.workflow as WorkflowState,
    reviewNote: row.review_note,
    createdBy: row.created_by,
    submittedAt: row.submitted_at,
    publishedAt: row.published_at,
    isDemo: row.is_demo,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function names(list: readonly Participant[], role: ParticipantRole): string[] {
  return list.filter((p) => p.role === role).map((p) => p.slug ?? p.name);
}

/** The exchange shape: what the API answers, exports write and imports read back. */
export function toRecord(i: InitiativeInput) {
  return {
    externalId: i.externalId,
    slug: i.slug,
    title: i.title,
    description: i.description,
    language: i.language,
    translations: i.translations,
    implementers: names(i.participants, 'implementing'),
    funders: names(i.participants, 'funding'),
    partners: names(i.participants, 'partner'),
    participants: i.participants.map((p) => ({
      role: p.role,
      organisation: p.slug,
      name: p.name,
      ref: p.ref,
    })),
    countries: i.countries,
    regions: i.regions,
    themes: i.themes,
    cmm: i.cmm,
    startsOn: i.startsOn,
    endsOn: i.endsOn,
    status: i.status,
    budget: i.budget,
    currency: i.currency,
    outputs: i.outputs,
    links: i.links,
  };
}

export function toApi(i: Initiative) {
  return {
    id: i.id,
    ...toRecord(i),
    slug: i.slug,
    workflow: i.workflow,
    publishedAt: i.publishedAt ? i.publishedAt.toISOString() : null,
    updatedAt: i.updatedAt.toISOString(),
  };
}

/** What a revision keeps: the content, not the bookkeeping. */
export function snapshotOf(i: InitiativeInput & { workflow?: string }) {
  return { ...toRecord(i), workflow: i.workflow ?? null };
}
