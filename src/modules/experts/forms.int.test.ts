/**
 * Bad input on the profile form is refused with a clear message beside the field, whatever the
 * bad value (generated with fast-check); nothing is saved and nothing reaches a 500.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { PROFILE_FIELDS } from './index.ts';

const VALID: Record<string, string | string[]> = {
  listed: 'yes',
  name: 'Valid Name',
  about: 'About me',
  themes: ['cybercrime'],
  cmmDimensions: ['legal-regulatory'],
  languages: 'French, en',
  regions: ['western-africa'],
  countries: 'Ghana',
  stakeholderGroup: 'academia',
  organisation: 'Some Institute',
  availableFor: ['missions'],
  availabilityNote: 'Spring',
  linkKind: ['resource'],
  linkLabel: ['A course'],
  linkHref: ['/resources/a-course'],
  ...Object.fromEntries(PROFILE_FIELDS.map((f) => [`visibility_${f}`, 'members'])),
};

const text = (min: number, max: number) =>
  fc.string({ minLength: min, maxLength: max, unit: 'grapheme' });

/** For each field, values that must be refused, and the field the message must be tied to. */
const BAD: Array<{ field: string; errorKey: string; values: fc.Arbitrary<string | string[]> }> = [
  {
    field: 'name',
    errorKey: 'name',
    values: fc.oneof(fc.constantFrom('', '   ', '\t'), text(121, 200)),
  },
  { field: 'about', errorKey: 'about', values: text(2001, 2100) },
  {
    field: 'themes',
    errorKey: 'themes',
    values: fc.array(
      fc
        .stringMatching(/^[a-z]{3,12}$/)
        .filter((s) => s !== 'cbms' && s !== 'norms' && s !== 'cybercrime' && s !== 'standards'),
      { minLength: 1, maxLength: 3 },
    ),
  },
  {
    field: 'cmmDimensions',
    errorKey: 'cmmDimensions',
    values: fc.constantFrom(['x'], ['policy'], ['LEGAL']),
  },
  {
    field: 'languages',
    errorKey: 'languages',
    values: fc.stringMatching(/^[A-Z][a-z]{6,12}ish$/),
  },
  {
    field: 'regions',
    errorKey: 'regions',
    values: fc.constantFrom(['atlantis'], ['middle-earth'], ['EU']),
  },
  { field: 'countries', errorKey: 'countries', values: fc.stringMatching(/^Zz[a-z]{4,10}land$/) },
  {
    field: 'stakeholderGroup',
    errorKey: 'stakeholderGroup',
    values: fc.constantFrom('aliens', 'GOVERNMENT', 'x'),
  },
  {
    field: 'organisation',
    errorKey: 'organisation',
    values: text(201, 260).filter((s) => s.trim().length > 200),
  },
  {
    field: 'availableFor',
    errorKey: 'availableFor',
    values: fc.constantFrom(['holidays'], ['missions', 'naps']),
  },
  { field: 'availabilityNote', errorKey: 'availabilityNote', values: text(301, 360) },
  {
    field: 'linkHref',
    errorKey: 'links',
    values: fc
      .oneof(
        fc.constantFrom(
          'javascript:alert(1)',
          'data:text/html,x',
          '//evil.example',
          'ftp://x.org/a',
          ' vbscript:x',
        ),
        fc.webUrl().map((u) => u.replace(/^https?/, 'gopher')),
      )
      .map((v) => [v]),
  },
  ...PROFILE_FIELDS.map((f) => ({
    field: `visibility_${f}`,
    errorKey: `visibility_${f}`,
    values: fc.constantFrom('friends', 'everyone', '', 'PUBLIC') as fc.Arbitrary<string | string[]>,
  })),
];

describe.each(databaseKinds())('expert profile form on %s', (kind) => {
  let env: TestEnv;
  let user: TestUser;
  let agent: TestAgent;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    user = await createTestUser(env, [], 'Form Filler');
    agent = await signedInAgent(env, user);
    await agent.get('/account/expert-profile');
  });
  afterAll(async () => env?.close());

  it('accepts the valid form (so that each refusal below is due to its one bad field)', async () => {
    const response = await agent.postForm('/account/expert-profile', VALID);
    expect(response.statusCode).toBe(303);
  });

  it('refuses each bad field with a message tied to it, and saves nothing', async () => {
    const before = await env.deps.db
      .selectFrom('expert_profiles')
      .select(['updated_at'])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    for (const bad of BAD) {
      await fc.assert(
        fc.asyncProperty(bad.values, async (value) => {
          await agent.get('/account/expert-profile');
          const response = await agent.postForm('/account/expert-profile', {
            ...VALID,
            [bad.field]: value,
          });
          expect(response.statusCode, `${bad.field}=${JSON.stringify(value)}`).toBe(422);
          expect(response.body).toContain('class="error-summary"');
          expect(response.body, `${bad.field}: message linked to the field`).toContain(
            `href="#field-${bad.errorKey}"`,
          );
          // Messages are written for people, not raw validator output.
          expect(response.body).not.toMatch(/must (NOT )?(have|match|be equal)/);
        }),
        { numRuns: 4, endOnFailure: true },
      );
    }
    const after = await env.deps.db
      .selectFrom('expert_profiles')
      .select(['updated_at'])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it('never answers 500, whatever arrives in any field', async () => {
    const names = [...Object.keys(VALID), 'unexpected'];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
          ),
        ),
        async (fields) => {
          const response = await agent.postForm('/account/expert-profile', { ...VALID, ...fields });
          expect([303, 422]).toContain(response.statusCode);
        },
      ),
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('refuses anonymous posts and forged forms', async () => {
    const { TestAgent } = await import('../../../test/helpers/app.ts');
    const anonymous = new TestAgent(env.app);
    expect((await anonymous.get('/account/expert-profile')).statusCode).toBe(401);
    // No page gives an anonymous visitor this form's token: the post is refused either way.
    expect([401, 403]).toContain(
      (await anonymous.postForm('/account/expert-profile', VALID)).statusCode,
    );
    expect(
      (await agent.postForm('/account/expert-profile', VALID, { csrf: 'forged' })).statusCode,
    ).toBe(403);
  });
});
