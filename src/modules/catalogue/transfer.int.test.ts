import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { AppError } from '../../platform/errors.ts';
import { organisationsModule } from '../organisations/index.ts';
import { countPublished, importFile, importResources } from './index.ts';

const row = (n: number, extra: Record<string, unknown> = {}) => ({
  externalId: `test-${n}`,
  kind: 'course',
  title: { en: `Imported course number ${n}` },
  summary: { en: `Summary ${n}` },
  url: `https://example.org/imported/${n}`,
  providers: ['ENISA'],
  themes: ['incident-management'],
  format: 'online-self-paced',
  cost: 'free',
  ...extra,
});

describe.each(databaseKinds())('catalogue import on %s', (kind) => {
  let env: TestEnv;
  let editor: TestUser;
  let participant: TestUser;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
    editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    participant = await createTestUser(env);
  });
  afterAll(async () => env?.close());

  it('writes nothing when any row is bad, and names each row and field', async () => {
    const before = await countPublished(env.ctx());
    const error = await importResources(env.ctx(editor.actor), [
      row(1),
      row(2, { url: 'nope', themes: ['astrology'] }),
      row(3),
      row(4, { cost: 'paid' }),
      row(1),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe('3 of 5 rows have problems; nothing was imported.');
    expect((error as AppError).errors).toEqual([
      { path: '/rows/2/url', message: 'Give a full web address starting with https://.' },
      { path: '/rows/2/themes', message: 'Unknown value: astrology.' },
      { path: '/rows/4/price', message: 'A paid resource needs its price (and currency).' },
      { path: '/rows/5/externalId', message: 'The same resource as row 1.' },
    ]);
    expect(await countPublished(env.ctx())).toBe(before);
  });

  it('with skipInvalid writes the good rows and reports the others', async () => {
    const report = await importResources(
      env.ctx(editor.actor),
      [row(11), row(12, { kind: 'webinar' }), row(13)],
      { skipInvalid: true },
    );
    expect(report).toMatchObject({ rows: 3, created: 2, updated: 0, skipped: 1 });
    expect(report.errors).toEqual([
      { row: 2, field: '/kind', message: expect.stringMatching(/"webinar" is not one of/) },
    ]);
  });

  it('updates on re-import, matching the external id, else the URL', async () => {
    const ctx = env.ctx(editor.actor);
    const first = await importResources(ctx, [row(21), row(22, { externalId: undefined })]);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const count = await countPublished(env.ctx());
    const again = await importResources(ctx, [row(21), row(22, { externalId: undefined })]);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const changed = await importResources(ctx, [
      row(21, { durationHours: 12, url: 'https://example.org/imported/21-moved' }),
      row(22, { externalId: undefined, summary: { en: 'A better summary' } }),
    ]);
    expect(changed).toMatchObject({ created: 0, updated: 2, unchanged: 0 });
    expect(await countPublished(env.ctx())).toBe(count);
  });

  it('reads CSV with texts per language and lists separated by semicolons', async () => {
    const csv = [
      'externalId,kind,title_en,title_fr,summary_en,url,providers,themes,audiences,format,cost,price,currency,durationHours,languages,countries,certificate',
      'csv-1,course,Incident handling,Gestion des incidents,Hands-on.,https://example.org/csv/1,ENISA;FIRST,incident-management;standards,technical-cert,blended,paid,120,eur,16,en;fr,"SN, CI",yes',
      'csv-2,tool,Norms tracker,,Tracks norms.,https://example.org/csv/2,"Saïd Business School, University of Oxford",norms,,online-self-paced,free,,,,en,,no',
    ].join('\n');
    const report = await importFile(env.ctx(editor.actor), csv, 'csv');
    expect(report).toMatchObject({ created: 2, errors: [] });
    const bad = await importFile(env.ctx(editor.actor), 'kind,colour\ncourse,red\n', 'csv').catch(
      (e) => e,
    );
    expect((bad as AppError).errors[0]?.message).toBe('Unknown column: colour.');
    await expect(importFile(env.ctx(participant.actor), csv, 'csv')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('imports through the API for editors only, with the report', async () => {
    const agent = await signedInAgent(env, editor);
    await agent.get('/catalogue');
    const ndjson = [row(31), row(32, { url: 'ftp://x' })].map((r) => JSON.stringify(r)).join('\n');
    const refused = await agent.request('POST', '/api/v1/resources/import', {
      headers: { 'content-type': 'application/x-ndjson', 'x-csrf-token': agent.csrf! },
      payload: ndjson,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      { path: '/rows/2/url', message: 'Give a full web address starting with https://.' },
    ]);
    const skipped = await agent.request('POST', '/api/v1/resources/import?skipInvalid=true', {
      headers: { 'content-type': 'application/x-ndjson', 'x-csrf-token': agent.csrf! },
      payload: ndjson,
    });
    expect(skipped.statusCode).toBe(200);
    expect(skipped.json()).toMatchObject({ created: 1, skipped: 1 });
    const json = await agent.request('POST', '/api/v1/resources/import', { json: [row(33)] });
    expect(json.json()).toMatchObject({ created: 1 });
    const other = await signedInAgent(env, participant);
    await other.get('/catalogue');
    const forbidden = await other.request('POST', '/api/v1/resources/import', { json: [row(34)] });
    expect(forbidden.statusCode).toBe(403);
  });

  it('imports an uploaded file through the editors’ page', async () => {
    const agent = await signedInAgent(env, editor);
    const page = await agent.get('/catalogue/import');
    expect(page.statusCode).toBe(200);
    const boundary = '----catalogue-test';
    const upload = (token: string) =>
      [
        `--${boundary}`,
        'Content-Disposition: form-data; name="_csrf"',
        '',
        token,
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="resources.json"',
        'Content-Type: application/json',
        '',
        JSON.stringify([row(41), row(42)]),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    const headers = {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      accept: 'text/html',
    };
    const forged = await agent.request('POST', '/catalogue/import', {
      headers,
      payload: upload('forged'),
    });
    expect(forged.statusCode).toBe(403);
    const response = await agent.request('POST', '/catalogue/import', {
      headers,
      payload: upload(agent.csrf!),
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Imported: 2 new, 0 updated, 0 unchanged, 0 skipped.');
  });
});
