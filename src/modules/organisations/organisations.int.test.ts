import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser } from '../../../test/helpers/auth.ts';
import { readRecords } from '../../platform/records.ts';
import {
  exportOrganisations,
  getOrganisationBySlug,
  importOrganisations,
  organisationsModule,
  serialiseOrganisations,
} from './index.ts';

describe.each(databaseKinds())('organisations import and export on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await organisationsModule.seedDemo!(env.ctx());
  });
  afterAll(async () => env?.close());

  it('round-trips the directory through CSV and JSON unchanged', async () => {
    const all = await exportOrganisations(env.ctx());
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const report = await importOrganisations(
        env.ctx(),
        readRecords(serialiseOrganisations(all, format), format),
      );
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: all.length });
    }
  });

  it('reports every bad row, writes nothing, and updates by slug', async () => {
    const rows = [
      {
        slug: 'new-ngo',
        name: 'New NGO',
        stakeholderGroup: 'civil-society',
        kind: 'ngo',
        country: 'KE',
        memberStates: '',
      },
      {
        slug: 'Bad Slug',
        name: '',
        stakeholderGroup: 'aliens',
        kind: 'x',
        country: 'QQ',
        website: 'javascript:1',
        memberStates: 'GH;ZZ',
      },
      { slug: 'new-ngo', name: 'Again', stakeholderGroup: 'civil-society', kind: 'ngo' },
    ];
    await expect(importOrganisations(env.ctx(), rows)).rejects.toMatchObject({
      code: 'validation',
    });
    const error = await importOrganisations(env.ctx(), rows).catch(
      (e: { errors: Array<{ path: string }> }) => e,
    );
    expect((error as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        '/rows/2/slug',
        '/rows/2/name',
        '/rows/2/stakeholderGroup',
        '/rows/2/kind',
        '/rows/2/country',
        '/rows/2/website',
        '/rows/2/memberStates',
        '/rows/3/slug',
      ]),
    );
    await expect(getOrganisationBySlug(env.ctx(), 'new-ngo')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await importOrganisations(env.ctx(), rows, { skipInvalid: true })).toMatchObject({
      created: 1,
    });
    expect(
      await importOrganisations(env.ctx(), [{ ...rows[0], name: 'Renamed NGO' }]),
    ).toMatchObject({ updated: 1 });
    expect((await getOrganisationBySlug(env.ctx(), 'new-ngo')).name).toBe('Renamed NGO');
    const participant = await createTestUser(env);
    await expect(importOrganisations(env.ctx(participant.actor), rows)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
