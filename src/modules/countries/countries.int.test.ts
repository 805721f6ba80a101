import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { getOrganisationBySlug, organisationsModule } from '../organisations/index.ts';
import { countriesModule, updateProfile } from './index.ts';

describe.each(databaseKinds())('country profiles and the organisations directory on %s', (kind) => {
  let env: TestEnv;
  let editor: TestUser;
  let ghanaFocal: TestUser;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    await countriesModule.seedDemo!(env.ctx());
    editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    const csa = await getOrganisationBySlug(env.ctx(), 'ghana-cyber-security-authority');
    ghanaFocal = await createTestUser(env, [
      { role: 'focal-point', scopeType: 'organisation', scopeId: csa.id },
    ]);
  });
  afterAll(async () => env?.close());

  it('answers a profile with dated fields and regional memberships', async () => {
    const res = await env.app.inject('/api/v1/countries/gh');
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.fields.find((f: { field: string }) => f.field === 'cert')).toMatchObject({
      asOf: '2025-11-01',
    });
    expect(p.memberships.map((m: { slug: string }) => m.slug)).toEqual(
      expect.arrayContaining(['african-union', 'ecowas']),
    );
    expect((await env.app.inject('/api/v1/countries/xx')).statusCode).toBe(404);
    expect((await env.app.inject('/api/v1/countries/ghana')).statusCode).toBe(400);
    const list = (await env.app.inject('/api/v1/countries')).json();
    expect(list.items.find((c: { iso2: string }) => c.iso2 === 'EE').fields).toBeGreaterThan(3);
  });

  it('compares two or three countries and refuses other counts', async () => {
    const ok = await env.app.inject({
      url: '/countries/compare?c=GH&c=KE&c=SG',
      headers: { accept: 'text/html' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('National CERT');
    expect(
      (await env.app.inject({ url: '/countries/compare?c=GH', headers: { accept: 'text/html' } }))
        .statusCode,
    ).toBe(422);
    expect(
      (
        await env.app.inject({
          url: '/countries/compare?c=GH&c=QQ',
          headers: { accept: 'text/html' },
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await env.app.inject({
          url: '/countries/compare?c=GH&c=KE&c=SG&c=BR',
          headers: { accept: 'text/html' },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('lets editors and the country’s own focal point update fields, each with its date, audited', async () => {
    await expect(
      updateProfile(env.ctx(ghanaFocal.actor), 'KE', { cert: { value: 'x' } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      updateProfile(env.ctx(ghanaFocal.actor), 'GH', {
        cert: { value: 'x', sourceUrl: 'ftp://x', asOf: '2999-01-01' },
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      errors: [
        { path: '/cert-source', message: expect.any(String) },
        { path: '/cert-asOf', message: 'The date cannot be in the future.' },
      ],
    });
    const p = await updateProfile(env.ctx(ghanaFocal.actor), 'GH', {
      strategy: { value: 'A national strategy text.', sourceUrl: 'https://example.org/s' },
      cert: { value: '' },
    });
    expect(p.entries.find((e) => e.field === 'strategy')).toMatchObject({
      asOf: new Date().toISOString().slice(0, 10),
      isDemo: false,
    });
    expect(p.entries.find((e) => e.field === 'cert')).toBeUndefined();
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'country')
      .where('entity_id', '=', 'GH')
      .where('actor_id', '=', ghanaFocal.id)
      .execute();
    expect(audit).toHaveLength(1);

    const agent = await signedInAgent(env, editor);
    const form = await agent.get('/countries/ke/edit');
    expect(form.statusCode).toBe(200);
    const bad = await agent.postForm('/countries/ke/edit', {
      agency: 'NC4',
      'agency-asOf': 'soon',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="error-agency-asOf"');
    const good = await agent.postForm('/countries/ke/edit', {
      agency: 'NC4',
      'agency-asOf': '2025-01-31',
    });
    expect(good.statusCode).toBe(303);
    expect(
      (await env.app.inject('/api/v1/countries/KE'))
        .json()
        .fields.find((f: { field: string }) => f.field === 'agency'),
    ).toMatchObject({ value: 'NC4', asOf: '2025-01-31' });
    const anonymous = await env.app.inject({
      url: '/countries/ke/edit',
      headers: { accept: 'text/html' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lists and filters the organisations directory', async () => {
    const igos = (
      await env.app.inject('/api/v1/organisations?stakeholderGroup=igo&memberState=GH&pageSize=100')
    ).json();
    expect(igos.items.map((o: { slug: string }) => o.slug)).toEqual(
      expect.arrayContaining(['african-union', 'ecowas', 'commonwealth-secretariat']),
    );
    expect(igos.items.every((o: { memberStates: string[] }) => o.memberStates.includes('GH'))).toBe(
      true,
    );
    const search = (await env.app.inject('/api/v1/organisations?q=asean')).json();
    expect(search.items[0].slug).toBe('asean');
    const au = (await env.app.inject('/api/v1/organisations/african-union')).json();
    expect(au.memberStates.length).toBeGreaterThan(50);
    expect((await env.app.inject(`/api/v1/organisations/${au.id}`)).json().slug).toBe(
      'african-union',
    );
    expect((await env.app.inject('/api/v1/organisations/nobody')).statusCode).toBe(404);
    expect((await env.app.inject('/api/v1/organisations?country=Ghana')).statusCode).toBe(400);
    const page = await env.app.inject({
      url: '/organisations/african-union',
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('Member states');
    expect(page.body).toContain('href="/countries/gh"');
  });
});
