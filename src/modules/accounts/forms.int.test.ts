/**
 * Bad input on every accounts form — too long, wrong type, script tags, unicode edge cases,
 * unknown fields — generated with fast-check: always a clear 4xx (or an ordinary success when the
 * input happens to be valid), never a 500, and nothing half written.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import {
  createTestUser,
  insertTestOrganisation,
  type TestUser,
} from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { SESSION_COOKIE, startSession } from './index.ts';

const SCRIPT = '<script>alert(1)</script>';
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.string({ minLength: 300, maxLength: 1200 }),
  fc.constantFrom(
    SCRIPT,
    `${SCRIPT}@example.org`,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE users; --",
    'a\u0000b',
    '\u202eevil\u202c',
    '\ufeffbom',
    '😀'.repeat(300),
    'e\u0301'.repeat(200),
    'ＡＢＣ@ｅｘａｍｐｌｅ．ｏｒｇ',
    '𝕒@𝕓.𝕔𝕠𝕞',
    'x'.repeat(20_000),
    '',
    '   ',
    '../../etc/passwd',
    '%00',
    'null',
    '[]',
  ),
);
/** A field as a form sends it: usually one value, sometimes repeated (an array), sometimes absent. */
const formValue = fc.oneof(
  { weight: 6, arbitrary: nasty },
  { weight: 1, arbitrary: fc.array(nasty, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const extraField = fc.option(
  fc.constantFrom('isAdmin', '__proto__', 'constructor', 'role', 'status'),
  { nil: undefined },
);

interface Form {
  url: string | ((ids: Ids) => string);
  fields: string[];
  who: 'anonymous' | 'user' | 'admin';
}
interface Ids {
  orgSlug: string;
  userId: string;
  membershipId: string;
}

const FORMS: Form[] = [
  { url: '/sign-up', fields: ['displayName', 'email', 'password'], who: 'anonymous' },
  { url: '/sign-in', fields: ['email', 'password', 'next'], who: 'anonymous' },
  { url: '/sign-in/code', fields: ['code'], who: 'anonymous' },
  { url: '/verify-email', fields: ['token'], who: 'anonymous' },
  { url: '/verify-email/resend', fields: ['email'], who: 'anonymous' },
  { url: '/password-reset', fields: ['email'], who: 'anonymous' },
  { url: '/password-reset/new', fields: ['token', 'password'], who: 'anonymous' },
  { url: '/account/email/confirm', fields: ['token'], who: 'anonymous' },
  { url: '/account/profile', fields: ['displayName', 'locale'], who: 'user' },
  { url: '/account/email', fields: ['newEmail', 'emailPassword'], who: 'user' },
  { url: '/account/password', fields: ['currentPassword', 'newPassword'], who: 'user' },
  { url: '/account/mfa/enable', fields: ['code'], who: 'user' },
  { url: '/account/mfa/disable', fields: ['disablePassword', 'disableCode'], who: 'user' },
  { url: '/account/mfa/recovery-codes', fields: ['codesPassword'], who: 'user' },
  { url: '/account/sessions/end', fields: ['session'], who: 'user' },
  { url: '/account/tokens', fields: ['tokenName', 'scopes', 'expiresInDays'], who: 'user' },
  { url: '/account/organisations', fields: ['organisation', 'message'], who: 'user' },
  { url: '/account/delete', fields: ['deletePassword', 'confirm'], who: 'user' },
  { url: (ids) => `/organisations/${ids.orgSlug}/members/join`, fields: ['message'], who: 'user' },
  {
    url: (ids) => `/organisations/${ids.orgSlug}/members/${ids.membershipId}/decide`,
    fields: ['decision'],
    who: 'admin',
  },
  {
    url: (ids) => `/admin/users/${ids.userId}/grants`,
    fields: ['role', 'scopeType', 'scopeRef'],
    who: 'admin',
  },
];

const TABLES = [
  'users',
  'audit_log',
  'api_tokens',
  'organisation_memberships',
  'role_grants',
  'account_tokens',
  'recovery_codes',
  'sessions',
  'mail_outbox',
] as const;

describe.each(databaseKinds())('accounts forms under bad input on %s', (kind) => {
  let env: TestEnv;
  let user: TestUser;
  let admin: TestUser;
  let ids: Ids;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    user = await createTestUser(env);
    admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const org = await insertTestOrganisation(env, `forms-${kind}`);
    const applicant = await createTestUser(env);
    const membership = await env.deps.db
      .insertInto('organisation_memberships')
      .values({
        id: crypto.randomUUID(),
        organisation_id: org.id,
        user_id: applicant.id,
        status: 'pending',
        created_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids = { orgSlug: org.slug, userId: user.id, membershipId: membership.id };
  });
  afterAll(async () => env?.close());
  beforeEach(() => clock.advance(61_000));

  /** Row counts of every table a form could write to, in one query. */
  async function counts(): Promise<Record<string, number>> {
    const result = await sql<Record<string, string>>`SELECT ${sql.join(
      TABLES.map((t) => sql`(SELECT count(*) FROM ${sql.table(t)}) AS ${sql.ref(t)}`),
    )}`.execute(env.deps.db);
    return Object.fromEntries(Object.entries(result.rows[0]!).map(([k, v]) => [k, Number(v)]));
  }

  async function agentFor(who: Form['who']): Promise<TestAgent> {
    const agent = new TestAgent(env.app);
    if (who !== 'anonymous') {
      const token = await startSession(env.ctx(), (who === 'admin' ? admin : user).id, {
        mfaPassed: true,
      });
      agent.setCookie(SESSION_COOKIE, token);
    }
    await agent.get('/sign-up');
    return agent;
  }

  for (const form of FORMS) {
    const name =
      typeof form.url === 'string'
        ? form.url
        : form.url({ orgSlug: '{slug}', userId: '{id}', membershipId: '{id}' });
    it(`POST ${name}: 4xx for bad input, never 5xx, nothing half written`, async () => {
      const values = fc.record(
        Object.fromEntries(form.fields.map((f) => [f, formValue])) as Record<
          string,
          typeof formValue
        >,
      );
      // One browser per form; every attempt fails or leaves it signed in as it was.
      const agent = await agentFor(form.who);
      await fc.assert(
        fc.asyncProperty(values, extraField, fc.boolean(), async (fields, extra, asJson) => {
          clock.advance(61_000);
          const url = typeof form.url === 'string' ? form.url : form.url(ids);
          const before = await counts();
          // A null-prototype object, so that "__proto__" is a field like any other.
          const body: Record<string, unknown> = Object.assign(Object.create(null), fields);
          if (extra) Object.defineProperty(body, extra, { value: 'yes', enumerable: true });
          let response;
          if (asJson) {
            response = await agent.request('POST', url, {
              json: body,
              headers: { accept: 'text/html' },
            });
          } else {
            const form = new URLSearchParams();
            form.append('_csrf', agent.csrf ?? '');
            for (const [k, v] of Object.entries(body)) {
              if (v === undefined) continue;
              for (const item of Array.isArray(v) ? v : [v]) form.append(k, String(item));
            }
            response = await agent.request('POST', url, {
              headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
              payload: form.toString(),
            });
          }
          expect(response.statusCode, response.body.slice(0, 500)).toBeLessThan(500);
          expect(response.body).not.toContain(SCRIPT);
          if (response.statusCode >= 400) {
            expect(await counts()).toEqual(before);
            expect(response.headers['content-type']).toMatch(/text\/html/);
          }
          if (extra) expect(response.statusCode).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: 20 },
      );
    });
  }

  it('answers clearly wrong values with 422 and the message beside the field', async () => {
    const agent = await agentFor('anonymous');
    const bad = await agent.postForm('/sign-up', {
      displayName: SCRIPT,
      email: 'not-an-email',
      password: 'short',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="error-displayName"');
    expect(bad.body).toContain('id="error-email"');
    expect(bad.body).toContain('id="error-password"');
    // Shown back escaped, never as markup.
    expect(bad.body).toContain('&lt;script>');
    expect(bad.body).not.toContain(SCRIPT);
    const long = await agent.postForm('/sign-up', {
      displayName: 'x'.repeat(121),
      email: 'a@b.org',
      password: 'x'.repeat(257),
    });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('Use at most 120 characters.');
    const wrongType = await agent.request('POST', '/sign-up', {
      json: { displayName: { a: 1 }, email: ['a@b.org', 'c@d.org'], password: null },
      headers: { accept: 'text/html' },
    });
    expect(wrongType.statusCode).toBe(422);
  });

  it('answers bad filters and ids on admin pages with 4xx, never 5xx', async () => {
    const agent = await agentFor('admin');
    await fc.assert(
      fc.asyncProperty(nasty, nasty, async (a, b) => {
        for (const url of [
          `/admin/audit?from=${encodeURIComponent(a)}&actor=${encodeURIComponent(b)}`,
          `/admin/audit?entityId=${encodeURIComponent(a)}&action=${encodeURIComponent(b)}&page=${encodeURIComponent(a)}`,
          `/admin/users?q=${encodeURIComponent(a)}&role=${encodeURIComponent(b)}`,
          `/admin/outbox?to=${encodeURIComponent(a)}&status=${encodeURIComponent(b)}`,
          `/admin/users/${encodeURIComponent(a || 'x')}`,
          `/admin/outbox/${encodeURIComponent(a || 'x')}`,
          `/organisations/${encodeURIComponent(a || 'x')}/members`,
          `/api/v1/history/${encodeURIComponent(a || 'x')}/${encodeURIComponent(b || 'y')}`,
        ]) {
          const response = await agent.get(url);
          expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
          expect(response.body).not.toContain(SCRIPT);
        }
      }),
      { numRuns: 25 },
    );
  });
});
