/**
 * Starting discussions, replying and reporting posts are rate limited per member through the
 * accounts module's `checkRateLimit`: the API answers 429 problem JSON with Retry-After, the form
 * pages are shown again with the message and what was typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { createThread, flagPost, RATE_LIMITS, reply, setSlowMode } from './index.ts';

const thread = (title: string) => ({
  title,
  body: `Opening of ${title}`,
  language: 'en',
  themes: ['cybercrime'],
  region: 'western-africa',
});

describe.each(databaseKinds())('discussion rate limits on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-20T12:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());

  it('limits new discussions per member: the API answers 429 problem JSON with Retry-After', async () => {
    const starter = await createTestUser(env, [], 'Thread Starter');
    for (let i = 0; i < RATE_LIMITS.threads.limit; i++)
      await createThread(env.ctx(starter.actor), thread(`Topic ${i}`));
    const agent = await signedInAgent(env, starter);
    await agent.get('/discussions/new');
    const api = await agent.request('POST', '/api/v1/discussions', {
      json: thread('One topic too many'),
    });
    expect(api.statusCode).toBe(429);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 429, type: 'about:blank#rate_limited' });
    const retryAfter = Number(api.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.threads.windowSeconds);

    const page = await agent.postForm('/discussions/new', {
      ...thread('Typed title kept'),
      themes: 'cybercrime',
    });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Too many attempts');
    expect(page.body).toContain('Typed title kept');
  });

  it('limits replies per member through the API and the reply form', async () => {
    const busy = await createTestUser(env, [], 'Busy Replier');
    // The opening post counts as the first post.
    const { id } = await createThread(env.ctx(busy.actor), thread('Busy thread'));
    for (let i = 1; i < RATE_LIMITS.posts.limit; i++)
      await reply(env.ctx(busy.actor), id, { body: `post ${i}` });
    const agent = await signedInAgent(env, busy);
    await agent.get(`/discussions/${id}`);
    const api = await agent.request('POST', `/api/v1/discussions/${id}/replies`, {
      json: { body: 'one too many' },
    });
    expect(api.statusCode).toBe(429);
    expect(api.json()).toMatchObject({ status: 429, type: 'about:blank#rate_limited' });
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);

    const page = await agent.postForm(`/discussions/${id}/replies`, {
      body: 'A reply typed and kept',
    });
    expect(page.statusCode).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(page.body).toContain('Too many attempts');
    expect(page.body).toContain('A reply typed and kept');
  });

  it('limits reports of posts per member on the report form', async () => {
    const author = await createTestUser(env, [], 'Reported Author');
    const reporter = await createTestUser(env, [], 'Keen Reporter');
    const { id } = await createThread(env.ctx(author.actor), thread('Reported thread'));
    const post = await reply(env.ctx(author.actor), id, { body: 'questionable' });
    // Reporting an open report again changes nothing, but still counts as an attempt.
    for (let i = 0; i < RATE_LIMITS.flags.limit; i++)
      await flagPost(env.ctx(reporter.actor), id, post.id, { reason: 'spam', note: '' });
    const agent = await signedInAgent(env, reporter);
    await agent.get(`/discussions/${id}/posts/${post.id}/flag`);
    const page = await agent.postForm(`/discussions/${id}/posts/${post.id}/flag`, {
      reason: 'other',
      note: 'A note typed and kept',
    });
    expect(page.statusCode).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(page.body).toContain('Too many attempts');
    expect(page.body).toContain('A note typed and kept');
  });

  it("says slow mode in the reader's language on the reply form, keeping the reply", async () => {
    const moderator = await createTestUser(
      env,
      [{ role: 'moderator', scopeType: 'site' }],
      'Slow Moderator',
    );
    const member = await createTestUser(env, [], 'Eager Member');
    const { id } = await createThread(env.ctx(moderator.actor), thread('Slowed thread'));
    await setSlowMode(env.ctx(moderator.actor), id, { seconds: 60, reason: 'Heated exchange' });
    await reply(env.ctx(member.actor), id, { body: 'first reply' });
    const agent = await signedInAgent(env, member);
    await agent.get(`/fr/discussions/${id}`);
    const page = await agent.postForm(`/fr/discussions/${id}/replies`, {
      body: 'Une réponse gardée',
    });
    expect(page.statusCode).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(page.body).toContain('Cette discussion est en mode lent');
    expect(page.body).not.toContain('This discussion is in slow mode');
    expect(page.body).toContain('Une réponse gardée');
  });
});
