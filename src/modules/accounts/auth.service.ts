import type { Db } from '../../db/database.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './accounts.repository.ts';
import * as tokens from './tokens.repository.ts';
import * as sessions from './sessions.repository.ts';
import type { AccountTokenPurpose } from './accounts.table.ts';
import {
  EMAIL_MAX,
  emailErrors,
  normaliseEmail,
  PASSWORD_MAX,
  passwordErrors,
  randomToken,
  sha256,
  TOKEN_LIFETIME_MS,
} from './accounts.ts';
import {
  checkNewUser,
  hashPassword,
  insertNewUser,
  passwordMatches,
  requireSession,
} from './accounts.service.ts';
import { hashToken, startSession } from './sessions.service.ts';
import { AUTH_LIMIT, checkAuthLimits, checkRateLimit } from './rate-limit.service.ts';
import { deliverAfterCommit, queueAccountMail, siteLink } from './mail.ts';
import { checkTotp, hashRecoveryCode, looksLikeRecoveryCode, openSecret } from './mfa.ts';
import { requiresMfa } from './permissions.ts';

const LINK_GONE = 'This link has expired or has already been used. Ask for a new one.';

function isTokenShape(token: unknown): token is string {
  return typeof token === 'string' && /^[\w-]{43}$/.test(token);
}

/** Makes a single-use token for a user (earlier unused ones of the same kind stop working). */
async function issueToken(
  trx: Db,
  ctx: ServiceContext,
  userId: string,
  purpose: AccountTokenPurpose,
  newEmail: string | null = null,
): Promise<string> {
  const now = ctx.clock.now();
  await tokens.expireAccountTokens(trx, userId, purpose, now);
  const token = randomToken();
  await tokens.insertAccountToken(trx, {
    id: newId(),
    user_id: userId,
    purpose,
    token_hash: sha256(token),
    new_email: newEmail,
    created_at: now,
    expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
  });
  return token;
}

/** Uses a single-use token, or throws 410 when it is unknown, used or expired. */
async function consumeToken(
  trx: Db,
  ctx: ServiceContext,
  purpose: AccountTokenPurpose,
  token: unknown,
) {
  if (!isTokenShape(token)) throw new AppError('gone', LINK_GONE);
  const row = await tokens.lockAccountToken(trx, purpose, sha256(token));
  const now = ctx.clock.now();
  if (!row || row.used_at || new Date(row.expires_at).getTime() <= now.getTime()) {
    throw new AppError('gone', LINK_GONE);
  }
  await tokens.markAccountTokenUsed(trx, row.id, now);
  return row;
}

/** Whether a link is still good (the page behind it says so before asking for anything). */
export async function linkIsValid(
  ctx: ServiceContext,
  purpose: 'verify-email' | 'reset-password' | 'change-email',
  token: unknown,
): Promise<boolean> {
  if (!isTokenShape(token)) return false;
  const row = await tokens.findAccountToken(ctx.db, purpose, sha256(token));
  return !!row && !row.used_at && new Date(row.expires_at).getTime() > ctx.clock.now().getTime();
}

export interface SignUpInput {
  displayName: string;
  email: string;
  password: string;
  locale?: string;
}

/**
 * Creates an unverified account and mails a verification link. When the address is already
 * registered, the page answers the same and the owner gets a note instead: sign-up does not
 * reveal who has an account.
 */
export async function signUp(ctx: ServiceContext, input: SignUpInput): Promise<void> {
  const checked = checkNewUser(input);
  await checkAuthLimits(ctx, 'sign-up', checked.email);
  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findUserByEmail(trx, checked.email);
    if (existing) {
      if (existing.status === 'active') {
        await queueAccountMail(trx, ctx, {
          to: existing.email,
          locale: existing.locale,
          kind: 'signUpExisting',
          values: {
            signIn: siteLink(ctx, existing.locale, '/sign-in'),
            reset: siteLink(ctx, existing.locale, '/password-reset'),
          },
        });
      }
      return;
    }
    const user = await insertNewUser(
      trx,
      ctx,
      { ...input, password: null, verified: false, locale: input.locale ?? ctx.locale },
      checked,
    );
    await repo.updateUser(trx, user.id, { password_hash: passwordHash });
    const token = await issueToken(trx, ctx, user.id, 'verify-email');
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'verify',
      values: {
        name: user.display_name,
        link: siteLink(ctx, user.locale, `/verify-email?token=${token}`),
      },
    });
  });
  await deliverAfterCommit(ctx);
}

