import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { MembershipStatus, OrganisationMembershipsTable } from './accounts.table.ts';

export function insertMembership(db: Db, row: Insertable<OrganisationMembershipsTable>) {
  return db
    .insertInto('organisation_memberships')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The open (pending or accepted) membership of a person in an organisation, if any. */
export function openMembership(db: Db, organisationId: string, userId: string) {
  return db
    .selectFrom('organisation_memberships')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .where('status', 'in', ['pending', 'accepted'])
    .executeTakeFirst();
}

export function lockMembership(db: Db, id: string) {
  return db
    .selectFrom('organisation_memberships')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function setMembershipStatus(
  db: Db,
  id: string,
  status: MembershipStatus,
  decidedBy: string | null,
  at: Date,
) {
  return db
    .updateTable('organisation_memberships')
    .set({ status, decided_by: decidedBy, decided_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function membershipsOfOrganisation(
  db: Db,
  organisationId: string,
  statuses: readonly MembershipStatus[],
) {
  return db
    .selectFrom('organisation_memberships')
    .innerJoin('users', 'users.id', 'organisation_memberships.user_id')
    .select([
      'organisation_memberships.id',
      'organisation_memberships.user_id',
      'organisation_memberships.status',
      'organisation_memberships.message',
      'organisation_memberships.created_at',
      'organisation_memberships.decided_at',
      'users.display_name',
      'users.email',
    ])
    .where('organisation_memberships.organisation_id', '=', organisationId)
    .where('organisation_memberships.status', 'in', [...statuses])
    .where('users.status', '=', 'active')
    .orderBy('organisation_memberships.created_at')
    .execute();
}

export function membershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('organisation_memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export function deleteMembershipsOf(db: Db, userId: string) {
  return db.deleteFrom('organisation_memberships').where('user_id', '=', userId).execute();
}
