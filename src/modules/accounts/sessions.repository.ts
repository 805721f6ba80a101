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

export function sessionsOf(db: Db, userId: string) {
  return db
    .selectFrom('sessions')
    .select([
      'id_hash',
      'created_at',
      'last_seen_at',
      'expires_at',
      'mfa_passed',
      'ip',
      'user_agent',
    ])
    .where('user_id', '=', userId)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export function deleteSessionOf(db: Db, userId: string, idHash: string) {
  return db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
}

export function deleteOtherSessions(db: Db, userId: string, keepHash: string | null) {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepHash) query = query.where('id_hash', '<>', keepHash);
  return query.execute();
}

export function setSessionMfa(db: Db, idHash: string) {
  return db
    .updateTable('sessions')
    .set({ mfa_passed: true })
    .where('id_hash', '=', idHash)
    .execute();
}

export function deleteExpiredSessions(db: Db, now: Date, idleBefore: Date) {
  return db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .execute();
}
