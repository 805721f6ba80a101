import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import { checkRateLimit } from './index.ts';

async function status(work: Promise<unknown>): Promise<number> {
  try {
    await work;
    return 200;
  } catch (error) {
    if (isAppError(error)) return error.status;
    throw error;
  }
}

describe.each(databaseKinds())('rate limits on %s', (kind) => {
  let env: TestEnv;
  let proxied: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock, config: { apiRateLimit: 300 } });
    proxied = await createTestEnv(kind, { clock, config: { trustProxy: true } });
  });
  afterAll(async () => {
    await env?.close();
    await proxied?.close();
  });
  beforeEach(() => clock.advance(10 * 60 * 1000));

  it('allows `limit` attempts, refuses one over with Retry-After, and allows again after the window', async () => {
    const limit = { key: 'test:window', limit: 10, windowSeconds: 60 };
    for (let i = 1; i <= 10; i++) {
      const state = await checkRateLimit(env.ctx(), limit);
      expect(state.remaining).toBe(10 - i);
    }
    clock.advance(20_000);
    const over = await checkRateLimit(env.ctx(), limit).catch((e: unknown) => e);
    expect(isAppError(over) && over.status).toBe(429);
    expect(isAppError(over) && over.headers['retry-after']).toBe('40');
    clock.advance(39_000);
    expect(await status(checkRateLimit(env.ctx(), limit))).toBe(429);
    clock.advance(1_000);
    expect((await checkRateLimit(env.ctx(), limit)).remaining).toBe(9);
  });

  it('counts concurrent attempts atomically: exactly `limit` of them pass', async () => {
    const limit = { key: 'test:concurrent', limit: 10, windowSeconds: 60 };
    const results = await Promise.all(
      Array.from({ length: 25 }, () => status(checkRateLimit(env.ctx(), limit))),
    );
    expect(results.filter((s) => s === 200)).toHaveLength(10);
    expect(results.filter((s) => s === 429)).toHaveLength(15);
  });

  it('limits sign-in to 10 attempts a minute per IP: the 11th gets 429 and Retry-After', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/sign-in');
    for (let i = 0; i < 10; i++) {
      const attempt = await agent.postForm('/sign-in', {
        email: `guess${i}@example.org`,
        password: 'wrong password here',
      });
      expect(attempt.statusCode).toBe(422);
    }
    const over = await agent.postForm('/sign-in', {
      email: 'guess99@example.org',
      password: 'wrong password here',
    });
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(over.body).toContain('Too many attempts');
    clock.advance(60_000);
    const after = await agent.postForm('/sign-in', {
      email: 'guess100@example.org',
      password: 'wrong password here',
    });
    expect(after.statusCode).toBe(422);
  });

  it('limits sign-in per account across IPs, and takes the IP from X-Forwarded-For only behind a trusted proxy', async () => {
    const user = await createTestUser(proxied);
    const agent = new TestAgent(proxied.app);
    await agent.get('/sign-in');
    for (let i = 0; i < 10; i++) {
      const attempt = await agent.request('POST', '/sign-in', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `198.51.100.${i + 1}`,
        },
        payload: new URLSearchParams({
          _csrf: agent.csrf!,
          email: user.email,
          password: 'wrong password here',
        }).toString(),
      });
      expect(attempt.statusCode).toBe(422);
    }
    const right = await agent.request('POST', '/sign-in', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': '198.51.100.200',
      },
      payload: new URLSearchParams({
        _csrf: agent.csrf!,
        email: user.email,
        password: user.password,
      }).toString(),
    });
    expect(right.statusCode).toBe(429);
    // Each address had one attempt: another account from the same address is fine.
    const other = await agent.request('POST', '/sign-in', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': '198.51.100.1',
      },
      payload: new URLSearchParams({
        _csrf: agent.csrf!,
        email: 'other@example.org',
        password: 'wrong password here',
      }).toString(),
    });
    expect(other.statusCode).toBe(422);
    // Without a trusted proxy the header is ignored: every attempt comes from the socket's address.
    const direct = new TestAgent(env.app);
    await direct.get('/sign-in');
    for (let i = 0; i < 10; i++) {
      await direct.request('POST', '/sign-in', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `203.0.113.${i}`,
        },
        payload: new URLSearchParams({
          _csrf: direct.csrf!,
          email: `x${i}@example.org`,
          password: 'wrong password here',
        }).toString(),
      });
    }
    const blocked = await direct.request('POST', '/sign-in', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': '203.0.113.99',
      },
      payload: new URLSearchParams({
        _csrf: direct.csrf!,
        email: 'y@example.org',
        password: 'wrong password here',
      }).toString(),
    });
    expect(blocked.statusCode).toBe(429);
  });

  it('limits sign-up and password reset the same way', async () => {
    const agent = new TestAgent(env.app);
    await agent.get('/password-reset');
    for (let i = 0; i < 10; i++) {
      expect(
        (await agent.postForm('/password-reset', { email: `r${i}@example.org` })).statusCode,
      ).toBe(303);
    }
    expect((await agent.postForm('/password-reset', { email: 'r10@example.org' })).statusCode).toBe(
      429,
    );
    await agent.get('/sign-up');
    for (let i = 0; i < 10; i++) {
      // Invalid sign-ups are refused before they count; these are valid in shape.
      const response = await agent.postForm('/sign-up', {
        displayName: `Person ${i}`,
        email: `s${i}-${kind}@example.org`,
        password: 'a long enough passphrase',
      });
      expect(response.statusCode).toBe(303);
    }
    const over = await agent.postForm('/sign-up', {
      displayName: 'Person 10',
      email: `s10-${kind}@example.org`,
      password: 'a long enough passphrase',
    });
    expect(over.statusCode).toBe(429);
  });

  it('allows 300 API requests per 5 minutes per IP, and counts a token apart from its IP', async () => {
    for (let i = 0; i < 300; i++) {
      const response = await env.app.inject('/api/v1/me');
      if (response.statusCode !== 200) throw new Error(`request ${i + 1}: ${response.statusCode}`);
    }
    const over = await env.app.inject('/api/v1/me');
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(300);
    // Pages are not counted against the API limit.
    expect((await env.app.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode).toBe(
      200,
    );

    // A token has its own budget.
    const user = await createTestUser(env);
    const agent = await signedInAgent(env, user);
    await agent.get('/account/tokens');
    const created = await agent.postForm('/account/tokens', {
      tokenName: 'limits',
      scopes: 'read',
      expiresInDays: '30',
    });
    const secret = /<code class="secret">(cc_pat_[\w-]+)<\/code>/.exec(created.body)![1]!;
    const withToken = await env.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.headers['ratelimit-remaining']).toBe('299');

    clock.advance(5 * 60 * 1000);
    expect((await env.app.inject('/api/v1/me')).statusCode).toBe(200);
  });
});
