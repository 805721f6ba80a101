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
  'consultation.manage': ['site-admin'],
  'consultation.submit': ['site-admin', 'organisation-rep', 'participant'],
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
  // Administration
  'audit.read': ['site-admin'],
  'users.manage': ['site-admin'],
  'jobs.manage': ['site-admin'],
  'mail.outbox': ['site-admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export interface Scope {
  type: ScopeType;
  id: string | null;
}

export const SITE: Scope = { type: 'site', id: null };

function grantCovers(grant: Grant, scope: Scope): boolean {
  if (grant.scopeType === 'site') return true;
  return grant.scopeType === scope.type && grant.scopeId === scope.id;
}

/** The roles an actor holds in a scope. Every signed-in person is a participant. */
export function rolesIn(actor: Actor, scope: Scope = SITE): Set<string> {
  const roles = new Set<string>();
  if (actor.userId || actor.via === 'system') roles.add('participant');
  for (const grant of actor.grants) if (grantCovers(grant, scope)) roles.add(grant.role);
  return roles;
}

/** Whether `actor` may do `permission` in `scope`. Pure: no database, easy to test exhaustively. */
export function can(actor: Actor, permission: string, scope: Scope = SITE): boolean {
  const allowed = (PERMISSIONS as Record<string, readonly string[]>)[permission];
  if (!allowed) return false;
  if (
    actor.tokenScopes &&
    !actor.tokenScopes.some((s) => s === permission || permission.startsWith(`${s}.`) || s === '*')
  ) {
    return false;
  }
  const roles = rolesIn(actor, scope);
  return allowed.some((role) => roles.has(role));
}
