import { Type } from 'typebox';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId, slugify } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, findUserByEmail, grantRole, isAllowed } from '../accounts/index.ts';
import { countries } from '../reference/index.ts';
import * as repo from './processes.repository.ts';
import {
  MODALITIES,
  OBJECTOR_DISCLOSURE,
  PROCESS_KINDS,
  type Audience,
  type Meeting,
  type Process,
} from './processes.ts';
import { isTimeZone } from './zoned-time.ts';

const DATE = { format: 'date' } as const;

export function toMeeting(row: repo.MeetingRow): Meeting {
  return {
    id: row.id,
    title: row.title,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    location: row.location,
    url: row.url,
  };
}

function toProcess(
  row: repo.ProcessRow,
  meetings: repo.MeetingRow[],
  parent: repo.ProcessRow | undefined,
): Process {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    shortName: row.short_name,
    kind: row.kind as Process['kind'],
    parent: parent ? { id: parent.id, slug: parent.slug, name: parent.name } : null,
    description: row.description,
    mandate: row.mandate,
    website: row.website,
    modality: row.modality as Process['modality'],
    ecosocExempt: row.ecosoc_exempt,
    objectionPeriodDays: row.objection_period_days,
    timeZone: row.time_zone,
    disclosure: {
      objector: row.disclose_objector as Process['disclosure']['objector'],
      reasonsPublic: row.reasons_public,
    },
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    meetings: meetings.map(toMeeting),
    isDemo: row.is_demo,
  };
}

async function present(ctx: Pick<ServiceContext, 'readDb'>, rows: repo.ProcessRow[]) {
  const ids = rows.map((r) => r.id);
  const parentIds = rows.map((r) => r.parent_id).filter((p): p is string => !!p);
  const [meetings, parents] = await Promise.all([
    repo.meetingsOf(ctx.readDb, ids),
    repo.findProcessesByIds(ctx.readDb, [...new Set(parentIds)]),
  ]);
  const parentById = new Map(parents.map((p) => [p.id, p]));
  return rows.map((r) =>
    toProcess(r, meetings.get(r.id) ?? [], r.parent_id ? parentById.get(r.parent_id) : undefined),
  );
}

export interface ProcessQuery {
  q?: string;
  kind?: string;
  modality?: string;
  page?: number;
  pageSize?: number;
}

/** Public list of processes: everything here is public information. */
export async function listProcesses(ctx: ServiceContext, query: ProcessQuery = {}) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const { rows, total } = await repo.listProcesses(
    ctx.readDb,
    { q: query.q?.trim() || undefined, kind: query.kind, modality: query.modality },
    { limit: pageSize, offset: (page - 1) * pageSize },
  );
  return { items: await present(ctx, rows), total, page, pageSize };
}

/** A process by id or slug. */
export async function getProcess(
  ctx: Pick<ServiceContext, 'readDb'>,
  idOrSlug: string,
): Promise<Process> {
  const row = isUuid(idOrSlug)
    ? await repo.findProcessById(ctx.readDb, idOrSlug)
    : await repo.findProcessBySlug(ctx.readDb, idOrSlug);
  if (!row) throw AppError.notFound('The process');
  const [process] = await present(ctx, [row]);
  return process!;
}

/** Processes that sit under another (e.g. a thematic group of the Global Mechanism). */
export async function childProcesses(ctx: ServiceContext, parentId: string): Promise<Process[]> {
  return present(ctx, await repo.childrenOf(ctx.readDb, parentId));
}

/** Every process (public), by name. */
export async function allProcesses(ctx: Pick<ServiceContext, 'readDb'>): Promise<Process[]> {
  return present(ctx, await repo.allProcesses(ctx.readDb));
}

export function countProcesses(ctx: Pick<ServiceContext, 'readDb'>): Promise<number> {
  return repo.countProcesses(ctx.readDb);
}

