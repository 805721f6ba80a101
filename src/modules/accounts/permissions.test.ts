import { describe, expect, it } from 'vitest';
import { ANONYMOUS, SYSTEM, type Actor } from '../../platform/context.ts';
import {
  can,
  mfaPending,
  PERMISSIONS,
  rolesIn,
  scopeCovers,
  type Permission,
} from './permissions.ts';

const user = (grants: Actor['grants'], extra: Partial<Actor> = {}): Actor => ({
  userId: 'u1',
  label: 'U',
  grants,
  via: 'session',
  ...extra,
});
const site = (role: string) => ({ role, scopeType: 'site' as const, scopeId: null });
const org = (role: string, id: string) => ({
  role,
  scopeType: 'organisation' as const,
  scopeId: id,
});

describe('can()', () => {
  it('denies every permission to anonymous visitors and an unknown permission to everyone', () => {
    for (const permission of Object.keys(PERMISSIONS))
      expect(can(ANONYMOUS, permission)).toBe(false);
    expect(can(SYSTEM, 'no.such-permission')).toBe(false);
    expect(can(user([site('site-admin')]), 'no.such-permission')).toBe(false);
  });

  it('gives the system actor every permission that a site admin has', () => {
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      const expected = (roles as readonly string[]).some(
        (r) => r === 'site-admin' || r === 'participant',
      );
      expect(can(SYSTEM, permission), permission).toBe(expected);
    }
  });

  it('applies a scoped grant to its own scope only; a site grant everywhere', () => {
    const rep = user([org('organisation-rep', 'org-a')]);
    expect(can(rep, 'organisation.members', { type: 'organisation', id: 'org-a' })).toBe(true);
    expect(can(rep, 'organisation.members', { type: 'organisation', id: 'org-b' })).toBe(false);
    expect(can(rep, 'organisation.members')).toBe(false);
    expect(can(rep, 'organisation.members', { type: 'process', id: 'org-a' })).toBe(false);
    const admin = user([site('site-admin')]);
    expect(can(admin, 'organisation.members', { type: 'organisation', id: 'org-b' })).toBe(true);
  });

  it('lets every signed-in person manage their own account and ask to join organisations', () => {
    expect(can(user([]), 'account.manage-own')).toBe(true);
    expect(can(user([]), 'organisation.join')).toBe(true);
    expect(can(user([]), 'users.manage')).toBe(false);
    expect(can(user([]), 'audit.read')).toBe(false);
    expect(rolesIn(user([]))).toEqual(new Set(['participant']));
  });

  it('holds back roles that need two-step verification from a session that has not passed it', () => {
    const pending = user([site('site-admin'), site('editor')], { mfa: false });
    expect(mfaPending(pending)).toBe(true);
    expect(can(pending, 'users.manage')).toBe(false);
    expect(can(pending, 'audit.read')).toBe(false);
    // Roles without the requirement still work.
    expect(can(pending, 'catalogue.review')).toBe(true);
    expect(can({ ...pending, mfa: true }, 'users.manage')).toBe(true);
    const focal = user([{ role: 'focal-point', scopeType: 'process', scopeId: 'p1' }], {
      mfa: false,
    });
    expect(can(focal, 'process.object', { type: 'process', id: 'p1' })).toBe(false);
    expect(can({ ...focal, mfa: true }, 'process.object', { type: 'process', id: 'p1' })).toBe(
      true,
    );
    // Actors built outside a browser session (CLI, tests, tokens) carry no mfa flag.
    expect(can(user([site('site-admin')]), 'users.manage')).toBe(true);
    expect(mfaPending(user([site('editor')], { mfa: false }))).toBe(false);
  });
});

describe('API token scopes', () => {
  const table: Array<[string, Permission, boolean]> = [
    ['read', 'audit.read', true],
    ['read', 'mail.outbox', true],
    ['read', 'process.view-confidential', true],
    ['read', 'catalogue.submit', false],
    ['read', 'users.manage', false],
    ['write', 'audit.read', true],
    ['write', 'catalogue.submit', true],
    ['write', 'registry.decide-overlap', true],
    ['write', 'users.manage', false],
    ['write', 'jobs.manage', false],
    ['admin', 'users.manage', true],
    ['admin', 'catalogue.submit', true],
    ['admin', 'account.manage-own', false],
    ['write', 'account.manage-own', false],
    ['catalogue', 'catalogue.submit', true],
    ['catalogue', 'registry.submit', false],
  ];
  it.each(table)('scope %s covers %s: %s', (scope, permission, expected) => {
    expect(scopeCovers(scope, permission)).toBe(expected);
  });

  it('never lets a token do more than its owner', () => {
    const token = user([], { via: 'token', tokenScopes: ['admin'] });
    expect(can(token, 'users.manage')).toBe(false);
    const adminRead = user([site('site-admin')], { via: 'token', tokenScopes: ['read'] });
    expect(can(adminRead, 'audit.read')).toBe(true);
    expect(can(adminRead, 'users.manage')).toBe(false);
    expect(can(adminRead, 'catalogue.submit')).toBe(false);
  });
});
