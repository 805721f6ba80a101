import { hash, verify } from '@node-rs/argon2';
import type { Actor, Grant, ScopeType, ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import { isLocale } from '../../platform/i18n/index.ts';
import * as repo from './accounts.repository.ts';
import {
  emailErrors,
  nameErrors,
  normaliseEmail,
  normaliseName,
  passwordErrors,
} from './accounts.ts';
import { can, mfaPending, ROLES, SITE, type Permission, type Scope } from './permissions.ts';
import { organisationsIndex } from './links.ts';

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

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. Without a hash (unknown account, or none set) it still
 * spends the same time, so that timing does not tell which accounts exist.
 */
export async function passwordMatches(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('not a real password, only for timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
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
  if (mfaPending(ctx.actor) && can({ ...ctx.actor, mfa: true }, permission, scope)) {
    throw new AppError(
      'forbidden',
      'Your role needs two-step verification: set it up on your account page (Security), then try again.',
    );
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

/** The signed-in person's id, or 401. */
export function requireUser(ctx: ServiceContext): string {
  if (!ctx.actor.userId) throw new AppError('unauthenticated', 'Please sign in to do this.');
  return ctx.actor.userId;
}

/**
 * A person's own account (password, two-step verification, tokens, deletion) is managed only
 * in a browser session, never with an API token.
 */
export function requireSession(ctx: ServiceContext): string {
  const userId = requireUser(ctx);
  authorize(ctx, 'account.manage-own');
  if (ctx.actor.via === 'token') {
    throw AppError.forbidden('Manage your account in the browser, not with an API token.');
  }
  return userId;
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

/** Checks and normalises a new account's fields; throws one validation error listing them all. */
export function checkNewUser(input: NewUser): { email: string; displayName: string } {
  const email = normaliseEmail(input.email);
  const displayName = normaliseName(input.displayName);
  const errors = [...nameErrors(displayName), ...emailErrors(email)];
  if (input.password != null) errors.push(...passwordErrors(input.password));
  if (errors.length) throw AppError.validation(errors);
  return { email, displayName };
}

/** Inserts an account and its audit row with the caller's transaction. */
export async function insertNewUser(
  trx: Parameters<typeof repo.insertUser>[0],
  ctx: ServiceContext,
  input: NewUser,
  checked: { email: string; displayName: string },
) {
  if (await repo.findUserByEmail(trx, checked.email)) {
    throw new AppError('conflict', 'An account with this email address already exists.', [
      { path: '/email', message: 'This address is already registered.' },
    ]);
  }
  const now = ctx.clock.now();
  const user = await repo.insertUser(trx, {
    id: newId(),
    email: checked.email,
    display_name: checked.displayName,
    password_hash: input.password ? await hashPassword(input.password) : null,
    email_verified_at: input.verified ? now : null,
    locale: input.locale && isLocale(input.locale) ? input.locale : 'en',
    created_at: now,
    updated_at: now,
  });
  // No email or name in the audit row: the log is append-only, and erasure must not need it.
  await recordAudit(trx, ctx, {
    action: 'user.create',
    entityType: 'user',
    entityId: user.id,
    after: { verified: !!input.verified, locale: user.locale },
  });
  return user;
}

/** Creates an account (CLI, demo data, tests, administrators). */
export async function createUser(ctx: ServiceContext, input: NewUser) {
  authorize(ctx, 'users.manage');
  const checked = checkNewUser(input);
  return ctx.db.transaction().execute((trx) => insertNewUser(trx, ctx, input, checked));
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
  if (scope.id !== null && (scope.id.length > 200 || !scope.id.trim())) {
    throw AppError.validation([{ path: '/scope', message: 'The scope id is not valid.' }]);
  }
  if (!isUuid(userId)) throw AppError.notFound('The user');
  return ctx.db.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, userId);
    if (!user || user.status === 'erased') throw AppError.notFound('The user');
    const grant = await repo.insertGrant(trx, {
      id: newId(),
      user_id: userId,
      role,
      scope_type: scope.type,
      scope_id: scope.id,
      granted_by: ctx.actor.userId,
      created_at: ctx.clock.now(),
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

/**
 * Grants a role from the admin form or the CLI, where an organisation is named by its slug.
 */
export async function grantRoleByReference(
  ctx: ServiceContext,
  userId: string,
  input: { role: string; scopeType: string; scopeRef?: string | null },
) {
  authorize(ctx, 'users.manage');
  const ref = input.scopeRef?.trim() || null;
  const scopeType = input.scopeType as ScopeType;
  if (!['site', 'process', 'event', 'organisation'].includes(scopeType)) {
    throw AppError.validation([{ path: '/scopeType', message: 'Choose where the role applies.' }]);
  }
  if (scopeType === 'site') {
    if (ref) {
      throw AppError.validation([
        { path: '/scopeRef', message: 'A site-wide role applies everywhere: leave this empty.' },
      ]);
    }
    return grantRole(ctx, userId, input.role, SITE);
  }
  if (!ref) {
    throw AppError.validation([
      { path: '/scopeRef', message: 'Name the organisation (its short name), process or event.' },
    ]);
  }
  let scopeId = ref;
  if (scopeType === 'organisation') {
    const organisations = await organisationsIndex();
    const found = isUuid(ref)
      ? await organisations.getOrganisationById(ctx, ref)
      : (await organisations.organisationsBySlug(ctx, [ref])).get(ref);
    if (!found) {
      throw AppError.validation([
        { path: '/scopeRef', message: `No organisation is called "${ref}".` },
      ]);
    }
    scopeId = found.id;
  }
  return grantRole(ctx, userId, input.role, { type: scopeType, id: scopeId });
}

/** Takes a role away. The last site administrator keeps theirs, so the site is never orphaned. */
export async function revokeGrant(ctx: ServiceContext, grantId: string) {
  authorize(ctx, 'users.manage');
  if (!isUuid(grantId)) throw AppError.notFound('The role');
  return ctx.db.transaction().execute(async (trx) => {
    const grant = await repo.findGrant(trx, grantId);
    if (!grant) throw AppError.notFound('The role');
    if (
      grant.role === 'site-admin' &&
      grant.scope_type === 'site' &&
      (await repo.countSiteRole(trx, 'site-admin')) <= 1
    ) {
      throw new AppError('conflict', 'This is the last site administrator: grant another first.');
    }
    await repo.deleteGrant(trx, grantId);
    await recordAudit(trx, ctx, {
      action: 'role.revoke',
      entityType: 'user',
      entityId: grant.user_id,
      before: { role: grant.role, scopeType: grant.scope_type, scopeId: grant.scope_id },
    });
    return grant;
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

/** The signed-in person's own account, for their account pages. */
export async function myAccount(ctx: ServiceContext) {
  const userId = requireSession(ctx);
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw new AppError('unauthenticated', 'Please sign in again.');
  const grants = await repo.grantsOf(ctx.db, userId);
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    locale: user.locale,
    emailVerifiedAt: user.email_verified_at,
    totpEnabled: !!user.totp_enabled_at,
    createdAt: user.created_at,
    grants: grants.map((g) => ({
      id: g.id,
      role: g.role,
      scopeType: g.scope_type,
      scopeId: g.scope_id,
    })),
  };
}

/** Changes one's own name and language. */
export async function updateProfile(
  ctx: ServiceContext,
  input: { displayName: string; locale: string },
) {
  const userId = requireSession(ctx);
  const displayName = normaliseName(input.displayName);
  const errors = nameErrors(displayName);
  if (!isLocale(input.locale))
    errors.push({ path: '/locale', message: 'Choose one of the offered languages.' });
  if (errors.length) throw AppError.validation(errors);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.lockUser(trx, userId);
    if (!before) throw AppError.notFound('Your account');
    if (before.display_name === displayName && before.locale === input.locale) return;
    await repo.updateUser(trx, userId, {
      display_name: displayName,
      locale: input.locale,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'user.update-profile',
      entityType: 'user',
      entityId: userId,
      after: {
        nameChanged: before.display_name !== displayName,
        locale: input.locale,
      },
    });
  });
}

/** Users for the admin page. */
export async function listUsers(
  ctx: ServiceContext,
  filter: { q?: string; role?: string; page: number; pageSize: number },
) {
  authorize(ctx, 'users.manage');
  const { rows, total } = await repo.searchUsers(
    ctx.db,
    { q: filter.q?.trim() || undefined, role: filter.role || undefined },
    filter.page,
    filter.pageSize,
  );
  return {
    items: rows.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.display_name,
      status: u.status,
      verified: !!u.email_verified_at,
      totpEnabled: !!u.totp_enabled_at,
      createdAt: u.created_at,
    })),
    total,
    page: filter.page,
    pageSize: filter.pageSize,
  };
}

/** One user with their roles, for the admin page. */
export async function userForAdmin(ctx: ServiceContext, userId: string) {
  authorize(ctx, 'users.manage');
  if (!isUuid(userId)) throw AppError.notFound('The user');
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw AppError.notFound('The user');
  const grants = await repo.grantsOf(ctx.db, userId);
  const orgIds = grants.filter((g) => g.scope_type === 'organisation').map((g) => g.scope_id!);
  const organisations = orgIds.length
    ? await (await organisationsIndex()).organisationsById(ctx, orgIds)
    : new Map();
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    status: user.status,
    verified: !!user.email_verified_at,
    totpEnabled: !!user.totp_enabled_at,
    createdAt: user.created_at,
    grants: grants.map((g) => ({
      id: g.id,
      role: g.role,
      scopeType: g.scope_type,
      scopeId: g.scope_id,
      scopeName:
        g.scope_type === 'organisation'
          ? ((organisations.get(g.scope_id!) as { name?: string } | undefined)?.name ?? g.scope_id)
          : g.scope_id,
    })),
  };
}

export async function countActiveUsers(ctx: Pick<ServiceContext, 'readDb'>): Promise<number> {
  return repo.countUsers(ctx.readDb);
}