/** What the acting person may see of this process's confidential data. */
export async function audienceFor(ctx: ServiceContext, processId: string): Promise<Audience> {
  const scope = { type: 'process' as const, id: processId };
  const secretariat = isAllowed(ctx, 'process.view-confidential', scope);
  let delegation: string | null = null;
  if (ctx.actor.userId && isAllowed(ctx, 'process.object', scope)) {
    delegation = (await repo.delegationOf(ctx.db, processId, ctx.actor.userId))?.country ?? null;
  }
  return { secretariat, delegation };
}

export const NewProcess = Type.Object(
  {
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 })),
    name: Type.String({ minLength: 3, maxLength: 200 }),
    shortName: Type.Optional(Type.Union([Type.String({ maxLength: 80 }), Type.Null()])),
    kind: Type.Union(PROCESS_KINDS.map((k) => Type.Literal(k))),
    parentSlug: Type.Optional(Type.Union([Type.String({ maxLength: 80 }), Type.Null()])),
    description: Type.String({ maxLength: 10_000 }),
    mandate: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    website: Type.Optional(
      Type.Union([Type.String({ format: 'uri', maxLength: 500 }), Type.Null()]),
    ),
    modality: Type.Union(MODALITIES.map((m) => Type.Literal(m))),
    ecosocExempt: Type.Optional(Type.Boolean()),
    objectionPeriodDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    disclosure: Type.Optional(
      Type.Object(
        {
          objector: Type.Union(OBJECTOR_DISCLOSURE.map((d) => Type.Literal(d))),
          reasonsPublic: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    startsOn: Type.Optional(Type.Union([Type.String(DATE), Type.Null()])),
    endsOn: Type.Optional(Type.Union([Type.String(DATE), Type.Null()])),
    isDemo: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const NewMeeting = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 200 }),
    startsOn: Type.String(DATE),
    endsOn: Type.String(DATE),
    location: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    url: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** Creates a process (its secretariat: site administrators), optionally with its meetings. */
export async function createProcess(ctx: ServiceContext, input: unknown): Promise<Process> {
  authorize(ctx, 'process.manage');
  const data = parseOrThrow(NewProcess, input);
  const errors = [];
  const timeZone = data.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone))
    errors.push({ path: '/timeZone', message: 'Use an IANA time zone such as America/New_York.' });
  if (data.startsOn && data.endsOn && data.endsOn < data.startsOn)
    errors.push({ path: '/endsOn', message: 'The end comes before the start.' });
  if (errors.length) throw AppError.validation(errors);
  const slug = data.slug ?? slugify(data.shortName ?? data.name);
  const row = await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findProcessBySlug(trx, slug)) {
      throw new AppError('conflict', `A process with the address "${slug}" already exists.`, [
        { path: '/slug', message: 'This address is taken.' },
      ]);
    }
    let parentId: string | null = null;
    if (data.parentSlug) {
      const parent = await repo.findProcessBySlug(trx, data.parentSlug);
      if (!parent)
        throw AppError.validation([{ path: '/parentSlug', message: 'No such process.' }]);
      parentId = parent.id;
    }
    const inserted = await repo.insertProcess(trx, {
      id: newId(),
      slug,
      name: data.name,
      short_name: data.shortName ?? null,
      kind: data.kind,
      parent_id: parentId,
      description: data.description,
      mandate: data.mandate ?? null,
      website: data.website ?? null,
      modality: data.modality,
      ecosoc_exempt: data.ecosocExempt ?? false,
      objection_period_days: data.objectionPeriodDays ?? 10,
      time_zone: timeZone,
      disclose_objector: data.disclosure?.objector ?? 'secretariat',
      reasons_public: data.disclosure?.reasonsPublic ?? false,
      starts_on: data.startsOn ?? null,
      ends_on: data.endsOn ?? null,
      is_demo: data.isDemo ?? false,
    });
    await recordAudit(trx, ctx, {
      action: 'process.create',
      entityType: 'process',
      entityId: inserted.id,
      after: { slug, name: data.name, modality: data.modality },
      isPublic: true,
    });
    return inserted;
  });
  return getProcess(ctx, row.id);
}

