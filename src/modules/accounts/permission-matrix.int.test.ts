/**
 * Every accounts route × every kind of caller (anonymous, each role, a session still waiting on
 * two-step verification, API tokens) × the caller's own object or someone else's, with the answer
 * written out for each cell. "303 → /x" is a redirect to /x (sign in, set up two-step
 * verification, or the page after success).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import {
  createTestUser,
  insertTestOrganisation,
  type TestUser,
} from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { newId } from '../../platform/ids.ts';
import { actorFor, createUser, SESSION_COOKIE, startSession } from './index.ts';
import { createApiToken } from './api-tokens.service.ts';
import { hashToken } from './sessions.service.ts';

const CALLERS = [
  'anonymous',
  'participant',
  'editor',
  'repA',
  'repB',
  'adminNoMfa',
  'admin',
  'adminReadToken',
  'participantWriteToken',
] as const;
type CallerName = (typeof CALLERS)[number];
type Expect = Record<CallerName, string>;

interface Caller {
  name: CallerName;
  user: TestUser | null;
  session: string | null;
  token: string | null;
}

interface Objects {
  orgA: string;
  orgB: string;
  /** A fresh pending request to join org A or B. */
  request(org: 'A' | 'B'): Promise<string>;
  /** A fresh API token of the caller (own) or of someone else. */
  apiToken(owner: TestUser | null): Promise<string>;
  /** Another session of the caller (own) or someone else's. */
  sessionId(owner: TestUser | null): Promise<string>;
  /** A pending membership of the caller (own) or someone else's. */
  membership(owner: TestUser | null): Promise<string>;
  /** Withdraws any open request of the caller to org B (so that asking again is not a conflict). */
  withdraw(owner: TestUser | null): Promise<void>;
  stranger: TestUser;
}

interface Row {
  route: string;
  object: 'own' | 'other' | '-';
  method: 'GET' | 'POST';
  url(c: Caller, o: Objects): Promise<string> | string;
  body?: Record<string, string>;
  expect: Expect;
}

