import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { organisationsModule, getOrganisationBySlug } from '../organisations/index.ts';
import { readRecords } from '../../platform/records.ts';
import { AppError } from '../../platform/errors.ts';
import {
  createInitiative,
  getInitiative,
  history,
  importInitiatives,
  transition,
  updateInitiative,
} from './initiatives.service.ts';
import { analyseOverlaps, decideOverlap, listOverlaps } from './overlap.service.ts';
import { validateIati } from './iati/iati.service.ts';

const CSV = `externalId,title,description,implementers,funders,countries,themes,startsOn,endsOn,status,budget,currency
t-1,Incident response training for Ghana's national CERT,"A twelve-month programme to train analysts at CERT-GH and sector CERTs in incident triage, log analysis and malware analysis, with a national tabletop exercise.",first,uk-fcdo,GH,incident-management,2026-02-01,2027-07-31,implementation,300000,GBP
t-2,Judicial training on electronic evidence in Kenya,"Judges and magistrates learn the admissibility of electronic evidence.",unodc,european-union,KE,cybercrime,2026-01-01,2027-12-31,implementation,,
t-3,Data protection guidance in Senegal,"Guidance notes for the data protection commission.",council-of-europe,,SN,data-protection,2026-03-01,2027-03-01,implementation,,
`;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.each(databaseKinds())('initiatives workflow, import and overlaps on %s', (kind) => {
  let env: TestEnv;
  let editor: TestUser;
  let rep: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    const first = await getOrganisationBySlug(env.ctx(), 'first');
    editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    rep = await createTestUser(env, [
      { role: 'organisation-rep', scopeType: 'organisation', scopeId: first.id },
    ]);
    outsider = await createTestUser(env);
  });
  afterAll(async () => env?.close());

  const count = async () =>
    Number(
      (
        await env.deps.db
          .selectFrom('initiatives')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('imports all rows or none, reports every bad row, and updates on re-import', async () => {
    const rows = readRecords(CSV, 'csv');
    const bad = [
      ...rows,
      { ...rows[0], externalId: 't-4', countries: 'XX', themes: '' },
      { ...rows[1], externalId: 't-1' },
    ];
    const error = await rejection(importInitiatives(env.ctx(), bad));
    expect(error.code).toBe('validation');
    expect(error.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/rows/4/countries', '/rows/4/themes', '/rows/5/externalId']),
    );
    expect(await count()).toBe(0);

    const skipped = await importInitiatives(env.ctx(), bad, { skipInvalid: true });
    expect(skipped).toMatchObject({ created: 3, updated: 0 });
    expect(skipped.skipped.map((s) => s.row)).toEqual([4, 5]);

    expect(await importInitiatives(env.ctx(), rows)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
    });
    const changed = rows.map((r, i) => (i === 1 ? { ...r, endsOn: '2028-06-30' } : r));
    expect(await importInitiatives(env.ctx(), changed)).toMatchObject({ updated: 1, unchanged: 2 });
    const kenya = await getInitiative(
      env.ctx(),
      'judicial-training-on-electronic-evidence-in-kenya',
    );
    expect(kenya.endsOn).toBe('2028-06-30');
    expect((await history(env.ctx(), kenya.id)).revisions.map((r) => r.action)).toEqual([
      'import-update',
      'import',
    ]);
    await expect(importInitiatives(env.ctx(rep.actor), rows)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('shows the authors likely overlaps at once, and takes the draft through review', async () => {
    const raw = {
      title: 'Capacity development for CERT-GH analysts',
      description:
        'Hands-on courses and mentoring for incident handlers of the national CERT-GH and sector CERTs: incident triage, log analysis and malware analysis, ending with a national exercise.',
      implementers: ['first'],
      countries: ['GH'],
      themes: ['incident-management'],
      startsOn: '2026-03-01',
      endsOn: '2027-06-30',
    };
    expect((await rejection(createInitiative(env.ctx(), { ...raw, title: '' }))).code).toBe(
      'validation',
    );
    const anonymous = await rejection(
      createInitiative(
        env.ctx({ userId: null, label: 'anonymous', grants: [], via: 'anonymous' }),
        raw,
      ),
    );
    expect(anonymous.code).toBe('unauthenticated');
    expect((await rejection(createInitiative(env.ctx(outsider.actor), raw))).code).toBe(
      'forbidden',
    );
    expect(
      (await rejection(createInitiative(env.ctx(rep.actor), { ...raw, implementers: ['unodc'] })))
        .code,
    ).toBe('forbidden');

    const { initiative, overlaps } = await createInitiative(env.ctx(rep.actor), raw);
    expect(initiative.workflow).toBe('draft');
    expect(overlaps[0]).toMatchObject({
      likelyDuplicate: true,
      b: { title: "Incident response training for Ghana's national CERT" },
    });
    expect(overlaps[0]!.reasons).toMatchObject({
      themes: ['incident-management'],
      countries: ['GH'],
    });
    expect(overlaps[0]!.reasons.terms.length).toBeGreaterThan(0);

    // Not public yet: anonymous readers do not see it, the outsider cannot change it.
    await expect(getInitiative(env.ctx(), initiative.slug).then((i) => i.workflow)).resolves.toBe(
      'draft',
    );
    const anon = await env.app.inject(`/api/v1/initiatives/${initiative.slug}`);
    expect(anon.statusCode).toBe(404);
    expect(
      (await rejection(updateInitiative(env.ctx(outsider.actor), initiative.id, raw))).code,
    ).toBe('not_found');

    const submitted = await transition(env.ctx(rep.actor), initiative.id, 'submit');
    expect(submitted.workflow).toBe('submitted');
    expect((await rejection(updateInitiative(env.ctx(rep.actor), initiative.id, raw))).code).toBe(
      'forbidden',
    );
    expect((await rejection(transition(env.ctx(rep.actor), initiative.id, 'publish'))).code).toBe(
      'forbidden',
    );
    expect(
      (await rejection(transition(env.ctx(editor.actor), initiative.id, 'return', ''))).code,
    ).toBe('validation');
    const returned = await transition(
      env.ctx(editor.actor),
      initiative.id,
      'return',
      'Say how this differs from the FCDO programme.',
    );
    expect(returned).toMatchObject({
      workflow: 'returned',
      reviewNote: 'Say how this differs from the FCDO programme.',
    });
    await updateInitiative(env.ctx(rep.actor), initiative.id, {
      ...raw,
      description: `${raw.description} It complements the FCDO programme.`,
    });
    await transition(env.ctx(rep.actor), initiative.id, 'submit');
    const published = await transition(env.ctx(editor.actor), initiative.id, 'publish');
    expect(published.workflow).toBe('published');
    expect(
      (await rejection(transition(env.ctx(editor.actor), initiative.id, 'publish'))).code,
    ).toBe('conflict');

    const actions = (await history(env.ctx(), initiative.id)).revisions
      .map((r) => r.action)
      .reverse();
    expect(actions).toEqual(['create', 'submit', 'return', 'update', 'submit', 'publish']);
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', initiative.id)
      .where('entity_type', '=', 'initiative')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'initiative.create',
        'initiative.submit',
        'initiative.return',
        'initiative.publish',
      ]),
    );
  });

  it('keeps coordinators’ decisions through later analyses; a dismissed pair stays dismissed', async () => {
    await analyseOverlaps(env.ctx());
    const listed = await listOverlaps(env.ctx(), { country: 'GH' });
    expect(listed.total).toBe(1);
    const pair = listed.items[0]!;
    expect(pair.likelyDuplicate).toBe(true);
    expect((await rejection(decideOverlap(env.ctx(rep.actor), pair.id!, 'unrelated'))).code).toBe(
      'forbidden',
    );
    expect((await rejection(decideOverlap(env.ctx(editor.actor), pair.id!, 'maybe'))).code).toBe(
      'validation',
    );
    await decideOverlap(env.ctx(editor.actor), pair.id!, 'unrelated', 'Different teams.');
    await analyseOverlaps(env.ctx());
    expect((await listOverlaps(env.ctx(), { country: 'GH' })).total).toBe(0);
    const all = await listOverlaps(env.ctx(), { country: 'GH', decision: 'any' });
    expect(all.items[0]).toMatchObject({
      id: pair.id,
      decision: 'unrelated',
      decisionNote: 'Different teams.',
    });
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', pair.id!)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'overlap.decide', actor_id: editor.id });
  });

  it('answers the API with filters, refuses bad parameters and exports valid IATI', async () => {
    const list = (
      await env.app.inject('/api/v1/initiatives?country=GH&theme=incident-management')
    ).json();
    expect(list.total).toBe(2);
    expect(list.items[0]).toHaveProperty('participants');
    expect((await env.app.inject('/api/v1/initiatives?organisation=unodc')).json().total).toBe(1);
    expect((await env.app.inject('/api/v1/initiatives?from=2028-01-01')).json().total).toBe(1);
    expect((await env.app.inject('/api/v1/initiatives?q=electronic%20evidence')).json().total).toBe(
      1,
    );
    expect((await env.app.inject('/api/v1/initiatives?region=eastern-africa')).json().total).toBe(
      1,
    );
    expect((await env.app.inject('/api/v1/initiatives?colour=red')).statusCode).toBe(400);
    expect((await env.app.inject('/api/v1/initiatives?from=2024-13-45')).statusCode).toBe(400);
    expect(
      (await env.app.inject('/api/v1/initiatives?from=2025-01-01&to=2024-01-01')).statusCode,
    ).toBe(400);
    expect((await env.app.inject('/api/v1/initiatives?pageSize=1000')).statusCode).toBe(400);
    expect((await env.app.inject('/api/v1/overlaps?decision=maybe')).statusCode).toBe(400);
    expect((await env.app.inject('/api/v1/initiatives/no-such-thing')).statusCode).toBe(404);
    const csv = await env.app.inject('/api/v1/initiatives/export.csv?country=KE');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(readRecords(csv.body, 'csv')).toHaveLength(1);
    const xml = await env.app.inject('/api/v1/initiatives/export.xml');
    expect(await validateIati(xml.body)).toEqual([]);
    expect((await env.app.inject('/api/v1/initiatives/export.pdf')).statusCode).toBe(400);
  });

  it('registers through the API and the form, with overlaps at once and errors beside the fields', async () => {
    const agent: TestAgent = await signedInAgent(env, rep);
    await agent.get('/initiatives/new');
    const created = await agent.request('POST', '/api/v1/initiatives', {
      json: {
        title: 'Malware analysis course for CERT-GH',
        description:
          'Incident triage, log analysis and malware analysis for CERT-GH analysts and sector CERTs, with a national exercise.',
        implementers: ['first'],
        countries: ['GH'],
        themes: ['incident-management'],
        startsOn: '2026-04-01',
        endsOn: '2027-05-31',
        submit: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body.initiative.workflow).toBe('submitted');
    expect(body.overlaps.length).toBeGreaterThan(0);
    expect(body.overlaps[0].reasons[0]).toMatch(/Ghana/);
    const refused = await agent.request('POST', '/api/v1/initiatives', {
      json: { title: 'x', description: '', themes: [], bogus: 1 },
    });
    expect(refused.statusCode).toBe(422);

    const page = await agent.get('/initiatives/new');
    expect(page.statusCode).toBe(200);
    const bad = await agent.postForm('/initiatives/new', {
      title: '',
      description: 'x',
      implementers: 'first',
      startsOn: 'tomorrow',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="error-title"');
    expect(bad.body).toContain('id="error-startsOn"');
    expect(bad.body).toContain('>x</textarea>');
    const good = await agent.postForm('/initiatives/new', {
      title: 'Sector CERT coaching in Ghana',
      description:
        'Coaching for incident handlers of Ghana sector CERTs in triage and log analysis, with an exercise.',
      implementers: 'first',
      countries: 'GH',
      themes: 'incident-management',
      startsOn: '2026-05-01',
      endsOn: '2027-04-30',
      status: 'implementation',
      then: 'draft',
    });
    expect(good.statusCode).toBe(303);
    const shown = await agent.get(String(good.headers.location));
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Saved as a draft');
    expect(shown.body).toMatch(/Both work on incident management[^<]* in Ghana/);
    const noCsrf = await agent.postForm('/initiatives/new', { title: 'x' }, { csrf: null });
    expect(noCsrf.statusCode).toBe(403);
  });
});
