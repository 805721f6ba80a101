import type { Actor, Deps, ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import * as tokens from './tokens.repository.ts';
import { actorFor, requireSession } from './accounts.service.ts';
import {
  API_TOKEN_PREFIX,
  isApiTokenShape,
  nameErrors,
  normaliseName,
  randomToken,
  sha256,
} from './accounts.ts';
import { can, mfaPending, TOKEN_SCOPES, type TokenScope } from './permissions.ts';

export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;
const MAX_ACTIVE_TOKENS = 20;
/** last_used_at is written at most this often. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewApiToken {
  tokenName: string;
  scopes: readonly string[];
  expiresInDays: number;
}

/**
 * Creates a personal API token. The secret is returned once, here, and only its SHA-256 is kept.
 * A token can do no more than its owner, and `admin` needs an administrator.
 */
export async function createApiToken(ctx: ServiceContext, input: NewApiToken) {
  const userId = requireSession(ctx);
  if (mfaPending(ctx.actor)) {
    throw AppError.forbidden(
      'Your role needs two-step verification: set it up before creating API tokens.',
    );
  }
  const name = normaliseName(input.tokenName);
  const errors: FieldError[] = nameErrors(name, '/tokenName');
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) errors.push({ path: '/scopes', message: 'Choose at least one scope.' });
  else if (!scopes.every((s) => (TOKEN_SCOPES as readonly string[]).includes(s)))
    errors.push({ path: '/scopes', message: 'Choose among the offered scopes.' });
  else if (scopes.includes('admin') && !can(ctx.actor, 'users.manage'))
    errors.push({ path: '/scopes', message: 'Only site administrators can create admin tokens.' });
  if (!(TOKEN_LIFETIMES_DAYS as readonly number[]).includes(input.expiresInDays))
    errors.push({ path: '/expiresInDays', message: 'Choose one of the offered lifetimes.' });
  if (errors.length) throw AppError.validation(errors);

  const now = ctx.clock.now();
  const secret = `${API_TOKEN_PREFIX}${randomToken()}`;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const active = (await tokens.apiTokensOf(trx, userId)).filter(
      (t) => !t.revoked_at && new Date(t.expires_at).getTime() > now.getTime(),
    );
    if (active.length >= MAX_ACTIVE_TOKENS) {
      throw new AppError('conflict', `You have ${MAX_ACTIVE_TOKENS} tokens: revoke one first.`);
    }
    const inserted = await tokens.insertApiToken(trx, {
      id: newId(),
      user_id: userId,
      name,
      token_hash: sha256(secret),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
      scopes: scopes as TokenScope[],
      created_at: now,
      expires_at: new Date(now.getTime() + input.expiresInDays * 24 * 60 * 60 * 1000),
    });
    await recordAudit(trx, ctx, {
      action: 'api-token.create',
      entityType: 'api-token',
      entityId: inserted.id,
      after: { scopes, expiresAt: inserted.expires_at },
    });
    return inserted;
  });
  return { secret, id: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expires_at };
}

export async function myApiTokens(ctx: ServiceContext) {
  const userId = requireSession(ctx);
  const now = ctx.clock.now().getTime();
  return (await tokens.apiTokensOf(ctx.db, userId)).map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
    active: !t.revoked_at && new Date(t.expires_at).getTime() > now,
  }));
}

/** Revokes one of one's own tokens; someone else's is "not found", not "forbidden". */
export async function revokeApiToken(ctx: ServiceContext, tokenId: string): Promise<void> {
  const userId = requireSession(ctx);
  if (!isUuid(tokenId)) throw AppError.notFound('The token');
  await ctx.db.transaction().execute(async (trx) => {
    const row = await tokens.findApiToken(trx, tokenId);
    if (!row || row.user_id !== userId) throw AppError.notFound('The token');
    if (row.revoked_at) return;
    await tokens.revokeApiToken(trx, tokenId, ctx.clock.now());
    await recordAudit(trx, ctx, {
      action: 'api-token.revoke',
      entityType: 'api-token',
      entityId: tokenId,
    });
  });
}

/** The actor an `Authorization: Bearer` token stands for, or null when it is not usable. */
export async function resolveApiToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  secret: string,
): Promise<{ actor: Actor; tokenId: string } | null> {
  if (!isApiTokenShape(secret)) return null;
  const row = await tokens.findApiTokenByHash(deps.db, sha256(secret));
  const now = deps.clock.now().getTime();
  if (!row || row.revoked_at || row.status !== 'active') return null;
  if (new Date(row.expires_at).getTime() <= now) return null;
  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() >= TOUCH_EVERY_MS) {
    await tokens.touchApiToken(deps.db, row.id, new Date(now));
  }
  const actor = await actorFor(deps, row.user_id, 'token');
  return { actor: { ...actor, tokenScopes: row.scopes }, tokenId: row.id };
}
