import type { Db } from '../../db/database.ts';

export function insertSession(
  db: Db,
  row: {
    id_hash: string;
    user_id: string;
    expires_at: Date;
    created_at: Date;
    last_seen_at: Date;
    ip: string | null;
    user_agent: string | null;
    mfa_passed: boolean;
  },
) {
  return db.insertInto('sessions').values(row).execute();
}

export function findSession(db: Db, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id_hash',
      'sessions.user_id',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.mfa_passed',
      'users.status',
      'users.display_name',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
}

export function touchSession(db: Db, idHash: string, at: Date) {
  return db
    .updateTable('sessions')
    .set({ last_seen_at: at })
    .where('id_hash', '=', idHash)
    .execute();
}

export function deleteSession(db: Db, idHash: string) {
  return db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export function deleteSessionsOf(db: Db, userId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