const ROWS: Row[] = [
  // ---- Public pages
  {
    route: 'GET /sign-up',
    object: '-',
    method: 'GET',
    url: () => '/sign-up',
    expect: {
      anonymous: '200',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
  {
    route: 'GET /sign-in',
    object: '-',
    method: 'GET',
    url: () => '/sign-in',
    expect: {
      anonymous: '200',
      participant: '303 → /account',
      editor: '303 → /account',
      repA: '303 → /account',
      repB: '303 → /account',
      adminNoMfa: '303 → /account',
      admin: '303 → /account',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
  {
    route: 'GET /password-reset',
    object: '-',
    method: 'GET',
    url: () => '/password-reset',
    expect: {
      anonymous: '200',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
  // ---- Own account pages (a browser session only)
  ...[
    '/account',
    '/account/security',
    '/account/mfa',
    '/account/tokens',
    '/account/organisations',
    '/account/data',
    '/account/data.json',
  ].map((path): Row => ({
    route: `GET ${path}`,
    object: 'own',
    method: 'GET',
    url: () => path,
    expect: {
      anonymous: '303 → /sign-in',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '303 → /sign-in',
      participantWriteToken: '303 → /sign-in',
    },
  })),
  {
    route: 'POST /account/tokens (create)',
    object: 'own',
    method: 'POST',
    url: () => '/account/tokens',
    body: { tokenName: 'matrix', scopes: 'read', expiresInDays: '30' },
    expect: {
      anonymous: '401',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '403',
      admin: '200',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /account/tokens/{id}/revoke',
    object: 'own',
    method: 'POST',
    url: async (c, o) => `/account/tokens/${await o.apiToken(c.user)}/revoke`,
    expect: {
      anonymous: '401',
      participant: '303 → /account/tokens',
      editor: '303 → /account/tokens',
      repA: '303 → /account/tokens',
      repB: '303 → /account/tokens',
      adminNoMfa: '303 → /account/tokens',
      admin: '303 → /account/tokens',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /account/tokens/{id}/revoke',
    object: 'other',
    method: 'POST',
    url: async (_c, o) => `/account/tokens/${await o.apiToken(null)}/revoke`,
    expect: {
      anonymous: '401',
      participant: '404',
      editor: '404',
      repA: '404',
      repB: '404',
      adminNoMfa: '404',
      admin: '404',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /account/sessions/end',
    object: 'own',
    method: 'POST',
    url: () => '/account/sessions/end',
    body: { session: 'SESSION' },
    expect: {
      anonymous: '401',
      participant: '303 → /account/security',
      editor: '303 → /account/security',
      repA: '303 → /account/security',
      repB: '303 → /account/security',
      adminNoMfa: '303 → /account/security',
      admin: '303 → /account/security',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /account/sessions/end',
    object: 'other',
    method: 'POST',
    url: () => '/account/sessions/end',
    body: { session: 'OTHER-SESSION' },
    expect: {
      anonymous: '401',
      participant: '404',
      editor: '404',
      repA: '404',
      repB: '404',
      adminNoMfa: '404',
      admin: '404',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /account/organisations/{id}/leave',
    object: 'own',
    method: 'POST',
    url: async (c, o) => `/account/organisations/${await o.membership(c.user)}/leave`,
    expect: {
      anonymous: '401',
      participant: '303 → /account/organisations',
      editor: '303 → /account/organisations',
      repA: '303 → /account/organisations',
      repB: '303 → /account/organisations',
      adminNoMfa: '303 → /account/organisations',
      admin: '303 → /account/organisations',
      adminReadToken: '403',
      participantWriteToken: '303 → /account/organisations',
    },
  },
  {
    route: 'POST /account/organisations/{id}/leave',
    object: 'other',
    method: 'POST',
    url: async (_c, o) => `/account/organisations/${await o.membership(null)}/leave`,
    expect: {
      anonymous: '401',
      participant: '404',
      editor: '404',
      repA: '404',
      repB: '404',
      adminNoMfa: '404',
      admin: '404',
      adminReadToken: '403',
      participantWriteToken: '404',
    },
  },
  {
    route: 'POST /account/delete (wrong password)',
    object: 'own',
    method: 'POST',
    url: () => '/account/delete',
    body: { deletePassword: 'not the password', confirm: 'yes' },
    expect: {
      anonymous: '401',
      participant: '422',
      editor: '422',
      repA: '422',
      repB: '422',
      adminNoMfa: '422',
      admin: '422',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  // ---- Organisation members (representatives of that organisation decide)
  {
    route: 'GET /organisations/{slug}/members',
    object: '-',
    method: 'GET',
    url: (_c, o) => `/organisations/${o.orgA}/members`,
    expect: {
      anonymous: '200',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
  {
    route: 'POST /organisations/{slug}/members/{id}/decide',
    object: 'own',
    method: 'POST',
    url: async (_c, o) => `/organisations/${o.orgA}/members/${await o.request('A')}/decide`,
    body: { decision: 'accept' },
    expect: {
      anonymous: '401',
      participant: '403',
      editor: '403',
      repA: '303 → /organisations/',
      repB: '403',
      adminNoMfa: '403',
      admin: '303 → /organisations/',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /organisations/{slug}/members/{id}/decide',
    object: 'other',
    method: 'POST',
    url: async (_c, o) => `/organisations/${o.orgB}/members/${await o.request('B')}/decide`,
    body: { decision: 'refuse' },
    expect: {
      anonymous: '401',
      participant: '403',
      editor: '403',
      repA: '403',
      repB: '303 → /organisations/',
      adminNoMfa: '403',
      admin: '303 → /organisations/',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /organisations/{slug}/members/join',
    object: '-',
    method: 'POST',
    url: async (c, o) => {
      await o.withdraw(c.user);
      return `/organisations/${o.orgB}/members/join`;
    },
    body: { message: 'hello' },
    expect: {
      anonymous: '401',
      participant: '303 → /organisations/',
      editor: '303 → /organisations/',
      repA: '303 → /organisations/',
      repB: '303 → /organisations/',
      adminNoMfa: '303 → /organisations/',
      admin: '303 → /organisations/',
      adminReadToken: '403',
      participantWriteToken: '303 → /organisations/',
    },
  },
  // ---- Administration
  ...['/admin/users', '/admin/audit', '/admin/outbox'].map((path): Row => ({
    route: `GET ${path}`,
    object: '-',
    method: 'GET',
    url: () => path,
    expect: {
      anonymous: '303 → /sign-in',
      participant: '403',
      editor: '403',
      repA: '403',
      repB: '403',
      adminNoMfa: '303 → /account/mfa',
      admin: '200',
      // A read token reaches what only reads (the audit log, the outbox), not user management.
      adminReadToken: path === '/admin/users' ? '403' : '200',
      participantWriteToken: '403',
    },
  })),
  {
    route: 'GET /admin/users/{id}',
    object: 'other',
    method: 'GET',
    url: (_c, o) => `/admin/users/${o.stranger.id}`,
    expect: {
      anonymous: '303 → /sign-in',
      participant: '403',
      editor: '403',
      repA: '403',
      repB: '403',
      adminNoMfa: '303 → /account/mfa',
      admin: '200',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  {
    route: 'POST /admin/users/{id}/grants',
    object: 'other',
    method: 'POST',
    url: (_c, o) => `/admin/users/${o.stranger.id}/grants`,
    body: { role: 'reviewer', scopeType: 'event', scopeRef: 'event-1' },
    expect: {
      anonymous: '303 → /sign-in',
      participant: '403',
      editor: '403',
      repA: '403',
      repB: '403',
      adminNoMfa: '303 → /account/mfa',
      admin: '303 → /admin/users/',
      adminReadToken: '403',
      participantWriteToken: '403',
    },
  },
  // ---- JSON API
  {
    route: 'GET /api/v1/me',
    object: '-',
    method: 'GET',
    url: () => '/api/v1/me',
    expect: {
      anonymous: '200',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
  {
    route: 'GET /api/v1/audit',
    object: '-',
    method: 'GET',
    url: () => '/api/v1/audit',
    expect: {
      anonymous: '401',
      participant: '403',
      editor: '403',
      repA: '403',
      repB: '403',
      adminNoMfa: '403',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '403',
    },
  },
  {
    route: 'GET /api/v1/history/{type}/{id}',
    object: '-',
    method: 'GET',
    url: (_c, o) => `/api/v1/history/organisation/${o.orgA}`,
    expect: {
      anonymous: '200',
      participant: '200',
      editor: '200',
      repA: '200',
      repB: '200',
      adminNoMfa: '200',
      admin: '200',
      adminReadToken: '200',
      participantWriteToken: '200',
    },
  },
];

describe.each(databaseKinds())('permission matrix on %s', (kind) => {
  let env: TestEnv;
  const callers = new Map<CallerName, Caller>();
  let objects: Objects;
  let counter = 0;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    const a = await insertTestOrganisation(env, `matrix-a-${kind}`);
    const b = await insertTestOrganisation(env, `matrix-b-${kind}`);
    const c = await insertTestOrganisation(env, `matrix-c-${kind}`);
    const orgScope = (id: string) => ({ scopeType: 'organisation' as const, scopeId: id });
    const participant = await createTestUser(env);
    const editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    const repA = await createTestUser(env, [{ role: 'organisation-rep', ...orgScope(a.id) }]);
    const repB = await createTestUser(env, [{ role: 'organisation-rep', ...orgScope(b.id) }]);
    const adminNoMfa = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const stranger = await createTestUser(env);
    const session = (u: TestUser, mfa: boolean) =>
      startSession(env.ctx(), u.id, { mfaPassed: mfa });
    const tokenOf = async (u: TestUser, scope: string) =>
      (
        await createApiToken(env.ctx(await actorFor(env.ctx(), u.id)), {
          tokenName: 't',
          scopes: [scope],
          expiresInDays: 30,
        })
      ).secret;
    callers.set('anonymous', { name: 'anonymous', user: null, session: null, token: null });
    callers.set('participant', {
      name: 'participant',
      user: participant,
      session: await session(participant, true),
      token: null,
    });
    callers.set('editor', {
      name: 'editor',
      user: editor,
      session: await session(editor, true),
      token: null,
    });
    callers.set('repA', {
      name: 'repA',
      user: repA,
      session: await session(repA, true),
      token: null,
    });
    callers.set('repB', {
      name: 'repB',
      user: repB,
      session: await session(repB, true),
      token: null,
    });
    callers.set('adminNoMfa', {
      name: 'adminNoMfa',
      user: adminNoMfa,
      session: await session(adminNoMfa, false),
      token: null,
    });
    callers.set('admin', {
      name: 'admin',
      user: admin,
      session: await session(admin, true),
      token: null,
    });
    callers.set('adminReadToken', {
      name: 'adminReadToken',
      user: admin,
      session: null,
      token: await tokenOf(admin, 'read'),
    });
    callers.set('participantWriteToken', {
      name: 'participantWriteToken',
      user: participant,
      session: null,
      token: await tokenOf(participant, 'write'),
    });

    const pending = async (orgId: string, userId: string) => {
      const id = newId();
      await env.deps.db
        .insertInto('organisation_memberships')
        .values({
          id,
          organisation_id: orgId,
          user_id: userId,
          status: 'pending',
          created_at: new Date(),
        })
        .execute();
      return id;
    };
    const freshUser = async () =>
      (
        await createUser(env.ctx(), {
          email: `applicant${++counter}-${kind}@example.org`,
          displayName: `Applicant ${counter}`,
        })
      ).id;
    objects = {
      orgA: a.slug,
      orgB: b.slug,
      stranger,
      request: async (org) => pending(org === 'A' ? a.id : b.id, await freshUser()),
      apiToken: async (owner) => {
        const who = owner ?? stranger;
        const created = await createApiToken(env.ctx(await actorFor(env.ctx(), who.id)), {
          tokenName: 'x',
          scopes: ['read'],
          expiresInDays: 7,
        });
        return created.id;
      },
      sessionId: async (owner) => hashToken(await startSession(env.ctx(), (owner ?? stranger).id)),
      membership: async (owner) => {
        const who = (owner ?? stranger).id;
        // One open membership per person and organisation: leave any earlier one first.
        await env.deps.db
          .updateTable('organisation_memberships')
          .set({ status: 'left' })
          .where('user_id', '=', who)
          .where('organisation_id', '=', c.id)
          .execute();
        return pending(c.id, who);
      },
      withdraw: async (owner) => {
        if (!owner) return;
        await env.deps.db
          .updateTable('organisation_memberships')
          .set({ status: 'left' })
          .where('user_id', '=', owner.id)
          .where('organisation_id', '=', b.id)
          .execute();
      },
    };
  });
  afterAll(async () => env?.close());

  async function call(row: Row, caller: Caller): Promise<{ status: number; location?: string }> {
    const url = await row.url(caller, objects);
    const body = { ...row.body };
    if (body.session === 'SESSION') body.session = await objects.sessionId(caller.user);
    if (body.session === 'OTHER-SESSION') body.session = await objects.sessionId(null);
    if (caller.token) {
      const response = await env.app.inject({
        method: row.method,
        url,
        headers: {
          authorization: `Bearer ${caller.token}`,
          accept: url.startsWith('/api/') ? 'application/json' : 'text/html',
          ...(row.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        payload: row.method === 'POST' ? new URLSearchParams(body).toString() : undefined,
      });
      return {
        status: response.statusCode,
        location: response.headers.location as string | undefined,
      };
    }
    const agent = new TestAgent(env.app);
    if (caller.session) agent.setCookie(SESSION_COOKIE, caller.session);
    if (row.method === 'GET') {
      const response = url.startsWith('/api/')
        ? await agent.request('GET', url)
        : await agent.get(url);
      return {
        status: response.statusCode,
        location: response.headers.location as string | undefined,
      };
    }
    await agent.get('/sign-up'); // a page with a form, for the CSRF token, as a browser would have
    const response = await agent.postForm(url, body);
    return {
      status: response.statusCode,
      location: response.headers.location as string | undefined,
    };
  }

  for (const row of ROWS) {
    it(`${row.route} [${row.object}]`, async () => {
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const name of CALLERS) {
        const result = await call(row, callers.get(name)!);
        const expected = row.expect[name];
        const [status, target] = expected.split(' → ');
        want[name] = expected;
        got[name] =
          String(result.status) === status &&
          (!target || (result.location ?? '').startsWith(target))
            ? expected
            : `${result.status}${result.location ? ` → ${result.location}` : ''}`;
      }
      expect(got).toEqual(want);
    });
  }
});
