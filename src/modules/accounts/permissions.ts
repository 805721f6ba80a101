import type { Actor, Grant, ScopeType } from '../../platform/context.ts';

/**
 * Roles and what they may do. A grant applies to the whole site or to one process, event or
 * organisation; a permission asked for in a scope is allowed by a site-wide grant or by a grant on
 * that same scope. Anything not written here is denied.
 */
export const ROLES = [
  'site-admin',
  'editor',
  'organisation-rep',
  'focal-point',
  'event-organiser',
  'reviewer',
  'moderator',
  'rapporteur',
  'participant',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  // Catalogue
  'catalogue.submit': ['site-admin', 'editor', 'organisation-rep'],
  'catalogue.review': ['site-admin', 'editor'],
  'catalogue.import': ['site-admin', 'editor'],
  // Registry and coordination
  'registry.submit': ['site-admin', 'editor', 'organisation-rep'],
  'registry.review': ['site-admin', 'editor'],
  'registry.import': ['site-admin', 'editor'],
  'registry.decide-overlap': ['site-admin', 'editor'],
  'needs.post': ['site-admin', 'editor', 'focal-point', 'organisation-rep'],
  'needs.offer': ['site-admin', 'editor', 'organisation-rep'],
  'organisation.manage': ['site-admin', 'editor', 'organisation-rep'],
  'country.edit': ['site-admin', 'editor', 'focal-point'],
  // Processes
  'process.manage': ['site-admin'],
  'process.apply': ['site-admin', 'organisation-rep'],
  'process.object': ['focal-point'],
  'process.view-confidential': ['site-admin'],
  'process.review': ['site-admin', 'focal-point'],
  'consultation.manage': ['site-admin'],
  'consultation.submit': ['site-admin', 'organisation-rep', 'participant'],
  'consultation.submit-for-organisation': ['site-admin', 'organisation-rep'],
  // Events and workshops
  'event.manage': ['site-admin', 'event-organiser'],
  'proposal.submit': ['site-admin', 'participant'],
  'proposal.review': ['reviewer'],
  'session.moderate': ['site-admin', 'event-organiser', 'moderator'],
  'session.report': ['site-admin', 'event-organiser', 'rapporteur'],
  'live.reveal-author': ['site-admin', 'event-organiser', 'moderator'],
  // Community
  'discussion.post': ['site-admin', 'participant'],
  'discussion.moderate': ['site-admin', 'moderator'],
  // Private discussion groups are created by site admins; their own admins manage membership.
  'discussion.group.create': ['site-admin'],
  'expert.profile': ['site-admin', 'participant'],
  // Awareness: saved searches with alerts, private calendar (every signed-in person)
  'alerts.manage': ['site-admin', 'participant'],
  // Administration
  'audit.read': ['site-admin'],
  'users.manage': ['site-admin'],
  'jobs.manage': ['site-admin'],
  'mail.outbox': ['site-admin'],
  // Accounts and organisation membership (every signed-in person is a participant)
  'account.manage-own': ['participant'],
  'organisation.join': ['participant'],
  'organisation.members': ['site-admin', 'organisation-rep'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export interface Scope {
  type: ScopeType;
  id: string | null;
}

export const SITE: Scope = { type: 'site', id: null };

/**
 * Roles that act only after two-step verification: a session that has not passed it holds them
 * in name only until the person sets it up (or enters a code at sign-in).
 */
export const MFA_REQUIRED_ROLES: ReadonlySet<string> = new Set(['site-admin', 'focal-point']);

/** Whether someone holding these grants must use two-step verification. */
export function requiresMfa(grants: readonly Pick<Grant, 'role'>[]): boolean {
  return grants.some((g) => MFA_REQUIRED_ROLES.has(g.role));
}

/**
 * Whether this actor holds a role that needs two-step verification which its session has not
 * passed. `mfa` is only ever false on browser sessions; CLI, tests and tokens leave it unset.
 */
export function mfaPending(actor: Actor): boolean {
  return actor.mfa === false && requiresMfa(actor.grants);
}

/** What a personal API token may be given. */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Permissions that only read (confidential) data: a `read` token may use them. */
const READ_PERMISSIONS: ReadonlySet<string> = new Set([
  'process.view-confidential',
  'audit.read',
  'mail.outbox',
]);
/** Running the site: only an `admin` token may use them. */
const ADMIN_PERMISSIONS: ReadonlySet<string> = new Set([
  'users.manage',
  'jobs.manage',
  'process.manage',
  'consultation.manage',
]);

/** Whether a token scope covers a permission. A person's own account is never reachable by token. */
export function scopeCovers(tokenScope: string, permission: string): boolean {
  if (permission.startsWith('account.')) return false;
  switch (tokenScope) {
    case 'read':
      return READ_PERMISSIONS.has(permission);
    case 'write':
      return !ADMIN_PERMISSIONS.has(permission);
    case 'admin':
    case '*':
      return true;
    default:
      // A permission name, or a prefix such as "catalogue" for every "catalogue.*" permission.
      return tokenScope === permission || permission.startsWith(`${tokenScope}.`);
  }
}

function grantCovers(grant: Grant, scope: Scope): boolean {
  if (grant.scopeType === 'site') return true;
  return grant.scopeType === scope.type && grant.scopeId === scope.id;
}

/** The roles an actor holds in a scope. Every signed-in person is a participant. */
export function rolesIn(actor: Actor, scope: Scope = SITE): Set<string> {
  const roles = new Set<string>();
  if (actor.userId || actor.via === 'system') roles.add('participant');
  const withoutMfa = actor.mfa === false;
  for (const grant of actor.grants) {
    if (withoutMfa && MFA_REQUIRED_ROLES.has(grant.role)) continue;
    if (grantCovers(grant, scope)) roles.add(grant.role);
  }
  return roles;
}

/** Whether `actor` may do `permission` in `scope`. Pure: no database, easy to test exhaustively. */
export function can(actor: Actor, permission: string, scope: Scope = SITE): boolean {
  const allowed = (PERMISSIONS as Record<string, readonly string[]>)[permission];
  if (!allowed) return false;
  if (actor.tokenScopes && !actor.tokenScopes.some((s) => scopeCovers(s, permission))) {
    return false;
  }
  const roles = rolesIn(actor, scope);
  return allowed.some((role) => roles.has(role));
}
