import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import {
  createTestUser,
  insertTestOrganisation,
  lastMailTo,
  linkIn,
} from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Actor, ServiceContext } from '../../platform/context.ts';
import { actorFor, grantRole, publicHistory, revokeGrant, startSession } from './index.ts';
import { updateProfile } from './accounts.service.ts';
import * as auth from './auth.service.ts';
import { enableTotp, disableTotp, mfaState, regenerateRecoveryCodes } from './mfa.service.ts';
import { createApiToken, revokeApiToken } from './api-tokens.service.ts';
import { endMySession, signOut, signOutEverywhere } from './sessions.service.ts';
import { decideMembership, leaveOrganisation, requestMembership } from './memberships.service.ts';
import { deleteMyAccount, exportMyData } from './personal-data.service.ts';
import { hashToken } from './sessions.service.ts';
import { totpCode } from './mfa.ts';

describe.each(databaseKinds())('audit log on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());
  beforeEach(() => clock.advance(61_000));

  const rows = async () =>
    env.deps.db.selectFrom('audit_log').selectAll().orderBy('at').orderBy('id').execute();

  /** Runs `work` and returns the audit rows it wrote. */
  async function audited(work: () => Promise<unknown>) {
    const before = new Set((await rows()).map((r) => r.id));
    await work();
    return (await rows()).filter((r) => !before.has(r.id));
  }

  /** A session actor as the hook resolves it (with its session id and mfa flag). */
  async function sessionCtx(
    userId: string,
    mfa = true,
  ): Promise<{ ctx: ServiceContext; token: string }> {
    const token = await startSession(env.ctx(), userId, { mfaPassed: mfa });
    const actor: Actor = {
      ...(await actorFor(env.ctx(), userId)),
      sessionId: hashToken(token),
      mfa,
    };
    return { ctx: { ...env.ctx(actor), ip: '192.0.2.1', requestId: 'req-1' }, token };
  }

  it('writes exactly one row per privileged action, and none for a refused one', async () => {
    const org = await insertTestOrganisation(env, `audit-org-${kind}`);
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const adminCtx = (await sessionCtx(admin.id)).ctx;
    const anonymous = {
      ...env.ctx({ userId: null, label: 'anonymous', grants: [], via: 'anonymous' }),
      ip: '192.0.2.9',
    };
    const email = `audit-${kind}@example.org`;
    const password = 'audit passphrase one';
    let userId = '';
    let me: ServiceContext = adminCtx;
    let secret = '';
    let codes: string[] = [];
    let tokenId = '';
    let membershipId = '';
    const expectOne = async (action: string, work: () => Promise<unknown>) => {
      const written = await audited(work);
      expect(
        written.map((r) => r.action),
        action,
      ).toEqual([action]);
      return written[0]!;
    };
    const expectNone = async (label: string, work: () => Promise<unknown>) => {
      const written = await audited(() => work().catch(() => undefined));
      expect(written, label).toEqual([]);
    };

    await expectOne('user.create', () =>
      auth.signUp(anonymous, { displayName: 'Audit Person', email, password }),
    );
    userId = (
      await env.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).id;
    const verifyLink = linkIn((await lastMailTo(env, email))!.text_body, '/verify-email')!;
    await expectOne('user.verify-email', () =>
      auth.verifyEmail(anonymous, new URL(verifyLink, 'http://x').searchParams.get('token')),
    );
    await expectNone('wrong password', () =>
      auth.signIn(anonymous, { email, password: 'wrong wrong wrong' }),
    );
    const signedIn = await expectOne('session.start', () =>
      auth.signIn(anonymous, { email, password }),
    );
    expect(signedIn.entity_id).toBe(userId);
    me = (await sessionCtx(userId)).ctx;
    await expectOne('user.update-profile', () =>
      updateProfile(me, { displayName: 'Audit Person Renamed', locale: 'fr' }),
    );
    await expectNone('same profile again', () =>
      updateProfile(me, { displayName: 'Audit Person Renamed', locale: 'fr' }),
    );
    await expectNone('wrong current password', () =>
      auth.changePassword(me, { currentPassword: 'nope', newPassword: 'audit passphrase two' }),
    );
    await expectOne('user.password-change', () =>
      auth.changePassword(me, { currentPassword: password, newPassword: 'audit passphrase two' }),
    );
    await expectOne('user.email-change-requested', () =>
      auth.requestEmailChange(me, {
        newEmail: `new-${email}`,
        emailPassword: 'audit passphrase two',
      }),
    );
    const changeLink = linkIn(
      (await lastMailTo(env, `new-${email}`))!.text_body,
      '/account/email/confirm',
    )!;
    await expectOne('user.email-change', () =>
      auth.confirmEmailChange(anonymous, new URL(changeLink, 'http://x').searchParams.get('token')),
    );
    await expectOne('user.password-reset-requested', () =>
      auth.requestPasswordReset(anonymous, `new-${email}`),
    );
    const resetLink = linkIn(
      (await lastMailTo(env, `new-${email}`))!.text_body,
      '/password-reset/new',
    )!;
    await expectOne('user.password-reset', () =>
      auth.resetPassword(
        anonymous,
        new URL(resetLink, 'http://x').searchParams.get('token'),
        'audit passphrase three',
      ),
    );
    me = (await sessionCtx(userId)).ctx;
    const state = await mfaState(me);
    if (!state.enabled) secret = state.secret;
    await expectNone('wrong first code', () => enableTotp(me, '000000'));
    await expectOne('user.mfa-enable', async () => {
      codes = await enableTotp(me, totpCode(secret, clock.now().getTime()));
    });
    clock.advance(61_000);
    await expectOne('user.recovery-codes', async () => {
      codes = await regenerateRecoveryCodes(me, { codesPassword: 'audit passphrase three' });
    });
    await expectOne('user.mfa-disable', () =>
      disableTotp(me, { disablePassword: 'audit passphrase three', disableCode: codes[0]! }),
    );
    await expectOne('api-token.create', async () => {
      tokenId = (
        await createApiToken(me, { tokenName: 'script', scopes: ['read'], expiresInDays: 30 })
      ).id;
    });
    await expectOne('api-token.revoke', () => revokeApiToken(me, tokenId));
    await expectNone('revoke again', () => revokeApiToken(me, tokenId));
    const other = await startSession(env.ctx(), userId);
    await expectOne('session.end', () => endMySession(me, hashToken(other)));
    await expectOne('membership.request', async () => {
      membershipId = (await requestMembership(me, org.slug, { message: 'hello' })).id;
    });
    await expectNone('ask twice', () => requestMembership(me, org.slug, {}));
    await expectOne('membership.accept', () => decideMembership(adminCtx, membershipId, 'accept'));
    await expectNone('decide twice', () => decideMembership(adminCtx, membershipId, 'refuse'));
    await expectOne('membership.leave', () => leaveOrganisation(me, membershipId));
    const grant = await expectOne('role.grant', () =>
      grantRole(adminCtx, userId, 'reviewer', { type: 'event', id: 'ev-1' }),
    );
    expect(JSON.parse(JSON.stringify(grant.after))).toEqual({
      role: 'reviewer',
      scopeType: 'event',
      scopeId: 'ev-1',
    });
    await expectNone('grant again (idempotent)', () =>
      grantRole(adminCtx, userId, 'reviewer', { type: 'event', id: 'ev-1' }),
    );
    const grantRow = await env.deps.db
      .selectFrom('role_grants')
      .select('id')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    await expectOne('role.revoke', () => revokeGrant(adminCtx, grantRow.id));
    await expectOne('session.end-all', () => signOutEverywhere(me));
    const { ctx: last, token } = await sessionCtx(userId);
    await expectOne('session.end', () => signOut(last, token));
    await expectNone('wrong password on delete', () =>
      deleteMyAccount(last, { deletePassword: 'nope', confirm: 'yes' }),
    );
    const erased = await expectOne('user.erase', () =>
      deleteMyAccount(last, { deletePassword: 'audit passphrase three', confirm: 'yes' }),
    );
    expect(erased.actor_id).toBe(userId);

    // Every row names the person by id only: no email, no name, in any row.
    const all = await rows();
    const text = JSON.stringify(all);
    expect(text).not.toContain(email);
    expect(text).not.toContain('Audit Person');
    for (const row of all.filter((r) => r.actor_id)) expect(row.actor_label).toBeNull();
  });

  it('refuses UPDATE and DELETE on the audit table, so erasure works without them', async () => {
    const user = await createTestUser(env);
    const { ctx } = await sessionCtx(user.id);
    await updateProfile(ctx, { displayName: 'Before Erasure', locale: 'en' });
    const before = await env.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', user.id)
      .execute();
    expect(before.length).toBeGreaterThan(0);
    await expect(
      sql`UPDATE audit_log SET actor_id = NULL WHERE actor_id = ${user.id}`.execute(env.deps.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM audit_log WHERE actor_id = ${user.id}`.execute(env.deps.db),
    ).rejects.toThrow(/append-only/);
    await deleteMyAccount(ctx, { deletePassword: user.password, confirm: 'yes' });
    const after = await env.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', user.id)
      .execute();
    // The earlier rows are untouched, plus the erasure's own row.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.at(-1)?.action).toBe('user.erase');
    const account = await env.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({
      status: 'erased',
      display_name: 'Erased account',
      password_hash: null,
    });
    expect(account.email).not.toContain(user.email);
    // The admin audit page shows an anonymous id in their place.
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const { browseAudit } = await import('./audit.service.ts');
    const page = await browseAudit(env.ctx(admin.actor), { actor: user.id, page: 1, pageSize: 50 });
    expect(page.items.every((i) => i.actor.erased && i.actor.label === null)).toBe(true);
  });

  it('shows public history without who acted or confidential fields', async () => {
    const system = env.ctx();
    await env.deps.db.transaction().execute(async (trx) => {
      await recordAudit(trx, system, {
        action: 'resource.update',
        entityType: 'resource',
        entityId: 'r-1',
        before: { title: 'Old', contactEmail: 'x@example.org' },
        after: {
          title: 'New',
          contactEmail: 'y@example.org',
          internalNotes: 'n',
          privateNote: 'p',
        },
        isPublic: true,
      });
      await recordAudit(trx, system, {
        action: 'resource.review',
        entityType: 'resource',
        entityId: 'r-1',
        after: { verdict: 'secret reasons' },
      });
    });
    const history = await publicHistory(env.ctx(), 'resource', 'r-1');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      action: 'resource.update',
      fields: ['title', 'internalNotes'],
      before: { title: 'Old' },
      after: { title: 'New', internalNotes: 'n' },
    });
    expect(JSON.stringify(history)).not.toMatch(/example\.org|privateNote|secret reasons|actor/);
    const api = await env.app.inject('/api/v1/history/resource/r-1');
    expect(api.statusCode).toBe(200);
    expect(api.json().total).toBe(1);
  });

  it('gathers personal data from every module into one download', async () => {
    const user = await createTestUser(env);
    const { ctx } = await sessionCtx(user.id);
    await createApiToken(ctx, { tokenName: 'export me', scopes: ['read'], expiresInDays: 7 });
    const data = await exportMyData(ctx);
    expect(data.format).toBe('capacity-commons/personal-data@1');
    const accounts = data.modules.accounts as Record<string, unknown> & {
      account: { email: string };
    };
    expect(accounts.account.email).toBe(user.email);
    expect(JSON.stringify(accounts)).toContain('export me');
    expect(JSON.stringify(data)).not.toMatch(/password_hash|\$argon2|token_hash/);
    // A site admin cannot download someone else's data through this path.
    const other = await createTestUser(env);
    await expect(
      exportMyData(env.ctx({ ...other.actor, via: 'token', tokenScopes: ['admin'] })),
    ).rejects.toThrow();
  });
});
