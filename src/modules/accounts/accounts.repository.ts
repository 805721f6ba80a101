import type { Db } from '../../db/database.ts';
import type { RoleGrantsTable } from './accounts.table.ts';
import type { Insertable } from 'kysely';

export function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export function insertUser(
  db: Db,
  user: {
    id: string;
    email: string;
    display_name: string;
    password_hash: string | null;
    email_verified_at: Date | null;
    locale?: string;
  },
) {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export function grantsOf(db: Db, userId: string) {
  return db
    .selectFrom('role_grants')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export function insertGrant(db: Db, grant: Insertable<RoleGrantsTable>) {
  return db
    .insertInto('role_grants')
    .values(grant)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function usersWithRole(
  db: Db,
  role: string,
  scopeType: RoleGrantsTable['scope_type'],
  scopeId: string | null,
) {
  let query = db
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.locale'])
    .where('role_grants.role', '=', role)
    .where('users.status', '=', 'active')
    .where('role_grants.scope_type', '=', scopeType);
  query =
    scopeId === null
      ? query.where('role_grants.scope_id', 'is', null)
      : query.where('role_grants.scope_id', '=', scopeId);
  return query.execute();
}
