import { hash } from '@node-rs/argon2';
import type { Actor, Grant, ScopeType, ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './accounts.repository.ts';
import { can, ROLES, SITE, type Permission, type Scope } from './permissions.ts';

/** OWASP's Argon2id parameters (19 MiB, 2 iterations, 1 lane). */
export const ARGON2_OPTIONS = {
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Services call this first. Anonymous callers get 401 (sign in), others 403. Permissions are
 * checked here, in the service, not only on routes.
 */
export function authorize(ctx: ServiceContext, permission: Permission, scope: Scope = SITE): void {
  if (can(ctx.actor, permission, scope)) return;
  if (!ctx.actor.userId && ctx.actor.via !== 'system') {
    throw new AppError('unauthenticated', 'Please sign in to do this.');
  }
  throw AppError.forbidden();
}

export function isAllowed(
  ctx: ServiceContext,
  permission: Permission,
  scope: Scope = SITE,
): boolean {
  return can(ctx.actor, permission, scope);
}

/** The actor for a user id, with their grants: used by sessions, tokens, the CLI and tests. */
export async function actorFor(
  ctx: Pick<ServiceContext, 'db'>,
  userId: string,
  via: Actor['via'] = 'session',
): Promise<Actor> {
  const user = await repo.findUserById(ctx.db, userId);
  if (!user || user.status !== 'active')
    throw new AppError('unauthenticated', 'This account is not active.');
  const grants: Grant[] = (await repo.grantsOf(ctx.db, userId)).map((g) => ({
    role: g.role,
    scopeType: g.scope_type as ScopeType,
    scopeId: g.scope_id,
  }));
  return { userId, label: user.display_name, grants, via };
}

export interface NewUser {
  email: string;
  displayName: string;
  password?: string | null;
  verified?: boolean;
  locale?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** Creates an account (CLI, demo data, sign-up). The caller's transaction keeps it atomic. */
export async function createUser(ctx: ServiceContext, input: NewUser) {
  const email = input.email.trim();
  const errors = [];
  if (!EMAIL.test(email) || email.length > 254)
    errors.push({ path: '/email', message: 'Enter a valid email address.' });
  const displayName = input.displayName.trim();
  if (!displayName || displayName.length > 120)
    errors.push({ path: '/displayName', message: 'Enter a name of 1 to 120 characters.' });
  if (input.password != null && (input.password.length < 12 || input.password.length > 256)) {
    errors.push({ path: '/password', message: 'Use a password of 12 to 256 characters.' });
  }
  if (errors.length) throw AppError.validation(errors);
  if (await repo.findUserByEmail(ctx.db, email)) {
    throw new AppError('conflict', 'An account with this email address already exists.', [
      { path: '/email', message: 'This address is already registered.' },
    ]);
  }
  const user = await repo.insertUser(ctx.db, {
    id: newId(),
    email,
    display_name: displayName,
    password_hash: input.password ? await hashPassword(input.password) : null,
    email_verified_at: input.verified ? ctx.clock.now() : null,
    locale: input.locale ?? 'en',
  });
  await recordAudit(ctx.db, ctx, {
    action: 'user.create',
    entityType: 'user',
    entityId: user.id,
    after: { email: user.email, displayName: user.display_name },
  });
  return user;
}

/** Grants a role (admins, or the system). Idempotent. */
export async function grantRole(
  ctx: ServiceContext,
  userId: string,
  role: string,
  scope: { type: ScopeType; id: string | null } = SITE,
) {
  authorize(ctx, 'users.manage');
  if (!(ROLES as readonly string[]).includes(role)) {
    throw AppError.validation([
      { path: '/role', message: `Unknown role "${role}". Roles: ${ROLES.join(', ')}.` },
    ]);
  }
  if ((scope.type === 'site') !== (scope.id === null)) {
    throw AppError.validation([
      { path: '/scope', message: 'A site-wide grant has no scope id; any other needs one.' },
    ]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, userId);
    if (!user) throw AppError.notFound('The user');
    const grant = await repo.insertGrant(trx, {
      id: newId(),
      user_id: userId,
      role,
      scope_type: scope.type,
      scope_id: scope.id,
      granted_by: ctx.actor.userId,
    });
    if (grant) {
      await recordAudit(trx, ctx, {
        action: 'role.grant',
        entityType: 'user',
        entityId: userId,
        after: { role, scopeType: scope.type, scopeId: scope.id },
      });
    }
    return grant ?? null;
  });
}

export async function findUserByEmail(ctx: Pick<ServiceContext, 'db'>, email: string) {
  return repo.findUserByEmail(ctx.db, email);
}

/** People holding a role in a scope, e.g. the focal points of a process (for notifications). */
export async function usersWithRole(
  ctx: Pick<ServiceContext, 'db'>,
  role: string,
  scope: { type: ScopeType; id: string | null },
) {
  return repo.usersWithRole(ctx.db, role, scope.type, scope.id);
}
