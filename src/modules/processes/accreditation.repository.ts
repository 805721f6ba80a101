import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  AccreditationApplicationsTable,
  AccreditationObjectionsTable,
} from './processes.table.ts';

export type ApplicationRow = Selectable<AccreditationApplicationsTable>;
export type ObjectionRow = Selectable<AccreditationObjectionsTable>;

export function insertApplication(db: Db, row: Insertable<AccreditationApplicationsTable>) {
  return db
    .insertInto('accreditation_applications')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findApplication(db: Db, processId: string, id: string) {
  return db
    .selectFrom('accreditation_applications')
    .selectAll()
    .where('process_id', '=', processId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the application row for the rest of the transaction (objections race the decision). */
export function lockApplication(db: Db, processId: string, id: string) {
  return db
    .selectFrom('accreditation_applications')
    .selectAll()
    .where('process_id', '=', processId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Earlier applications of an organisation to a process, with their meeting's dates. */
export function applicationsOfOrganisation(db: Db, processId: string, organisationId: string) {
  return db
    .selectFrom('accreditation_applications')
    .innerJoin('process_meetings', 'process_meetings.id', 'accreditation_applications.meeting_id')
    .select([
      'accreditation_applications.id',
      'accreditation_applications.status',
      'accreditation_applications.meeting_id',
      'process_meetings.starts_on as meeting_starts_on',
    ])
    .where('accreditation_applications.process_id', '=', processId)
    .where('accreditation_applications.organisation_id', '=', organisationId)
    .execute();
}

export interface ApplicationFilter {
  status?: string;
  organisationIds?: readonly string[];
  q?: string;
}

/** Every application of a process with its meeting, oldest first. */
export function applicationsOfProcess(db: Db, processId: string, filter: ApplicationFilter = {}) {
  let query = db
    .selectFrom('accreditation_applications')
    .innerJoin('process_meetings', 'process_meetings.id', 'accreditation_applications.meeting_id')
    .selectAll('accreditation_applications')
    .select([
      'process_meetings.title as meeting_title',
      'process_meetings.starts_on as meeting_starts_on',
    ])
    .where('accreditation_applications.process_id', '=', processId);
  if (filter.status) query = query.where('accreditation_applications.status', '=', filter.status);
  if (filter.organisationIds) {
    if (filter.organisationIds.length === 0) return Promise.resolve([]);
    query = query.where('accreditation_applications.organisation_id', 'in', filter.organisationIds);
  }
  if (filter.q) {
    // Public columns only: a search never matches on contacts or objection reasons.
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb(eb.fn('lower', ['accreditation_applications.organisation_name']), 'like', like),
    );
  }
  return query
    .orderBy('accreditation_applications.submitted_at')
    .orderBy('accreditation_applications.id')
    .execute();
}

export async function objectionsOf(db: Db, applicationIds: readonly string[]) {
  const map = new Map<string, ObjectionRow[]>();
  if (applicationIds.length === 0) return map;
  const rows = await db
    .selectFrom('accreditation_objections')
    .selectAll()
    .where('application_id', 'in', applicationIds)
    .orderBy('created_at')
    .execute();
  for (const row of rows)
    map.set(row.application_id, [...(map.get(row.application_id) ?? []), row]);
  return map;
}

export function standingObjection(db: Db, applicationId: string, country: string) {
  return db
    .selectFrom('accreditation_objections')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('country', '=', country)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
}

export function insertObjection(db: Db, row: Insertable<AccreditationObjectionsTable>) {
  return db
    .insertInto('accreditation_objections')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function withdrawObjection(db: Db, id: string, at: Date) {
  return db
    .updateTable('accreditation_objections')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function countStandingObjections(db: Db, applicationId: string) {
  return db
    .selectFrom('accreditation_objections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('application_id', '=', applicationId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

/**
 * Claims pending applications whose period has ended. FOR UPDATE SKIP LOCKED: two runners side by
 * side each take different rows, and a row an objection is being written to waits for the next run.
 */
export function claimDueApplications(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('accreditation_applications')
    .selectAll()
    .where('status', '=', 'pending')
    .where('objection_deadline', '<=', now)
    .orderBy('objection_deadline')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Records the decision only if none was recorded yet: the second writer changes nothing. */
export function recordDecision(
  db: Db,
  id: string,
  decision: { status: string; decidedAt: Date; objections: number },
) {
  return db
    .updateTable('accreditation_applications')
    .set({
      status: decision.status,
      decided_at: decision.decidedAt,
      objections_at_decision: decision.objections,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

export function latestDecision(db: Db, processId: string) {
  return db
    .selectFrom('accreditation_applications')
    .select((eb) => eb.fn.max('decided_at').as('latest'))
    .where('process_id', '=', processId)
    .executeTakeFirst()
    .then((r) => (r?.latest ? new Date(r.latest as Date) : null));
}

/** Applications whose non-objection period is still running at `now` (public facts only). */
export function pendingApplicationsEndingAfter(db: Db, now: Date) {
  return db
    .selectFrom('accreditation_applications')
    .innerJoin('processes', 'processes.id', 'accreditation_applications.process_id')
    .select([
      'accreditation_applications.id',
      'accreditation_applications.organisation_name',
      'accreditation_applications.objection_deadline',
      'processes.slug as process_slug',
      'processes.name as process_name',
    ])
    .where('accreditation_applications.status', '=', 'pending')
    .where('accreditation_applications.objection_deadline', '>', now)
    .orderBy('accreditation_applications.objection_deadline')
    .orderBy('accreditation_applications.id')
    .execute();
}
