/**
 * Saving one's expert profile is rate limited per member through the accounts module's
 * `checkRateLimit`; the form is shown again with the message, what was typed kept, and 429 with
 * Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { getMyProfile, PROFILE_FIELDS, saveMyProfile } from './index.ts';
import { PROFILE_SAVE_LIMIT } from './experts.ts';

const PROFILE = {
  listed: true,
  name: 'Rapid Saver',
  about: '',
  themes: [] as string[],
  cmmDimensions: [] as string[],
  languages: [] as string[],
  regions: [] as string[],
  countries: [] as string[],
  stakeholderGroup: null,
  organisation: null,
  availableFor: [] as string[],
  availabilityNote: '',
  links: [] as unknown[],
  visibility: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 'members'])),
};

describe.each(databaseKinds())('expert profile rate limit on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-20T12:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());

  it('refuses saves over the limit with the form shown again, 429 and Retry-After', async () => {
    const expert = await createTestUser(env, [], 'Rapid Saver');
    for (let i = 0; i < PROFILE_SAVE_LIMIT.limit; i++)
      await saveMyProfile(env.ctx(expert.actor), { ...PROFILE, about: `Version ${i}` });

    const agent = await signedInAgent(env, expert);
    const form = await agent.get('/account/expert-profile');
    expect(form.statusCode).toBe(200);
    const page = await agent.postForm('/account/expert-profile', {
      listed: 'yes',
      name: 'Rapid Saver',
      about: 'The version typed once too often',
      stakeholderGroup: 'academia',
      ...Object.fromEntries(PROFILE_FIELDS.map((f) => [`visibility_${f}`, 'members'])),
    });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    const retryAfter = Number(page.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(PROFILE_SAVE_LIMIT.windowSeconds);
    expect(page.body).toContain('Too many attempts. Please wait');
    expect(page.body).toContain('The version typed once too often');
    // Nothing was saved by the refused attempt.
    expect((await getMyProfile(env.ctx(expert.actor)))?.about).toBe(
      `Version ${PROFILE_SAVE_LIMIT.limit - 1}`,
    );

    // The same page in French says so in French.
    const french = await agent.postForm('/fr/account/expert-profile', {
      listed: 'yes',
      name: 'Rapid Saver',
      ...Object.fromEntries(PROFILE_FIELDS.map((f) => [`visibility_${f}`, 'members'])),
    });
    expect(french.statusCode).toBe(429);
    expect(french.body).toContain('Trop de tentatives.');

    clock.advance(PROFILE_SAVE_LIMIT.windowSeconds * 1000);
    // Sessions follow the test clock too: sign in afresh after the wait.
    const again = await signedInAgent(env, expert);
    await again.get('/account/expert-profile');
    const later = await again.postForm('/account/expert-profile', {
      listed: 'yes',
      name: 'Rapid Saver',
      about: 'After the wait',
      ...Object.fromEntries(PROFILE_FIELDS.map((f) => [`visibility_${f}`, 'members'])),
    });
    expect(later.statusCode).toBe(303);
  });
});