/** Sends a new verification link to an unverified account (and says nothing either way). */
export async function resendVerification(ctx: ServiceContext, rawEmail: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const errors = emailErrors(email);
  if (errors.length) throw AppError.validation(errors);
  await checkAuthLimits(ctx, 'sign-up', email);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await repo.findUserByEmail(trx, email);
    if (!user || user.status !== 'active' || user.email_verified_at) return;
    const token = await issueToken(trx, ctx, user.id, 'verify-email');
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'verify',
      values: {
        name: user.display_name,
        link: siteLink(ctx, user.locale, `/verify-email?token=${token}`),
      },
    });
    await recordAudit(trx, ctx, {
      action: 'user.verification-sent',
      entityType: 'user',
      entityId: user.id,
    });
  });
  await deliverAfterCommit(ctx);
}

/** Confirms an email address with the link from the verification mail. */
export async function verifyEmail(ctx: ServiceContext, token: unknown): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await consumeToken(trx, ctx, 'verify-email', token);
    const user = await repo.lockUser(trx, row.user_id);
    if (!user || user.status !== 'active') throw new AppError('gone', LINK_GONE);
    if (user.email_verified_at) return;
    await repo.updateUser(trx, user.id, {
      email_verified_at: ctx.clock.now(),
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'user.verify-email',
      entityType: 'user',
      entityId: user.id,
    });
  });
}

export type SignInResult =
  | { kind: 'session'; token: string; userId: string; needsMfaSetup: boolean }
  | { kind: 'mfa'; challenge: string };

const WRONG_CREDENTIALS = 'The email address or password is not right.';

function credentialErrors(email: string, password: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!email) errors.push({ path: '/email', message: 'Enter your email address.' });
  else if (email.length > EMAIL_MAX) errors.push({ path: '/email', message: WRONG_CREDENTIALS });
  if (!password) errors.push({ path: '/password', message: 'Enter your password.' });
  else if ([...password].length > PASSWORD_MAX)
    errors.push({ path: '/password', message: WRONG_CREDENTIALS });
  return errors;
}

/** Opens a session after a sign-in, ending the one the browser had (no session fixation). */
async function openSession(
  trx: Db,
  ctx: ServiceContext,
  userId: string,
  options: { userAgent?: string | null; previousToken?: string; mfa: boolean; method: string },
): Promise<string> {
  if (options.previousToken) await sessions.deleteSession(trx, hashToken(options.previousToken));
  const token = await startSession({ ...ctx, db: trx }, userId, {
    userAgent: options.userAgent,
    mfaPassed: options.mfa,
  });
  await recordAudit(trx, ctx, {
    action: 'session.start',
    entityType: 'user',
    entityId: userId,
    after: { method: options.method },
  });
  return token;
}

/**
 * Checks an email and password. Either a new session starts, or (with two-step verification
 * on) a short-lived challenge is returned for the code step.
 */
export async function signIn(
  ctx: ServiceContext,
  input: { email: string; password: string },
  options: { userAgent?: string | null; previousToken?: string } = {},
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const errors = credentialErrors(email, input.password);
  if (errors.length) throw AppError.validation(errors);
  await checkAuthLimits(ctx, 'sign-in', email);
  const user = await repo.findUserByEmail(ctx.db, email);
  const usable = user && user.status === 'active' ? user : null;
  const ok = await passwordMatches(usable?.password_hash, input.password);
  if (!usable || !ok)
    throw AppError.validation([{ path: '/', message: WRONG_CREDENTIALS }], WRONG_CREDENTIALS);
  if (!usable.email_verified_at) {
    throw AppError.validation([
      {
        path: '/email',
        message:
          'Confirm your email address first: open the link we sent you, or ask for a new one.',
      },
    ]);
  }
  if (usable.totp_enabled_at && usable.totp_secret) {
    const challenge = await ctx.db
      .transaction()
      .execute((trx) => issueToken(trx, ctx, usable.id, 'mfa-challenge'));
    return { kind: 'mfa', challenge };
  }
  const grants = await repo.grantsOf(ctx.db, usable.id);
  const token = await ctx.db
    .transaction()
    .execute((trx) =>
      openSession(trx, ctx, usable.id, { ...options, mfa: false, method: 'password' }),
    );
  return { kind: 'session', token, userId: usable.id, needsMfaSetup: requiresMfa(grants) };
}

/** Whether a sign-in challenge is still open (the code page shows only then). */
export async function challengeIsOpen(ctx: ServiceContext, challenge: unknown): Promise<boolean> {
  if (!isTokenShape(challenge)) return false;
  const row = await tokens.findAccountToken(ctx.db, 'mfa-challenge', sha256(challenge));
  return !!row && !row.used_at && new Date(row.expires_at).getTime() > ctx.clock.now().getTime();
}

