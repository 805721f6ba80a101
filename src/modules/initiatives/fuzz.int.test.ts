import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import type { TestAgent } from '../../../test/helpers/app.ts';
import { organisationsModule } from '../organisations/index.ts';

const field = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'GH',
    'first',
    'cybercrime',
    '2024-02-30',
    '',
    'XX',
    '-1',
    '1e309',
    'javascript:x',
    '<script>',
  ),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('GH', 'first', 'cybercrime')), {
    maxLength: 4,
  }),
);

describe.each(databaseKinds())('registry API under generated bad input on %s', (kind) => {
  let env: TestEnv;
  let agent: TestAgent;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    agent = await signedInAgent(
      env,
      await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]),
    );
    await agent.get('/initiatives/new');
  });
  afterAll(async () => env?.close());

  it('never answers 500 to generated bodies and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'title',
            'description',
            'implementers',
            'countries',
            'regions',
            'themes',
            'startsOn',
            'endsOn',
            'budget',
            'currency',
            'links',
            'status',
            'translations',
            'extra',
          ),
          field,
        ),
        async (body) => {
          const res = await agent.request('POST', '/api/v1/initiatives', { json: body });
          expect([201, 400, 409, 422]).toContain(res.statusCode);
          const needs = await agent.request('POST', '/api/v1/needs', { json: body });
          expect([201, 400, 422]).toContain(needs.statusCode);
        },
      ),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'q',
            'theme',
            'country',
            'region',
            'organisation',
            'status',
            'from',
            'to',
            'page',
            'pageSize',
            'minScore',
            'by',
          ),
          fc.string({ maxLength: 12 }),
        ),
        async (query) => {
          const qs = new URLSearchParams(query).toString();
          for (const path of [
            '/api/v1/initiatives',
            '/api/v1/overlaps',
            '/api/v1/coverage',
            '/api/v1/needs',
            '/api/v1/organisations',
          ]) {
            const res = await env.app.inject(`${path}?${qs}`);
            expect([200, 400], `${path}?${qs}`).toContain(res.statusCode);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
