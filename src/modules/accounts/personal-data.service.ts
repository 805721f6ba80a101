import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import * as users from './accounts.repository.ts';
import * as tokens from './tokens.repository.ts';
import * as sessions from './sessions.repository.ts';
import * as memberships from './memberships.repository.ts';
import * as audit from './audit.repository.ts';
import { isAllowed, passwordMatches, requireSession } from './accounts.service.ts';
import { AUTH_LIMIT, checkRateLimit } from './rate-limit.service.ts';
import { allModules } from './links.ts';

function mayHandle(ctx: ServiceContext, userId: string): void {
  if (ctx.actor.userId !== userId && !isAllowed(ctx, 'users.manage')) throw AppError.forbidden();
}

/** What the accounts module holds on a person (no password hash, no secrets). */
export async function accountsPersonalData(ctx: ServiceContext, userId: string) {
  mayHandle(ctx, userId);
  const user = await users.findUserById(ctx.db, userId);
  if (!user) return {};
  const [grants, sessionRows, apiTokens, membershipRows, actions, mail, codesLeft] =
    await Promise.all([
      users.grantsOf(ctx.db, userId),
      sessions.sessionsOf(ctx.db, userId),
      tokens.apiTokensOf(ctx.db, userId),
      memberships.membershipsOfUser(ctx.db, userId),
      audit.auditByActor(ctx.db, userId, 10_000),
      audit.outboxTo(ctx.db, user.email),
      tokens.unusedRecoveryCodes(ctx.db, userId),
    ]);
  return {
    account: {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      locale: user.locale,
      status: user.status,
      emailVerifiedAt: user.email_verified_at,
      twoStepVerification: user.totp_enabled_at
        ? { since: user.totp_enabled_at, recoveryCodesLeft: codesLeft }
        : null,
      createdAt: user.created_at,
      updatedAt: user.updated_at,
    },
    roles: grants.map((g) => ({
      role: g.role,
      scopeType: g.scope_type,
      scopeId: g.scope_id,
      grantedAt: g.created_at,
    })),
    sessions: sessionRows.map((s) => ({
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      expiresAt: s.expires_at,
      ip: s.ip,
      userAgent: s.user_agent,
    })),
    apiTokens: apiTokens.map((t) => ({
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      createdAt: t.created_at,
      expiresAt: t.expires_at,
      lastUsedAt: t.last_used_at,
      revokedAt: t.revoked_at,
    })),
    organisationMemberships: membershipRows.map((m) => ({
      organisationId: m.organisation_id,
      status: m.status,
      message: m.message,
      requestedAt: m.created_at,
      decidedAt: m.decided_at,
    })),
    actions: actions.map((a) => ({
      at: a.at,
      action: a.action,
      entityType: a.entity_type,
      entityId: a.entity_id,
    })),
    mailSentToYou: mail,
  };
}

/**
 * Erases the account's personal data: the row stays (audit rows point at its id) with name,
 * email, password and secrets wiped and its status 'erased'; sessions, tokens, roles and
 * memberships go.
 */
export async function eraseAccountsPersonalData(ctx: ServiceContext, userId: string) {
  mayHandle(ctx, userId);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await users.lockUser(trx, userId);
    if (!user || user.status === 'erased') return;
    await sessions.deleteSessionsOf(trx, userId);
    await tokens.deleteApiTokensOf(trx, userId);
    await tokens.deleteAccountTokensOf(trx, userId);
    await tokens.deleteRecoveryCodes(trx, userId);
    await memberships.deleteMembershipsOf(trx, userId);
    await users.deleteGrantsOf(trx, userId);
    await audit.deleteOutboxTo(trx, user.email);
    const now = ctx.clock.now();
    await users.updateUser(trx, userId, {
      email: `erased-${userId}@erased.invalid`,
      display_name: 'Erased account',
      password_hash: null,
      email_verified_at: null,
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      locale: 'en',
      status: 'erased',
      erased_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, { action: 'user.erase', entityType: 'user', entityId: userId });
  });
}

export const PERSONAL_DATA_FORMAT = 'capacity-commons/personal-data@1';

/** "Download my data": everything every module holds on the signed-in person. */
export async function exportMyData(ctx: ServiceContext) {
  const userId = requireSession(ctx);
  const modules: Record<string, unknown> = {};
  for (const module of await allModules()) {
    if (module.personalData) modules[module.name] = await module.personalData(ctx, userId);
  }
  return {
    format: PERSONAL_DATA_FORMAT,
    generatedAt: ctx.clock.now().toISOString(),
    userId,
    modules,
  };
}

/**
 * "Delete my account": asks for the password, then each module erases what it holds, the
 * accounts module last (so that a failure part-way can be retried by signing in again).
 */
export async function deleteMyAccount(
  ctx: ServiceContext,
  input: { deletePassword: string; confirm: string },
): Promise<void> {
  const userId = requireSession(ctx);
  const errors = [];
  if (input.confirm !== 'yes')
    errors.push({ path: '/confirm', message: 'Tick the box to confirm.' });
  if (!input.deletePassword)
    errors.push({ path: '/deletePassword', message: 'Enter your password.' });
  if (errors.length) throw AppError.validation(errors);
  await checkRateLimit(ctx, { key: `password:account:${userId}`, ...AUTH_LIMIT });
  const user = await users.findUserById(ctx.db, userId);
  if (!user || !(await passwordMatches(user.password_hash, input.deletePassword))) {
    throw AppError.validation([
      { path: '/deletePassword', message: 'Your password is not right.' },
    ]);
  }
  const grants = await users.grantsOf(ctx.db, userId);
  if (
    grants.some((g) => g.role === 'site-admin' && g.scope_type === 'site') &&
    (await users.countSiteRole(ctx.db, 'site-admin')) <= 1
  ) {
    throw new AppError(
      'conflict',
      'You are the last site administrator: make someone else an administrator first.',
    );
  }
  const modules = [...(await allModules())].reverse();
  for (const module of modules) {
    if (module.erasePersonalData) await module.erasePersonalData(ctx, userId);
  }
}
