import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import {
  createTestUser,
  lastMailTo,
  linkIn,
  signInThroughForm,
  signedInAgent,
} from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { SESSION_COOKIE, resolveSession } from './index.ts';
import { totpCode } from './mfa.ts';
import { openSecret } from './mfa.ts';

describe.each(databaseKinds())('accounts: sign-up, sign-in, reset on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());
  // Each test starts in a fresh rate-limit window.
  beforeEach(() => clock.advance(61_000));

  const auditCount = async (action: string, entityId?: string) => {
    let q = env.deps.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', action);
    if (entityId) q = q.where('entity_id', '=', entityId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  it('signs up, verifies by the emailed link, signs in with a new session id, and signs out', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/sign-up');
    const email = `amina-${kind}@example.org`;
    const signUp = await agent.postForm('/sign-up', {
      displayName: 'Amina Diallo',
      email,
      password: 'a long enough passphrase',
    });
    expect(signUp.statusCode).toBe(303);
    expect(signUp.headers.location).toBe('/sign-up/sent');

    // Not verified yet: sign-in is refused with a clear message.
    const early = await signInThroughForm(env, email, 'a long enough passphrase');
    expect(early.response.statusCode).toBe(422);
    expect(early.response.body).toContain('Confirm your email address first');

    const mail = await lastMailTo(env, email);
    expect(mail?.subject).toMatch(/Confirm your email address/);
    const link = linkIn(mail!.text_body, '/verify-email');
    expect(link).toBeTruthy();
    const confirmPage = await agent.get(link!);
    expect(confirmPage.statusCode).toBe(200);
    const token = new URL(link!, 'http://x').searchParams.get('token')!;
    const verified = await agent.postForm('/verify-email', { token });
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/sign-in?done=verified');
    // The link works once.
    expect((await agent.get(link!)).statusCode).toBe(410);

    // A session planted before sign-in (fixation) is replaced by a new one.
    const planted = await signedInAgent(env, await createTestUser(env));
    const plantedToken = planted.cookie(SESSION_COOKIE)!;
    agent.setCookie(SESSION_COOKIE, plantedToken);
    await agent.get('/sign-in?done=verified');
    const signIn = await agent.postForm('/sign-in', {
      email,
      password: 'a long enough passphrase',
    });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/account');
    const newToken = agent.cookie(SESSION_COOKIE)!;
    expect(newToken).toBeTruthy();
    expect(newToken).not.toBe(plantedToken);
    expect(await resolveSession(env.deps, plantedToken)).toBeNull();
    const cookie = signIn.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');

    const account = await agent.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Amina Diallo');
    expect(account.headers['cache-control']).toBe('no-store');

    const signOut = await agent.postForm('/sign-out', {});
    expect(signOut.statusCode).toBe(303);
    expect(await resolveSession(env.deps, newToken)).toBeNull();
    expect((await agent.get('/account')).statusCode).toBe(303);
  });

  it('does not reveal whether an address is registered: the same answer, a note to the owner', async () => {
    const user = await createTestUser(env);
    const agent = new TestAgent(env.app);
    await agent.get('/sign-up');
    const response = await agent.postForm('/sign-up', {
      displayName: 'Someone Else',
      email: user.email.toUpperCase(),
      password: 'another long passphrase',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-up/sent');
    expect((await lastMailTo(env, user.email))?.subject).toMatch(/tried to sign up/);
    const wrong = await signInThroughForm(env, user.email, 'not the password at all');
    const unknown = await signInThroughForm(env, 'nobody@example.org', 'not the password at all');
    expect(wrong.response.statusCode).toBe(422);
    expect(unknown.response.statusCode).toBe(422);
    const message = 'The email address or password is not right.';
    expect(wrong.response.body).toContain(message);
    expect(unknown.response.body).toContain(message);
  });

  it('refuses a form post without a valid CSRF token, and accepts it with one', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/sign-in');
    const user = await createTestUser(env);
    const missing = await agent.postForm(
      '/sign-in',
      { email: user.email, password: user.password },
      { csrf: null },
    );
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('This form has expired');
    const forged = await agent.postForm(
      '/sign-in',
      { email: user.email, password: user.password },
      { csrf: 'x'.repeat(43) },
    );
    expect(forged.statusCode).toBe(403);
    const ok = await agent.postForm('/sign-in', { email: user.email, password: user.password });
    expect(ok.statusCode).toBe(303);
    // The token from the signed-out page no longer works once signed in: it is bound to the session.
    const signedOutToken = agent.csrf;
    const stale = await agent.postForm('/account/sessions/end-all', {}, { csrf: signedOutToken });
    expect(stale.statusCode).toBe(403);
    await agent.get('/account');
    expect(agent.csrf).not.toBe(signedOutToken);
    expect((await agent.postForm('/account/sessions/end-all', {})).statusCode).toBe(303);
  });

  it('makes password reset links single-use and expiring after an hour', async () => {
    const user = await createTestUser(env);
    const other = await signedInAgent(env, user);
    const agent = new TestAgent(env.app);
    await agent.get('/password-reset');
    const request = await agent.postForm('/password-reset', { email: user.email });
    expect(request.statusCode).toBe(303);
    const link = linkIn((await lastMailTo(env, user.email))!.text_body, '/password-reset/new')!;
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    expect((await agent.get(link)).statusCode).toBe(200);
    const tooShort = await agent.postForm('/password-reset/new', { token, password: 'short' });
    expect(tooShort.statusCode).toBe(422);
    expect(tooShort.body).toContain('Use at least 12 characters.');
    const done = await agent.postForm('/password-reset/new', {
      token,
      password: 'brand new passphrase',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in?done=reset');
    expect(await auditCount('user.password-reset', user.id)).toBe(1);
    // Single use.
    const again = await agent.postForm('/password-reset/new', {
      token,
      password: 'yet another passphrase',
    });
    expect(again.statusCode).toBe(410);
    expect((await agent.get(link)).statusCode).toBe(410);
    // Every session of the account ended.
    expect((await other.get('/account')).statusCode).toBe(303);
    expect(
      (await signInThroughForm(env, user.email, 'brand new passphrase')).response.statusCode,
    ).toBe(303);

    // Expiry: a link older than an hour no longer works.
    await agent.postForm('/password-reset', { email: user.email });
    const late = linkIn((await lastMailTo(env, user.email))!.text_body, '/password-reset/new')!;
    clock.advance(60 * 60 * 1000 + 1000);
    expect((await agent.get(late)).statusCode).toBe(410);
    const lateToken = new URL(late, 'http://x').searchParams.get('token')!;
    await agent.get('/password-reset');
    const expired = await agent.postForm('/password-reset/new', {
      token: lateToken,
      password: 'too late passphrase',
    });
    expect(expired.statusCode).toBe(410);
    expect(await auditCount('user.password-reset', user.id)).toBe(1);
  });

  it('answers a reset request for an unknown address exactly like a known one', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/password-reset');
    const response = await agent.postForm('/password-reset', { email: 'nobody-here@example.org' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/password-reset/sent');
    expect(await lastMailTo(env, 'nobody-here@example.org')).toBeUndefined();
  });

  it('sets up two-step verification with a QR code, then asks for a code at sign-in', async () => {
    const user = await createTestUser(env);
    const { agent } = await signInThroughForm(env, user.email, user.password);
    const setup = await agent.get('/account/mfa');
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toMatch(/<svg[^>]*viewBox/);
    const row = await env.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const secret = openSecret(row.totp_pending_secret!, env.deps.config.sessionSecret)!;
    expect(setup.body).toContain(secret);
    const wrong = await agent.postForm('/account/mfa/enable', { code: '000000' });
    expect(wrong.statusCode).toBe(422);
    const enabled = await agent.postForm('/account/mfa/enable', {
      code: totpCode(secret, clock.now().getTime()),
    });
    expect(enabled.statusCode).toBe(200);
    const codes = [
      ...enabled.body.matchAll(/<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/code>/g),
    ].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    // Stored hashed: the codes themselves are nowhere in the database.
    const stored = await env.deps.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((s) => s.code_hash)).not.toContain(codes[0]);

    // Sign in again: the password alone is not enough.
    clock.advance(61_000);
    const second = await signInThroughForm(env, user.email, user.password);
    expect(second.response.statusCode).toBe(303);
    expect(second.response.headers.location).toBe('/sign-in/code');
    expect(second.agent.cookie(SESSION_COOKIE)).toBeUndefined();
    await second.agent.get('/sign-in/code');
    const bad = await second.agent.postForm('/sign-in/code', { code: '123456' });
    expect(bad.statusCode).toBe(422);
    const good = await second.agent.postForm('/sign-in/code', {
      code: totpCode(secret, clock.now().getTime()),
    });
    expect(good.statusCode).toBe(303);
    const token = second.agent.cookie(SESSION_COOKIE)!;
    expect((await resolveSession(env.deps, token))?.mfa).toBe(true);

    // A code is never accepted twice (replay), but a recovery code works once.
    clock.advance(61_000);
    const third = await signInThroughForm(env, user.email, user.password);
    await third.agent.get('/sign-in/code');
    const replay = await third.agent.postForm('/sign-in/code', {
      code: totpCode(secret, clock.now().getTime() - 61_000),
    });
    expect(replay.statusCode).toBe(422);
    const recovery = await third.agent.postForm('/sign-in/code', { code: codes[0]!.toUpperCase() });
    expect(recovery.statusCode).toBe(303);
    expect(recovery.headers.location).toBe('/account/mfa?done=recoveryUsed');
    clock.advance(61_000);
    const fourth = await signInThroughForm(env, user.email, user.password);
    await fourth.agent.get('/sign-in/code');
    expect((await fourth.agent.postForm('/sign-in/code', { code: codes[0]! })).statusCode).toBe(
      422,
    );
  });

  it('requires two-step verification of site admins before their role counts', async () => {
    const admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    const { agent, response } = await signInThroughForm(env, admin.email, admin.password);
    expect(response.headers.location).toBe('/account/mfa?done=mfaRequired');
    const me = await agent.request('GET', '/api/v1/me');
    expect(me.json().siteRolesInForce).toEqual(['participant']);
    // Admin pages send them to set it up; services refuse with the reason.
    const users = await agent.get('/admin/users');
    expect(users.statusCode).toBe(303);
    expect(users.headers.location).toBe('/account/mfa?done=mfaRequired');
    const setup = await agent.get('/account/mfa');
    expect(setup.body).toContain('Your role requires two-step verification');
    const row = await env.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    const secret = openSecret(row.totp_pending_secret!, env.deps.config.sessionSecret)!;
    const enabled = await agent.postForm('/account/mfa/enable', {
      code: totpCode(secret, clock.now().getTime()),
    });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.body).not.toContain('Turn off two-step verification');
    expect((await agent.request('GET', '/api/v1/me')).json().siteRolesInForce).toEqual([
      'participant',
      'site-admin',
    ]);
    expect((await agent.get('/admin/users')).statusCode).toBe(200);
  });

  it('changes the email address only through the link sent to the new one', async () => {
    const user = await createTestUser(env);
    const agent = await signedInAgent(env, user);
    await agent.get('/account');
    const wrongPassword = await agent.postForm('/account/email', {
      newEmail: `new-${user.email}`,
      emailPassword: 'not my password',
    });
    expect(wrongPassword.statusCode).toBe(422);
    expect(wrongPassword.body).toContain('Your current password is not right.');
    const response = await agent.postForm('/account/email', {
      newEmail: `new-${user.email}`,
      emailPassword: user.password,
    });
    expect(response.statusCode).toBe(303);
    expect((await lastMailTo(env, user.email))?.subject).toMatch(
      /change of email address was requested/,
    );
    const link = linkIn(
      (await lastMailTo(env, `new-${user.email}`))!.text_body,
      '/account/email/confirm',
    )!;
    const before = await env.deps.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(before.email).toBe(user.email);
    await agent.get(link);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const confirmed = await agent.postForm('/account/email/confirm', { token });
    expect(confirmed.statusCode).toBe(303);
    const after = await env.deps.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after.email).toBe(`new-${user.email}`);
    expect(await auditCount('user.email-change', user.id)).toBe(1);
  });

  it('changes the password with the current one and signs out other sessions', async () => {
    const user = await createTestUser(env);
    const here = await signedInAgent(env, user);
    const elsewhere = await signedInAgent(env, user);
    await here.get('/account');
    const wrong = await here.postForm('/account/password', {
      currentPassword: 'nope',
      newPassword: 'a new passphrase here',
    });
    expect(wrong.statusCode).toBe(422);
    const ok = await here.postForm('/account/password', {
      currentPassword: user.password,
      newPassword: 'a new passphrase here',
    });
    expect(ok.statusCode).toBe(303);
    expect((await here.get('/account')).statusCode).toBe(200);
    expect((await elsewhere.get('/account')).statusCode).toBe(303);
    expect((await lastMailTo(env, user.email))?.subject).toMatch(/password .* was changed/);
  });

  it('lists sessions and signs out everywhere', async () => {
    const user = await createTestUser(env);
    const a = await signedInAgent(env, user);
    const b = await signedInAgent(env, user);
    const page = await a.get('/account/security');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('this browser');
    const out = await a.postForm('/account/sessions/end-all', {});
    expect(out.statusCode).toBe(303);
    expect((await a.get('/account')).statusCode).toBe(303);
    expect((await b.get('/account')).statusCode).toBe(303);
  });
});
