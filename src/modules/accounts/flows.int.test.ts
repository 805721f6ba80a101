import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import {
  createTestUser,
  insertTestOrganisation,
  lastMailTo,
  signedInAgent,
  signInThroughForm,
} from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { seedDemo } from '../../runtime.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, revokeGrant, SESSION_COOKIE } from './index.ts';

describe.each(databaseKinds())('accounts flows on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());

  const secretIn = (body: string) => /<code class="secret">(cc_pat_[\w-]+)<\/code>/.exec(body)?.[1];

  it('creates an API token shown once and stored hashed, resolves Bearer to the owner, and revokes it', async () => {
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const agent = await signedInAgent(env, admin);
    await agent.get('/account/tokens');
    const created = await agent.postForm('/account/tokens', {
      tokenName: 'nightly export',
      scopes: 'read',
      expiresInDays: '7',
    });
    expect(created.statusCode).toBe(200);
    const secret = secretIn(created.body)!;
    expect(secret).toMatch(/^cc_pat_[\w-]{43}$/);
    // Shown once: the list afterwards shows only a prefix, and the database holds a hash.
    const list = await agent.get('/account/tokens');
    expect(list.body).toContain('nightly export');
    expect(list.body).not.toContain(secret);
    const row = await env.deps.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    const me = await env.app.inject({ url: '/api/v1/me', headers: bearer });
    expect(me.json()).toMatchObject({ userId: admin.id, via: 'token', tokenScopes: ['read'] });
    const audit = await env.app.inject({
      url: `/api/v1/audit?actor=${admin.id}&pageSize=5`,
      headers: bearer,
    });
    expect(audit.statusCode).toBe(200);
    const page = audit.json();
    expect(page).toMatchObject({ page: 1, pageSize: 5 });
    expect(page.items[0]).toMatchObject({
      action: 'api-token.create',
      actor: { id: admin.id, erased: false },
    });
    expect(page.items[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const unknownParam = await env.app.inject({ url: '/api/v1/audit?who=x', headers: bearer });
    expect(unknownParam.statusCode).toBe(400);
    // The token does not reach the account itself, nor what its scope leaves out.
    const viaToken = await env.app.inject({
      method: 'POST',
      url: '/account/tokens',
      headers: {
        ...bearer,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      },
      payload: 'tokenName=x&scopes=admin&expiresInDays=7',
    });
    expect(viaToken.statusCode).toBe(403);
    expect((await env.app.inject({ url: '/admin/users', headers: bearer })).statusCode).toBe(403);
    // With a Bearer header the session cookie is ignored.
    const both = await env.app.inject({
      url: '/api/v1/me',
      headers: {
        authorization: 'Bearer cc_pat_' + 'x'.repeat(43),
        cookie: `${SESSION_COOKIE}=${agent.cookie(SESSION_COOKIE)}`,
      },
    });
    expect(both.statusCode).toBe(401);
    expect(both.headers['www-authenticate']).toContain('invalid_token');

    const id = row.id;
    expect((await agent.postForm(`/account/tokens/${id}/revoke`, {})).statusCode).toBe(303);
    expect((await env.app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
  });

  it('stops accepting a token after its expiry', async () => {
    const user = await createTestUser(env);
    const agent = await signedInAgent(env, user);
    await agent.get('/account/tokens');
    const secret = secretIn(
      (
        await agent.postForm('/account/tokens', {
          tokenName: 'short',
          scopes: 'write',
          expiresInDays: '7',
        })
      ).body,
    )!;
    const headers = { authorization: `Bearer ${secret}` };
    expect((await env.app.inject({ url: '/api/v1/me', headers })).statusCode).toBe(200);
    clock.advance(7 * 24 * 60 * 60 * 1000);
    expect((await env.app.inject({ url: '/api/v1/me', headers })).statusCode).toBe(401);
  });

  it('refuses admin-scoped tokens to non-admins', async () => {
    const user = await createTestUser(env);
    const agent = await signedInAgent(env, user);
    await agent.get('/account/tokens');
    expect((await agent.get('/account/tokens')).body).not.toContain('value="admin"');
    const refused = await agent.postForm('/account/tokens', {
      tokenName: 'x',
      scopes: 'admin',
      expiresInDays: '7',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Only site administrators can create admin tokens.');
  });

  it('lets a person ask to join an organisation, and its representative accept', async () => {
    const org = await insertTestOrganisation(env, `flows-${kind}`, 'Flows Network');
    const rep = await createTestUser(env, [
      { role: 'organisation-rep', scopeType: 'organisation', scopeId: org.id },
    ]);
    const person = await createTestUser(env, [], 'Joining Person');
    const personAgent = await signedInAgent(env, person);
    const page = await personAgent.get(`/organisations/${org.slug}/members`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Members of Flows Network');
    expect(page.body).not.toContain(rep.email);
    const asked = await personAgent.postForm(`/organisations/${org.slug}/members/join`, {
      message: 'I lead the policy team.',
    });
    expect(asked.statusCode).toBe(303);
    expect((await lastMailTo(env, rep.email))?.subject).toBe(
      'Joining Person asks to join Flows Network',
    );
    expect((await personAgent.get(`/organisations/${org.slug}/members`)).body).toContain(
      'waiting for a representative',
    );

    const repAgent = await signedInAgent(env, rep);
    const repPage = await repAgent.get(`/organisations/${org.slug}/members`);
    expect(repPage.body).toContain('I lead the policy team.');
    const id = /members\/([0-9a-f-]{36})\/decide/.exec(repPage.body)![1]!;
    const accepted = await repAgent.postForm(`/organisations/${org.slug}/members/${id}/decide`, {
      decision: 'accept',
    });
    expect(accepted.statusCode).toBe(303);
    expect((await lastMailTo(env, person.email))?.subject).toBe(
      'You are now a member of Flows Network',
    );
    const mine = await personAgent.get('/account/organisations');
    expect(mine.body).toContain('Flows Network');
    expect(mine.body).toContain('member');
    // A second decision on the same request is a conflict, shown on the page.
    const again = await repAgent.postForm(`/organisations/${org.slug}/members/${id}/decide`, {
      decision: 'refuse',
    });
    expect(again.statusCode).toBe(409);
  });

  it('lets an admin grant and take away roles from the users page', async () => {
    const org = await insertTestOrganisation(env, `grants-${kind}`);
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const target = await createTestUser(env);
    const agent = await signedInAgent(env, admin);
    const list = await agent.get(`/admin/users?q=${encodeURIComponent(target.email)}`);
    expect(list.body).toContain(target.email);
    await agent.get(`/admin/users/${target.id}`);
    const granted = await agent.postForm(`/admin/users/${target.id}/grants`, {
      role: 'organisation-rep',
      scopeType: 'organisation',
      scopeRef: org.slug,
    });
    expect(granted.statusCode).toBe(303);
    const grant = await env.deps.db
      .selectFrom('role_grants')
      .selectAll()
      .where('user_id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(grant).toMatchObject({
      role: 'organisation-rep',
      scope_type: 'organisation',
      scope_id: org.id,
    });
    const unknown = await agent.postForm(`/admin/users/${target.id}/grants`, {
      role: 'editor',
      scopeType: 'organisation',
      scopeRef: 'nope',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('No organisation is called');
    expect(
      (await agent.postForm(`/admin/users/${target.id}/grants/${grant.id}/revoke`, {})).statusCode,
    ).toBe(303);
    // Outbox and audit pages work for the admin.
    expect((await agent.get('/admin/outbox')).statusCode).toBe(200);
    const audit = await agent.get(`/admin/audit?entityType=user&entityId=${target.id}`);
    expect(audit.body).toContain('role.grant');
    expect(audit.body).toContain('role.revoke');
    const badDate = await agent.get('/admin/audit?from=2026-13-45');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.body).toContain('Use a date like 2026-11-23.');
  });

  it('seeds demo accounts that sign in with the documented password, and keeps the last admin', async () => {
    const demo = await createTestEnv(kind, { clock });
    try {
      await seedDemo(demo.deps);
      const participant = DEMO_ACCOUNTS.find((a) => a.email.startsWith('participant@'))!;
      const { response } = await signInThroughForm(demo, participant.email, DEMO_PASSWORD);
      expect(response.statusCode).toBe(303);
      const admin = DEMO_ACCOUNTS.find((a) => a.role === 'site-admin')!;
      const adminSignIn = await signInThroughForm(demo, admin.email, DEMO_PASSWORD);
      expect(adminSignIn.response.headers.location).toBe('/account/mfa?done=mfaRequired');
      const gfce = await demo.deps.db
        .selectFrom('organisations')
        .select('id')
        .where('slug', '=', 'gfce')
        .executeTakeFirstOrThrow();
      const rep = await demo.deps.db
        .selectFrom('role_grants')
        .innerJoin('users', 'users.id', 'role_grants.user_id')
        .select(['role_grants.scope_id', 'role_grants.role'])
        .where('users.email', '=', 'rep@demo.capacity-commons.org')
        .execute();
      expect(rep).toEqual([{ scope_id: gfce.id, role: 'organisation-rep' }]);
      const repAgent = new TestAgent(demo.app);
      await signInThroughForm(demo, 'rep@demo.capacity-commons.org', DEMO_PASSWORD, repAgent);
      expect((await repAgent.get('/organisations/gfce/members')).body).toContain(
        'Demo Participant (demo account)',
      );
      // The demo administrator is the only one: their role cannot be taken away.
      const adminGrant = await demo.deps.db
        .selectFrom('role_grants')
        .innerJoin('users', 'users.id', 'role_grants.user_id')
        .select('role_grants.id')
        .where('users.email', '=', admin.email)
        .executeTakeFirstOrThrow();
      await expect(revokeGrant(demo.ctx(), adminGrant.id)).rejects.toThrow(
        /last site administrator/,
      );
    } finally {
      await demo.close();
    }
  });
});