/** The second sign-in step: a code from the authenticator app, or a recovery code. */
export async function completeMfaSignIn(
  ctx: ServiceContext,
  challenge: unknown,
  rawCode: string,
  options: { userAgent?: string | null; previousToken?: string } = {},
): Promise<{ token: string; userId: string; usedRecoveryCode: boolean }> {
  const expired = new AppError('gone', 'This sign-in has expired. Please sign in again.');
  if (!isTokenShape(challenge)) throw expired;
  const code = rawCode.trim();
  if (!code || code.length > 40) {
    throw AppError.validation([
      { path: '/code', message: 'Enter the 6-digit code from your app.' },
    ]);
  }
  const pending = await tokens.findAccountToken(ctx.db, 'mfa-challenge', sha256(challenge));
  if (!pending) throw expired;
  const owner = await repo.findUserById(ctx.db, pending.user_id);
  await checkAuthLimits(ctx, 'sign-in', owner?.email ?? null);
  const secret = ctx.config.sessionSecret;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await tokens.lockAccountToken(trx, 'mfa-challenge', sha256(challenge));
    const now = ctx.clock.now();
    if (!row || row.used_at || new Date(row.expires_at).getTime() <= now.getTime()) throw expired;
    const user = await repo.lockUser(trx, row.user_id);
    if (!user || user.status !== 'active' || !user.totp_secret) throw expired;
    const plain = openSecret(user.totp_secret, secret);
    const lastStep = user.totp_last_step === null ? null : Number(user.totp_last_step);
    const step = plain ? checkTotp(plain, code, now.getTime(), lastStep) : null;
    let usedRecoveryCode = false;
    if (step !== null) {
      await repo.updateUser(trx, user.id, { totp_last_step: step });
    } else if (
      looksLikeRecoveryCode(code) &&
      (await tokens.useRecoveryCode(trx, user.id, hashRecoveryCode(code), now))
    ) {
      usedRecoveryCode = true;
    } else {
      throw AppError.validation([
        { path: '/code', message: 'That code is not right. Check your app and try again.' },
      ]);
    }
    await tokens.markAccountTokenUsed(trx, row.id, now);
    const token = await openSession(trx, ctx, user.id, {
      ...options,
      mfa: true,
      method: usedRecoveryCode ? 'recovery-code' : 'totp',
    });
    return { token, userId: user.id, usedRecoveryCode };
  });
}

/** Mails a password reset link, if the address has an account; answers the same either way. */
export async function requestPasswordReset(ctx: ServiceContext, rawEmail: string): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const errors = emailErrors(email);
  if (errors.length) throw AppError.validation(errors);
  await checkAuthLimits(ctx, 'reset', email);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await repo.findUserByEmail(trx, email);
    if (!user || user.status !== 'active') return;
    const token = await issueToken(trx, ctx, user.id, 'reset-password');
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'reset',
      values: {
        name: user.display_name,
        link: siteLink(ctx, user.locale, `/password-reset/new?token=${token}`),
      },
    });
    await recordAudit(trx, ctx, {
      action: 'user.password-reset-requested',
      entityType: 'user',
      entityId: user.id,
    });
  });
  await deliverAfterCommit(ctx);
}

/**
 * Sets a new password with a reset link. The link works once and for an hour; every session of
 * the account ends, and the owner is told by mail.
 */
export async function resetPassword(
  ctx: ServiceContext,
  token: unknown,
  password: string,
): Promise<void> {
  const errors = passwordErrors(password);
  if (errors.length) throw AppError.validation(errors);
  if (ctx.ip) await checkRateLimit(ctx, { key: `reset:ip:${ctx.ip}`, ...AUTH_LIMIT });
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await consumeToken(trx, ctx, 'reset-password', token);
    const user = await repo.lockUser(trx, row.user_id);
    if (!user || user.status !== 'active') throw new AppError('gone', LINK_GONE);
    const now = ctx.clock.now();
    await repo.updateUser(trx, user.id, {
      password_hash: passwordHash,
      // The link reached the mailbox, which proves the address.
      email_verified_at: user.email_verified_at ?? now,
      updated_at: now,
    });
    await tokens.expireAccountTokens(trx, user.id, 'reset-password', now);
    await sessions.deleteSessionsOf(trx, user.id);
    await recordAudit(trx, ctx, {
      action: 'user.password-reset',
      entityType: 'user',
      entityId: user.id,
    });
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'passwordChanged',
      values: { name: user.display_name, reset: siteLink(ctx, user.locale, '/password-reset') },
    });
  });
  await deliverAfterCommit(ctx);
}

