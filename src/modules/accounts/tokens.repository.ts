import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AccountTokenPurpose, AccountTokensTable, ApiTokensTable } from './accounts.table.ts';

// Single-use links and challenges.

export function insertAccountToken(db: Db, row: Insertable<AccountTokensTable>) {
  return db.insertInto('account_tokens').values(row).execute();
}

/** The token row, locked so that two requests cannot both use it. */
export function lockAccountToken(db: Db, purpose: AccountTokenPurpose, tokenHash: string) {
  return db
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
}

export function findAccountToken(db: Db, purpose: AccountTokenPurpose, tokenHash: string) {
  return db
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
}

export function markAccountTokenUsed(db: Db, id: string, at: Date) {
  return db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
}

/** Earlier unused links of one kind stop working when a new one is sent or one is used. */
export function expireAccountTokens(
  db: Db,
  userId: string,
  purpose: AccountTokenPurpose,
  at: Date,
) {
  return db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export function deleteAccountTokensOf(db: Db, userId: string) {
  return db.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
}

// Recovery codes.

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: readonly string[]) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length) {
    await db
      .insertInto('recovery_codes')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
      .execute();
  }
}

/** Uses a code once: true when an unused one matched. */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: Date) {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function deleteRecoveryCodes(db: Db, userId: string) {
  return db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

// Personal API tokens.

export function insertApiToken(db: Db, row: Insertable<ApiTokensTable>) {
  return db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
}

export function apiTokensOf(db: Db, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'prefix',
      'scopes',
      'created_at',
      'expires_at',
      'last_used_at',
      'revoked_at',
    ])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export function findApiTokenByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id',
      'api_tokens.scopes',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.status',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function findApiToken(db: Db, id: string) {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export function revokeApiToken(db: Db, id: string, at: Date) {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function touchApiToken(db: Db, id: string, at: Date) {
  return db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export function deleteApiTokensOf(db: Db, userId: string) {
  return db.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
}

/** Housekeeping: links and challenges long past their expiry. */
export function deleteExpiredAccountTokens(db: Db, before: Date) {
  return db.deleteFrom('account_tokens').where('expires_at', '<', before).execute();
}
