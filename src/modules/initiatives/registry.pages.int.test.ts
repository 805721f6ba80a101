import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemo } from '../../runtime.ts';

describe.each(databaseKinds())('registry pages on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemo(env.deps);
  });
  afterAll(async () => env?.close());

  const pages = [
    '/initiatives',
    '/initiatives?theme=cybercrime&country=GH',
    '/initiatives?q=&theme=cybercrime&country=GH&region=&status=&organisation=&from=&to=',
    '/organisations?q=&stakeholderGroup=&kind=&country=&memberState=GH',
    '/initiatives/glacy-e-ghana-judicial-training',
    '/initiatives/glacy-e-ghana-judicial-training/history',
    '/overlaps',
    '/overlaps?country=GH&decision=any',
    '/coverage',
    '/coverage?by=region&theme=cybercrime',
    '/needs',
    '/organisations',
    '/organisations?stakeholderGroup=igo&memberState=GH',
    '/organisations/african-union',
    '/organisations/council-of-europe',
    '/fr/initiatives',
    '/countries',
    '/countries/gh',
    '/countries/ke',
    '/countries/compare?c=GH&c=KE&c=EE',
    '/needs/demo-training-for-judges-on-electronic-evidence',
  ];
  for (const url of pages) {
    it(`renders ${url}`, async () => {
      const agent = new TestAgent(env.app);
      const res = await agent.get(url);
      expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
      expect(res.body).toContain('<h1');
    });
  }
});