/** Changes one's password (the current one is asked again); other sessions end. */
export async function changePassword(
  ctx: ServiceContext,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const userId = requireSession(ctx);
  const errors: FieldError[] = [];
  if (!input.currentPassword)
    errors.push({ path: '/currentPassword', message: 'Enter your current password.' });
  errors.push(...passwordErrors(input.newPassword, '/newPassword'));
  if (errors.length) throw AppError.validation(errors);
  await checkRateLimit(ctx, { key: `password:account:${userId}`, ...AUTH_LIMIT });
  const user = await repo.findUserById(ctx.db, userId);
  if (!user || !(await passwordMatches(user.password_hash, input.currentPassword))) {
    throw AppError.validation([
      { path: '/currentPassword', message: 'Your current password is not right.' },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, userId, {
      password_hash: passwordHash,
      updated_at: ctx.clock.now(),
    });
    await sessions.deleteOtherSessions(trx, userId, ctx.actor.sessionId ?? null);
    await recordAudit(trx, ctx, {
      action: 'user.password-change',
      entityType: 'user',
      entityId: userId,
    });
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'passwordChanged',
      values: { name: user.display_name, reset: siteLink(ctx, user.locale, '/password-reset') },
    });
  });
  await deliverAfterCommit(ctx);
}

/**
 * Starts a change of email address: a confirmation link goes to the new address, a note to the
 * old one. Nothing changes until the link is used.
 */
export async function requestEmailChange(
  ctx: ServiceContext,
  input: { newEmail: string; emailPassword: string },
): Promise<void> {
  const userId = requireSession(ctx);
  const newEmail = normaliseEmail(input.newEmail);
  const errors = emailErrors(newEmail, '/newEmail');
  if (!input.emailPassword)
    errors.push({ path: '/emailPassword', message: 'Enter your current password.' });
  if (errors.length) throw AppError.validation(errors);
  await checkRateLimit(ctx, { key: `password:account:${userId}`, ...AUTH_LIMIT });
  const user = await repo.findUserById(ctx.db, userId);
  if (!user || !(await passwordMatches(user.password_hash, input.emailPassword))) {
    throw AppError.validation([
      { path: '/emailPassword', message: 'Your current password is not right.' },
    ]);
  }
  if (user.email.toLowerCase() === newEmail.toLowerCase()) {
    throw AppError.validation([
      { path: '/newEmail', message: 'This is already your email address.' },
    ]);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const taken = await repo.findUserByEmail(trx, newEmail);
    if (taken) {
      throw new AppError('conflict', 'This address belongs to another account.', [
        { path: '/newEmail', message: 'This address belongs to another account.' },
      ]);
    }
    const token = await issueToken(trx, ctx, userId, 'change-email', newEmail);
    await queueAccountMail(trx, ctx, {
      to: newEmail,
      locale: user.locale,
      kind: 'changeEmail',
      values: {
        name: user.display_name,
        link: siteLink(ctx, user.locale, `/account/email/confirm?token=${token}`),
      },
    });
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'changeEmailNotice',
      values: { name: user.display_name },
    });
    await recordAudit(trx, ctx, {
      action: 'user.email-change-requested',
      entityType: 'user',
      entityId: userId,
    });
  });
  await deliverAfterCommit(ctx);
}

/** Completes a change of email address with the link sent to the new one. */
export async function confirmEmailChange(ctx: ServiceContext, token: unknown): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await consumeToken(trx, ctx, 'change-email', token);
    const user = await repo.lockUser(trx, row.user_id);
    if (!user || user.status !== 'active' || !row.new_email) throw new AppError('gone', LINK_GONE);
    const taken = await repo.findUserByEmail(trx, row.new_email);
    if (taken && taken.id !== user.id) {
      throw new AppError('conflict', 'This address now belongs to another account.');
    }
    const now = ctx.clock.now();
    await repo.updateUser(trx, user.id, {
      email: row.new_email,
      email_verified_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'user.email-change',
      entityType: 'user',
      entityId: user.id,
    });
    await queueAccountMail(trx, ctx, {
      to: user.email,
      locale: user.locale,
      kind: 'emailChanged',
      values: { name: user.display_name },
    });
  });
  await deliverAfterCommit(ctx);
}

export async function purgeExpiredTokens(ctx: Pick<ServiceContext, 'db' | 'clock'>) {
  // Kept a day past expiry, so that "expired" and "unknown" links can still be told apart.
  await tokens.deleteExpiredAccountTokens(
    ctx.db,
    new Date(ctx.clock.now().getTime() - 24 * 60 * 60 * 1000),
  );
}