export async function addMeeting(
  ctx: ServiceContext,
  processId: string,
  input: unknown,
): Promise<Meeting> {
  authorize(ctx, 'process.manage', { type: 'process', id: processId });
  const data = parseOrThrow(NewMeeting, input);
  if (data.endsOn < data.startsOn)
    throw AppError.validation([{ path: '/endsOn', message: 'The end comes before the start.' }]);
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.findProcessById(trx, processId))) throw AppError.notFound('The process');
    const row = await repo.insertMeeting(trx, {
      id: newId(),
      process_id: processId,
      title: data.title,
      starts_on: data.startsOn,
      ends_on: data.endsOn,
      location: data.location ?? null,
      url: data.url ?? null,
    });
    await recordAudit(trx, ctx, {
      action: 'process.meeting.add',
      entityType: 'process',
      entityId: processId,
      after: { meeting: row.id, title: row.title, startsOn: row.starts_on },
      isPublic: true,
    });
    return toMeeting(row);
  });
}

export interface Delegation {
  userId: string;
  name: string;
  email: string;
  country: string;
  since: Date;
}

/** The focal points of a process and the states they speak for (its secretariat only). */
export async function listDelegations(ctx: ServiceContext, processId: string) {
  authorize(ctx, 'process.manage', { type: 'process', id: processId });
  const rows = await repo.delegationsOf(ctx.db, processId);
  return rows.map((r): Delegation => ({
    userId: r.user_id,
    name: r.display_name,
    email: r.email,
    country: r.country,
    since: new Date(r.created_at),
  }));
}

export const DelegationInput = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    country: Type.String({ pattern: '^[A-Za-z]{2}$' }),
  },
  { additionalProperties: false },
);

/**
 * Names a person focal point of a process for a member state: grants the process-scoped role and
 * records the state. A person speaks for one state per process; naming them again moves them.
 */
export async function setDelegation(ctx: ServiceContext, processId: string, input: unknown) {
  authorize(ctx, 'process.manage', { type: 'process', id: processId });
  const data = parseOrThrow(DelegationInput, input);
  const country = data.country.toUpperCase();
  const state = (await countries(ctx)).find((c) => c.iso2 === country);
  const errors = [];
  if (!state || !state.unMember)
    errors.push({ path: '/country', message: 'Choose a UN member state.' });
  const user = await findUserByEmail(ctx, data.email.trim());
  if (!user || user.status !== 'active')
    errors.push({ path: '/email', message: 'No active account has this email address.' });
  if (errors.length || !user) throw AppError.validation(errors);
  if (!(await repo.findProcessById(ctx.db, processId))) throw AppError.notFound('The process');
  // The role grant is idempotent and commits on its own; the delegation row follows it.
  await grantRole(ctx, user.id, 'focal-point', { type: 'process', id: processId });
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.upsertDelegation(trx, {
      process_id: processId,
      user_id: user.id,
      country,
    });
    await recordAudit(trx, ctx, {
      action: 'process.delegation.set',
      entityType: 'process',
      entityId: processId,
      after: { userId: user.id, country },
    });
    return row;
  });
}

export async function removeDelegation(ctx: ServiceContext, processId: string, userId: string) {
  authorize(ctx, 'process.manage', { type: 'process', id: processId });
  if (!isUuid(userId)) throw AppError.notFound('The delegation');
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await repo.deleteDelegation(trx, processId, userId);
    if (!removed) throw AppError.notFound('The delegation');
    await recordAudit(trx, ctx, {
      action: 'process.delegation.remove',
      entityType: 'process',
      entityId: processId,
      before: { userId, country: removed.country },
    });
  });
}
