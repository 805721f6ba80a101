import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { organisationsModule } from '../organisations/index.ts';
import { importInitiatives } from './initiatives.service.ts';
import {
  getNeed,
  makeOffer,
  moveOffer,
  offersFor,
  postNeed,
  setNeedStatus,
  suggestionsFor,
} from './needs.service.ts';
import { coverage } from './coverage.service.ts';

describe.each(databaseKinds())('needs and offers on %s', (kind) => {
  let env: TestEnv;
  let focal: TestUser;
  let provider: TestUser;
  let participant: TestUser;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    await importInitiatives(env.ctx(), [
      {
        title: 'Electronic evidence course for West African judges',
        description: 'Judges and prosecutors learn the admissibility of electronic evidence.',
        implementers: 'council-of-europe',
        countries: 'SN; GH',
        themes: 'cybercrime',
        startsOn: '2020-01-01',
        endsOn: '2040-12-31',
        status: 'implementation',
      },
    ]);
    focal = await createTestUser(env, [{ role: 'focal-point', scopeType: 'site' }]);
    provider = await createTestUser(env, [{ role: 'organisation-rep', scopeType: 'site' }]);
    participant = await createTestUser(env);
  });
  afterAll(async () => env?.close());

  it('lets a focal point post a need, suggests matches with reasons, and follows offers to delivery', async () => {
    await expect(
      postNeed(env.ctx(participant.actor), { title: 'x', country: 'SN', themes: ['cybercrime'] }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(postNeed(env.ctx(focal.actor), { title: '', themes: [] })).rejects.toMatchObject({
      code: 'validation',
    });
    const need = await postNeed(env.ctx(focal.actor), {
      title: 'Training for judges on electronic evidence',
      description: 'Judges need a course on electronic evidence, in French.',
      country: 'SN',
      themes: ['cybercrime'],
      languages: ['fr'],
    });
    expect(need.status).toBe('open');

    const s = await suggestionsFor(env.ctx(), need);
    expect(s.initiatives[0]).toMatchObject({
      place: { kind: 'country', country: 'SN' },
      sharedThemes: ['cybercrime'],
    });
    expect(s.initiatives[0]!.textSimilarity).toBeGreaterThan(0);
    expect(s.providers.map((p) => p.organisation.slug)).toContain('council-of-europe');

    // Before any offer, the need is a gap on the coverage page only if nothing runs there: here it does.
    expect((await coverage(env.ctx(), { theme: 'cybercrime' })).gaps.needs).toEqual([]);

    await expect(
      makeOffer(env.ctx(participant.actor), need.id, { message: 'We can help' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      makeOffer(env.ctx(provider.actor), need.id, { message: '' }),
    ).rejects.toMatchObject({ code: 'validation' });
    const offer = await makeOffer(env.ctx(provider.actor), need.slug, {
      message: 'A three-day course in Dakar.',
      organisation: 'council-of-europe',
    });
    expect(offer.status).toBe('proposed');
    await expect(moveOffer(env.ctx(provider.actor), offer.id, 'accepted')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(moveOffer(env.ctx(focal.actor), offer.id, 'delivered')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await moveOffer(env.ctx(focal.actor), offer.id, 'accepted', 'Thank you');
    expect((await getNeed(env.ctx(), need.id)).status).toBe('in-progress');
    await expect(moveOffer(env.ctx(focal.actor), offer.id, 'accepted')).rejects.toMatchObject({
      code: 'conflict',
    });
    await moveOffer(env.ctx(provider.actor), offer.id, 'delivered');
    expect((await getNeed(env.ctx(), need.id)).status).toBe('met');
    expect((await offersFor(env.ctx(), need))[0]).toMatchObject({
      status: 'delivered',
      responseNote: 'Thank you',
    });
    await expect(
      makeOffer(env.ctx(provider.actor), need.id, { message: 'More?' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(setNeedStatus(env.ctx(provider.actor), need.id, 'closed')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await setNeedStatus(env.ctx(focal.actor), need.id, 'closed');
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', 'in', ['need', 'need-offer'])
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'need.post',
        'offer.make',
        'offer.accepted',
        'offer.delivered',
        'need.status',
      ]),
    );
  });

  it('marks a need with nothing under way as a gap', async () => {
    const need = await postNeed(env.ctx(focal.actor), {
      title: 'Sector CSIRT for electricity',
      country: 'MW',
      themes: ['incident-management'],
    });
    const c = await coverage(env.ctx(), {});
    expect(c.gaps.needs).toContainEqual({
      slug: need.slug,
      title: need.title,
      country: 'MW',
      theme: 'incident-management',
    });
    expect(c.gaps.countries.find((g) => g.iso2 === 'MW')).toEqual({ iso2: 'MW', priority: true });
    expect(c.rows.find((r) => r.key === 'SN')).toMatchObject({
      counts: { cybercrime: 1 },
      total: 1,
    });
    const regions = await coverage(env.ctx(), { by: 'region', theme: 'cybercrime' });
    expect(regions.rows.find((r) => r.key === 'western-africa')).toMatchObject({ total: 1 });
  });

  it('serves the needs API and pages, refusing bad input', async () => {
    const list = (await env.app.inject('/api/v1/needs?country=MW')).json();
    expect(list.total).toBe(1);
    const one = (await env.app.inject(`/api/v1/needs/${list.items[0].slug}`)).json();
    expect(one.need.country).toBe('MW');
    expect((await env.app.inject('/api/v1/needs?status=lost')).statusCode).toBe(400);
    const anonymous = await env.app.inject({
      method: 'POST',
      url: '/api/v1/needs',
      headers: { authorization: 'Bearer nothing' },
      payload: { title: 'x', themes: ['cybercrime'], country: 'GH' },
    });
    expect(anonymous.statusCode).toBe(401);
    const agent = await signedInAgent(env, focal);
    await agent.get('/needs/new');
    const bad = await agent.postForm('/needs/new', { title: '', languages: 'klingon' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="error-languages"');
    const good = await agent.postForm('/needs/new', {
      title: 'Strategy review',
      country: 'FJ',
      themes: 'policy-strategy',
      languages: 'en',
    });
    expect(good.statusCode).toBe(303);
    const page = await agent.get(String(good.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Need posted.');
    const coveragePage = await env.app.inject({
      url: '/coverage',
      headers: { accept: 'text/html' },
    });
    expect(coveragePage.body).toContain('<svg class="world-map"');
    expect(coveragePage.body).toContain('Malawi');
    const csv = await env.app.inject('/coverage.csv?by=region');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^region,name,policy-strategy,/);
    expect((await env.app.inject('/api/v1/coverage?by=continent')).statusCode).toBe(400);
    expect((await env.app.inject('/api/v1/coverage?theme=hacking')).statusCode).toBe(400);
    expect(
      (await env.app.inject('/api/v1/coverage?by=country&theme=cybercrime')).json().items[0],
    ).toMatchObject({ counts: { cybercrime: 1 } });
  });
});
