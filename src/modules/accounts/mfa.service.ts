import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import * as repo from './accounts.repository.ts';
import * as tokens from './tokens.repository.ts';
import * as sessions from './sessions.repository.ts';
import { passwordMatches, requireSession } from './accounts.service.ts';
import { AUTH_LIMIT, checkRateLimit } from './rate-limit.service.ts';
import {
  checkTotp,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  openSecret,
  sealSecret,
  totpUri,
} from './mfa.ts';
import { requiresMfa } from './permissions.ts';

export type MfaState =
  | { enabled: true; recoveryCodesLeft: number; required: boolean }
  | { enabled: false; secret: string; uri: string; required: boolean };

/**
 * Two-step verification for the account page. While it is off, a pending secret is kept (made on
 * first view) so that the QR code stays the same until the person confirms it with a code.
 */
export async function mfaState(ctx: ServiceContext): Promise<MfaState> {
  const userId = requireSession(ctx);
  const required = requiresMfa(ctx.actor.grants);
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw new AppError('unauthenticated', 'Please sign in again.');
  if (user.totp_enabled_at) {
    return {
      enabled: true,
      recoveryCodesLeft: await tokens.unusedRecoveryCodes(ctx.db, userId),
      required,
    };
  }
  let secret = user.totp_pending_secret
    ? openSecret(user.totp_pending_secret, ctx.config.sessionSecret)
    : null;
  if (!secret) {
    secret = newTotpSecret();
    await repo.updateUser(ctx.db, userId, {
      totp_pending_secret: sealSecret(secret, ctx.config.sessionSecret),
    });
  }
  return { enabled: false, secret, uri: totpUri(secret, user.email), required };
}

async function checkPassword(ctx: ServiceContext, userId: string, password: string, path: string) {
  await checkRateLimit(ctx, { key: `password:account:${userId}`, ...AUTH_LIMIT });
  const user = await repo.findUserById(ctx.db, userId);
  if (!user || !password || !(await passwordMatches(user.password_hash, password))) {
    throw AppError.validation([{ path, message: 'Your current password is not right.' }]);
  }
  return user;
}

/**
 * Turns two-step verification on with the first code from the app. Returns the recovery codes,
 * shown once. This session counts as verified from now on.
 */
export async function enableTotp(ctx: ServiceContext, rawCode: string): Promise<string[]> {
  const userId = requireSession(ctx);
  const code = rawCode.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) {
    throw AppError.validation([
      { path: '/code', message: 'Enter the 6-digit code from your app.' },
    ]);
  }
  await checkRateLimit(ctx, { key: `password:account:${userId}`, ...AUTH_LIMIT });
  const codes = newRecoveryCodes();
  await ctx.db.transaction().execute(async (trx) => {
    const user = await repo.lockUser(trx, userId);
    if (!user) throw new AppError('unauthenticated', 'Please sign in again.');
    if (user.totp_enabled_at)
      throw new AppError('conflict', 'Two-step verification is already on.');
    const secret = user.totp_pending_secret
      ? openSecret(user.totp_pending_secret, ctx.config.sessionSecret)
      : null;
    if (!secret) throw new AppError('conflict', 'Reload the page to see a new QR code.');
    const step = checkTotp(secret, code, ctx.clock.now().getTime(), null);
    if (step === null) {
      throw AppError.validation([
        {
          path: '/code',
          message: 'That code is not right. Check the time on your phone and try again.',
        },
      ]);
    }
    await repo.updateUser(trx, userId, {
      totp_secret: sealSecret(secret, ctx.config.sessionSecret),
      totp_pending_secret: null,
      totp_enabled_at: ctx.clock.now(),
      totp_last_step: step,
      updated_at: ctx.clock.now(),
    });
    await tokens.replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode));
    // This session has just proved the second factor; others, opened without it, end.
    if (ctx.actor.sessionId) await sessions.setSessionMfa(trx, ctx.actor.sessionId);
    await sessions.deleteOtherSessions(trx, userId, ctx.actor.sessionId ?? null);
    await recordAudit(trx, ctx, {
      action: 'user.mfa-enable',
      entityType: 'user',
      entityId: userId,
    });
  });
  return codes;
}

/** Turns two-step verification off (password and a code), unless one's role requires it. */
export async function disableTotp(
  ctx: ServiceContext,
  input: { disablePassword: string; disableCode: string },
): Promise<void> {
  const userId = requireSession(ctx);
  if (requiresMfa(ctx.actor.grants)) {
    throw new AppError('conflict', 'Your role requires two-step verification: it stays on.');
  }
  const user = await checkPassword(ctx, userId, input.disablePassword, '/disablePassword');
  const code = input.disableCode.trim();
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockUser(trx, userId);
    if (!locked?.totp_secret)
      throw new AppError('conflict', 'Two-step verification is already off.');
    const plain = openSecret(locked.totp_secret, ctx.config.sessionSecret);
    const lastStep = locked.totp_last_step === null ? null : Number(locked.totp_last_step);
    const ok =
      (plain && checkTotp(plain, code, ctx.clock.now().getTime(), lastStep) !== null) ||
      (looksLikeRecoveryCode(code) &&
        (await tokens.useRecoveryCode(trx, userId, hashRecoveryCode(code), ctx.clock.now())));
    if (!ok) {
      throw AppError.validation([{ path: '/disableCode', message: 'That code is not right.' }]);
    }
    await repo.updateUser(trx, user.id, {
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: ctx.clock.now(),
    });
    await tokens.deleteRecoveryCodes(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'user.mfa-disable',
      entityType: 'user',
      entityId: userId,
    });
  });
}

/** New recovery codes (the old ones stop working); shown once. */
export async function regenerateRecoveryCodes(
  ctx: ServiceContext,
  input: { codesPassword: string },
): Promise<string[]> {
  const userId = requireSession(ctx);
  const user = await checkPassword(ctx, userId, input.codesPassword, '/codesPassword');
  if (!user.totp_enabled_at) throw new AppError('conflict', 'Turn on two-step verification first.');
  const codes = newRecoveryCodes();
  await ctx.db.transaction().execute(async (trx) => {
    await tokens.replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode));
    await recordAudit(trx, ctx, {
      action: 'user.recovery-codes',
      entityType: 'user',
      entityId: userId,
    });
  });
  return codes;
}
