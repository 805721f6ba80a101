import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { RoleGrantsTable, UsersTable } from './accounts.table.ts';

export function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row locked for the rest of the transaction (a change that reads, checks, then writes). */
export function lockUser(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
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
    created_at?: Date;
    updated_at?: Date;
  },
) {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export function updateUser(db: Db, id: string, patch: Updateable<UsersTable>) {
  return db
    .updateTable('users')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function grantsOf(db: Db, userId: string) {
  return db
    .selectFrom('role_grants')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
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

export function findGrant(db: Db, id: string) {
  return db.selectFrom('role_grants').selectAll().where('id', '=', id).executeTakeFirst();
}

export function deleteGrant(db: Db, id: string) {
  return db.deleteFrom('role_grants').where('id', '=', id).returningAll().executeTakeFirst();
}

export function deleteGrantsOf(db: Db, userId: string) {
  return db.deleteFrom('role_grants').where('user_id', '=', userId).execute();
}

/** Active people holding a site-wide role (to keep at least one site admin). */
export async function countSiteRole(db: Db, role: string): Promise<number> {
  const row = await db
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role_grants.role', '=', role)
    .where('role_grants.scope_type', '=', 'site')
    .where('users.status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
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

/** Users for the admin page: by part of the email or name, newest first. */
export async function searchUsers(
  db: Db,
  filter: { q?: string; role?: string },
  page: number,
  pageSize: number,
) {
  let query = db.selectFrom('users');
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['users.email']), 'like', like),
        eb(eb.fn('lower', ['users.display_name']), 'like', like),
      ]),
    );
  }
  if (filter.role) {
    const role = filter.role;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('role_grants')
          .select(sql.lit(1).as('one'))
          .whereRef('role_grants.user_id', '=', 'users.id')
          .where('role_grants.role', '=', role),
      ),
    );
  }
  const [rows, total] = await Promise.all([
    query
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.status',
        'users.email_verified_at',
        'users.totp_enabled_at',
        'users.created_at',
      ])
      .orderBy('users.created_at', 'desc')
      .orderBy('users.id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
  ]);
  return { rows, total };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
