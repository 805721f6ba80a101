import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ANONYMOUS } from '../../platform/context.ts';
import { getOrganisationBySlug, organisationsModule } from '../organisations/index.ts';
import {
  compareRevisions,
  createResource,
  getResourceBySlug,
  listRevisions,
  needsAttention,
  reviewQueue,
  searchParamsFrom,
  searchResources,
  transition,
  updateResource,
} from './index.ts';

const draft = {
  kind: 'course',
  title: { en: 'Cyber norms for new diplomats', fr: 'Normes cyber pour jeunes diplomates' },
  summary: { en: 'A short course on the eleven norms, written by a representative.' },
  url: 'https://example.org/norms-course',
  providers: ['ITU'],
  themes: ['norms'],
  audiences: ['diplomats'],
  format: 'online-self-paced',
  cost: 'free',
  durationHours: 4,
};

describe.each(databaseKinds())('catalogue workflow on %s', (kind) => {
  let env: TestEnv;
  let editor: TestUser;
  let rep: TestUser;
  let otherRep: TestUser;
  let participant: TestUser;
  let itu: string;

  const inSearch = async (q: string) =>
    (await searchResources(env.ctx(), searchParamsFrom({ q }))).items.map((i) => i.slug);
  const audit = async (entityId: string) =>
    env.deps.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity_id', '=', entityId)
      .orderBy('at')
      .execute()
      .then((rows) => rows.map((r) => r.action));

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    itu = (await getOrganisationBySlug(env.ctx(), 'itu')).id;
    const enisa = (await getOrganisationBySlug(env.ctx(), 'enisa')).id;
    editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }], 'Edith Editor');
    rep = await createTestUser(
      env,
      [{ role: 'organisation-rep', scopeType: 'organisation', scopeId: itu }],
      'Rafael Rep',
    );
    otherRep = await createTestUser(env, [
      { role: 'organisation-rep', scopeType: 'organisation', scopeId: enisa },
    ]);
    participant = await createTestUser(env);
  });
  afterAll(async () => env?.close());

  it('takes a representative’s draft through review to publication, keeping every revision', async () => {
    const repCtx = env.ctx(rep.actor);
    const editorCtx = env.ctx(editor.actor);
    const created = await createResource(repCtx, draft, { organisationId: itu });
    expect(created.status).toBe('draft');
    expect(created.providers).toEqual([{ name: 'ITU', organisationSlug: 'itu' }]);
    expect(await inSearch('eleven norms')).not.toContain(created.slug);

    await updateResource(repCtx, created.id, { durationHours: 5 });
    await transition(repCtx, created.id, 'submit');
    // A submitted text is the text reviewed: the representative cannot change it now.
    await expect(updateResource(repCtx, created.id, { durationHours: 6 })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(transition(repCtx, created.id, 'publish')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await reviewQueue(editorCtx)).submitted.map((r) => r.id)).toContain(created.id);

    await expect(transition(editorCtx, created.id, 'request-changes', '  ')).rejects.toMatchObject({
      code: 'validation',
    });
    const sentBack = await transition(
      editorCtx,
      created.id,
      'request-changes',
      'Add the French summary.',
    );
    expect(sentBack.status).toBe('changes_requested');
    expect(sentBack.reviewNote).toBe('Add the French summary.');
    await updateResource(repCtx, created.id, {
      summary: { ...draft.summary, fr: 'Un cours court sur les onze normes.' },
    });
    await transition(repCtx, created.id, 'submit');
    const published = await transition(editorCtx, created.id, 'publish');
    expect(published.status).toBe('published');
    expect(await inSearch('eleven norms')).toContain(created.slug);
    expect(await inSearch('onze normes')).toContain(created.slug);

    const revisions = await listRevisions(editorCtx, created.id);
    expect(revisions.map((r) => r.action)).toEqual([
      'publish',
      'submit',
      'edit',
      'request-changes',
      'submit',
      'edit',
      'create',
    ]);
    const diff = await compareRevisions(editorCtx, created.id, 1, revisions[0]!.number);
    expect(diff.changes.map((c) => c.field)).toEqual(['summary', 'durationHours']);
    expect(await audit(created.id)).toEqual([
      'resource.create',
      'resource.update',
      'resource.submit',
      'resource.request-changes',
      'resource.update',
      'resource.submit',
      'resource.publish',
    ]);

    const archived = await transition(editorCtx, created.id, 'archive');
    expect(archived.status).toBe('archived');
    expect(await inSearch('eleven norms')).not.toContain(created.slug);
    await expect(getResourceBySlug(env.ctx(ANONYMOUS), created.slug)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('keeps people to their own organisation and role', async () => {
    await expect(createResource(env.ctx(ANONYMOUS), draft)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(createResource(env.ctx(participant.actor), draft)).rejects.toMatchObject({
      code: 'forbidden',
    });
    // A representative submits only for an organisation they represent.
    await expect(
      createResource(env.ctx(otherRep.actor), draft, { organisationId: itu }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(createResource(env.ctx(rep.actor), draft)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      createResource(
        env.ctx(rep.actor),
        { ...draft, url: 'https://example.org/other' },
        { organisationId: itu, status: 'published' },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const mine = await createResource(
      env.ctx(rep.actor),
      { ...draft, url: 'https://example.org/mine' },
      { organisationId: itu },
    );
    // Drafts are invisible to everyone but their organisation and the editors.
    await expect(getResourceBySlug(env.ctx(otherRep.actor), mine.slug)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(transition(env.ctx(otherRep.actor), mine.id, 'submit')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await getResourceBySlug(env.ctx(editor.actor), mine.slug)).id).toBe(mine.id);
    expect((await reviewQueue(env.ctx(rep.actor))).inProgress.map((r) => r.id)).toContain(mine.id);
    expect((await reviewQueue(env.ctx(otherRep.actor))).inProgress.map((r) => r.id)).not.toContain(
      mine.id,
    );
    await expect(needsAttention(env.ctx(rep.actor))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(transition(env.ctx(editor.actor), mine.id, 'withdraw')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('refuses bad input with every field named, through the API', async () => {
    const agent = await signedInAgent(env, editor);
    await agent.get('/catalogue');
    const bad = await agent.request('POST', '/api/v1/resources', {
      json: { ...draft, url: 'https://example.org/x', cost: 'paid', themes: [], title: {} },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['/price', '/themes', '/title']);
    const unknown = await agent.request('POST', '/api/v1/resources', {
      json: { ...draft, colour: 'red' },
    });
    expect(unknown.statusCode).toBe(422);

    const created = await agent.request('POST', '/api/v1/resources', {
      json: { ...draft, url: 'https://example.org/api-course', status: 'published' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      status: 'published',
      title: draft.title.en,
      providers: [{ name: 'ITU', organisation: 'itu' }],
    });
    const patched = await agent.request('PATCH', `/api/v1/resources/${body.id}`, {
      json: { durationHours: 3, status: 'archived' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ durationHours: 3, status: 'archived' });
    const visitor = await new TestAgent(env.app).request('POST', '/api/v1/resources', {
      json: draft,
    });
    expect(visitor.statusCode).toBe(403);
  });

  it('works as plain forms: add, fix errors, submit, review, compare revisions', async () => {
    const agent = await signedInAgent(env, rep);
    const form = await agent.get('/resources/new');
    expect(form.statusCode).toBe(200);
    const fields = {
      organisationId: itu,
      kind: 'guide',
      title_en: 'Guide to national CERT funding',
      summary_en: 'How national CERTs are funded.',
      url: 'not a url',
      providers: 'ITU',
      themes: ['incident-management'],
      format: 'online-self-paced',
      cost: 'free',
      registration: 'direct',
    };
    const invalid = await agent.postForm('/resources/new', fields);
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Give a full web address');
    expect(invalid.body).toContain('value="Guide to national CERT funding"');
    const saved = await agent.postForm('/resources/new', {
      ...fields,
      url: 'https://example.org/cert-funding',
    });
    expect(saved.statusCode).toBe(303);
    const location = String(saved.headers.location);
    expect(location).toBe('/resources/guide-to-national-cert-funding');
    const page = await agent.get(location);
    expect(page.body).toContain('Submit for review');
    expect((await agent.postForm(`${location}/workflow`, { action: 'submit' })).statusCode).toBe(
      303,
    );

    const editorAgent = await signedInAgent(env, editor);
    const review = await editorAgent.get('/catalogue/review');
    expect(review.body).toContain('Guide to national CERT funding');
    expect(review.body).toContain('Needs attention');
    await editorAgent.get(location);
    const noNote = await editorAgent.postForm(`${location}/workflow`, {
      action: 'request-changes',
      note: '',
    });
    expect(noNote.statusCode).toBe(422);
    await editorAgent.postForm(`${location}/workflow`, {
      action: 'request-changes',
      note: 'Add the hours.',
    });
    await agent.get(`${location}/edit`);
    const edited = await agent.postForm(`${location}/edit`, {
      ...fields,
      url: 'https://example.org/cert-funding',
      durationHours: '2',
    });
    expect(edited.statusCode).toBe(303);
    const revisions = await editorAgent.get(`${location}/revisions?from=1&to=4`);
    expect(revisions.statusCode).toBe(200);
    expect(revisions.body).toMatch(
      /Hours needed<\/th><td class="before"><del>—<\/del><\/td><td class="after"><ins>2<\/ins>/,
    );
    const stranger = await signedInAgent(env, otherRep);
    expect((await stranger.get(`${location}/revisions`)).statusCode).toBe(404);
  });
});
