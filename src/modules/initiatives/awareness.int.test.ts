/**
 * The registry plugs into the awareness module: "initiatives" is a saved-search kind (the
 * registry's filters) with an Atom feed and alert digests, and published initiatives are in the
 * sitemap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { mailTextsTo, saveDailySearch, sitemapUrls } from '../../../test/helpers/awareness.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { readRecords } from '../../platform/records.ts';
import { organisationsModule } from '../organisations/index.ts';
import { sendDigests } from '../awareness/index.ts';
import { createInitiative, importInitiatives } from './index.ts';

const BASE = 'https://commons.example';
const CSV = `externalId,title,description,implementers,funders,countries,themes,startsOn,endsOn,status,budget,currency
a-1,Incident response training for Ghana's national CERT,"Analysts of CERT-GH learn incident triage.",first,uk-fcdo,GH,incident-management,2026-02-01,2027-07-31,implementation,,
a-2,Judicial training on electronic evidence in Kenya,"Judges learn the admissibility of electronic evidence.",unodc,european-union,KE,cybercrime,2026-01-01,2027-12-31,implementation,,
`;

describe.each(databaseKinds())('the registry in feeds, digests and the sitemap on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-02T09:00:00Z'));

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock, config: { baseUrl: BASE } });
    await organisationsModule.seedDemo!(env.ctx());
    await importInitiatives(env.ctx(), readRecords(CSV, 'csv'));
  });
  afterAll(async () => env?.close());

  it('serves a registry search as an Atom feed, with the registry’s filters', async () => {
    const all = parseFeed((await env.app.inject('/feeds/initiatives.atom')).body);
    expect(all.items.map((i) => i.title).sort()).toEqual([
      "Incident response training for Ghana's national CERT",
      'Judicial training on electronic evidence in Kenya',
    ]);
    const kenya = parseFeed((await env.app.inject('/feeds/initiatives.atom?country=KE')).body);
    expect(kenya.items.map((i) => i.url)).toEqual([
      `${BASE}/initiatives/judicial-training-on-electronic-evidence-in-kenya`,
    ]);
    const theme = parseFeed(
      (await env.app.inject('/feeds/initiatives.atom?theme=incident-management')).body,
    );
    expect(theme.items.map((i) => i.title)).toEqual([
      "Incident response training for Ghana's national CERT",
    ]);
  });

  it('sends a digest of newly published initiatives matching a saved search, never drafts', async () => {
    const follower = await createTestUser(env, [], 'Registry Follower');
    // The registry's list offers to save the search it shows, and its feed.
    const list = await (await signedInAgent(env, follower)).get('/initiatives?country=GH');
    expect(list.body).toContain('<input type="hidden" name="kind" value="initiatives"/>');
    expect(list.body).toContain('<input type="hidden" name="query" value="country=GH"/>');
    expect(list.body).toContain('href="/feeds/initiatives.atom?country=GH"');
    expect(await saveDailySearch(env, follower, { kind: 'initiatives', query: 'country=GH' })).toBe(
      303,
    );

    clock.set(new Date('2026-11-03T09:00:00Z'));
    await importInitiatives(
      env.ctx(),
      readRecords(
        `${CSV.split('\n')[0]}\na-3,Cyber hygiene for Ghanaian small businesses,"Workshops on backups and passwords.",first,,GH,data-protection,2026-05-01,2027-04-30,implementation,,\na-4,Cyber hygiene for Kenyan schools,"Lessons for teachers.",first,,KE,data-protection,2026-05-01,2027-04-30,implementation,,\n`,
        'csv',
      ),
    );
    const rep = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    await createInitiative(env.ctx(rep.actor), {
      title: 'An unpublished draft about Ghana',
      description: 'Still a draft: never in a digest or feed.',
      implementers: ['first'],
      countries: ['GH'],
      themes: ['data-protection'],
      startsOn: '2026-03-01',
      endsOn: '2027-06-30',
    });

    clock.set(new Date('2026-11-04T00:10:00Z'));
    await sendDigests(env.ctx());
    const mail = await mailTextsTo(env, follower.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('Cyber hygiene for Ghanaian small businesses');
    expect(mail[0]).not.toContain('Kenyan schools');
    expect(mail[0]).not.toContain('unpublished draft');
    expect(mail[0]).toContain(`${BASE}/en/initiatives/cyber-hygiene-for-ghanaian-small-businesses`);
  });

  it('lists published initiatives in the sitemap', async () => {
    const urls = sitemapUrls((await env.app.inject('/sitemap.xml')).body);
    const registry = urls.filter((u) => u.loc.startsWith(`${BASE}/initiatives/`));
    expect(registry.map((u) => u.loc)).toEqual(
      expect.arrayContaining([
        `${BASE}/initiatives/judicial-training-on-electronic-evidence-in-kenya`,
        `${BASE}/initiatives/cyber-hygiene-for-ghanaian-small-businesses`,
      ]),
    );
    expect(registry.map((u) => u.loc)).not.toContain(
      `${BASE}/initiatives/an-unpublished-draft-about-ghana`,
    );
    for (const u of registry) {
      expect(u.lastmod).toBeTruthy();
      expect((await env.app.inject(u.loc.slice(BASE.length))).statusCode, u.loc).toBe(200);
    }
  });
});
