import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  applicationInput,
  createOrganisation,
  createTestProcess,
  focalPoint,
  meetingId,
  representative,
} from '../../../test/factories/processes.ts';
import { ManualClock } from '../../platform/clock.ts';
import {
  applyForAccreditation,
  decideDueApplications,
  objectToApplication,
  type Process,
} from './index.ts';

describe.each(databaseKinds())('the transparency register on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-04T12:00:00Z'));
  let open: Process;
  let discreet: Process;

  /** Four applications: two refused (one with a reason), one accredited, one pending. */
  async function populate(process: Process, state: string) {
    const fp = await focalPoint(env, process.id, state);
    const orgs = [
      await createOrganisation(env, {
        name: `Refused with reason ${state}`,
        stakeholderGroup: 'academia',
        country: 'PE',
      }),
      await createOrganisation(env, {
        name: '=HYPERLINK("http://evil.example")',
        stakeholderGroup: 'civil-society',
        country: 'NE',
      }),
      await createOrganisation(env, {
        name: `Accredited ${state}`,
        stakeholderGroup: 'civil-society',
        country: null,
      }),
    ];
    clock.set(new Date('2027-01-04T12:00:00Z'));
    const apps = [];
    for (const org of orgs) {
      const rep = await representative(env, org.id);
      apps.push(
        await applyForAccreditation(
          env.ctx(rep.actor),
          process.id,
          applicationInput(org.id, meetingId(process, 'First session')),
        ),
      );
    }
    await objectToApplication(env.ctx(fp.actor), process.id, apps[0]!.id, {
      reason: `Reason given by ${state}`,
    });
    await objectToApplication(env.ctx(fp.actor), process.id, apps[1]!.id, {});
    clock.set(new Date('2027-02-01T12:00:00Z'));
    await decideDueApplications(env.ctx());
    const late = await createOrganisation(env, {
      name: `Pending ${state}`,
      stakeholderGroup: 'private-sector',
      country: 'JM',
    });
    const lateRep = await representative(env, late.id);
    await applyForAccreditation(
      env.ctx(lateRep.actor),
      process.id,
      applicationInput(late.id, meetingId(process, 'Second session')),
    );
  }

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    open = await createTestProcess(env, {
      name: 'Open Register Process',
      disclosure: { objector: 'public', reasonsPublic: true },
    });
    discreet = await createTestProcess(env, {
      name: 'Discreet Register Process',
      disclosure: { objector: 'secretariat', reasonsPublic: false },
    });
    await populate(open, 'MC');
    await populate(discreet, 'LI');
  });
  afterAll(async () => env?.close());

  it('lists every application with its outcome, dates and objections as the policy allows', async () => {
    const register = (await env.app.inject(`/api/v1/processes/${open.slug}/register`)).json();
    expect(register.total).toBe(4);
    expect(register.process.disclosure).toEqual({ objector: 'public', reasonsPublic: true });
    const refused = register.items.find((a: { organisation: { name: string } }) =>
      a.organisation.name.startsWith('Refused'),
    );
    expect(refused).toMatchObject({
      outcome: 'refused',
      objections: { count: 1, states: ['MC'], reasons: ['Reason given by MC'] },
      organisation: {
        stakeholderGroup: 'academia',
        country: 'PE',
        region: 'latin-american-caribbean',
      },
      submittedAt: '2027-01-04T12:00:00.000Z',
      objectionDeadline: '2027-01-15T05:00:00.000Z',
      decidedAt: '2027-02-01T12:00:00.000Z',
    });
    expect(register.items[0].outcome).toBe('pending');
    expect(register.statistics.byStakeholderGroup).toEqual([
      { value: 'civil-society', applied: 2, accredited: 1, refused: 1, pending: 0 },
      { value: 'private-sector', applied: 1, accredited: 0, refused: 0, pending: 1 },
      { value: 'academia', applied: 1, accredited: 0, refused: 1, pending: 0 },
    ]);
    expect(register.statistics.byRegion.map((r: { value: string }) => r.value)).toEqual([
      'african',
      'latin-american-caribbean',
      'none',
    ]);

    const discreetRegister = (
      await env.app.inject(`/api/v1/processes/${discreet.id}/register`)
    ).json();
    for (const item of discreetRegister.items)
      expect(item.objections.states === null && item.objections.reasons === null).toBe(true);
    expect(
      discreetRegister.items.find((a: { organisation: { name: string } }) =>
        a.organisation.name.startsWith('Refused'),
      ).objections.count,
    ).toBe(1);
    expect(JSON.stringify(discreetRegister)).not.toMatch(/"LI"|Reason given by LI/);

    const filtered = (
      await env.app.inject(`/api/v1/processes/${open.id}/register?outcome=refused&pageSize=1`)
    ).json();
    expect(filtered).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(filtered.items).toHaveLength(1);
    const search = (await env.app.inject(`/api/v1/processes/${open.id}/register?q=pending`)).json();
    expect(search.total).toBe(1);
    expect(
      (await env.app.inject(`/api/v1/processes/${open.id}/register?outcome=maybe`)).statusCode,
    ).toBe(400);
  });

  it('renders the register page with a table and a server-drawn SVG chart', async () => {
    const page = await env.app.inject({
      url: `/processes/${open.slug}/register`,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-groups-title chart-groups-desc"/,
    );
    expect(page.body).toContain('Civil society: 2 applied, 1 accredited, 1 not accredited');
    expect(page.body).toContain('<caption id="by-region">');
    expect(page.body).toContain('Monaco');
    expect(page.body).toContain('Reason given by MC');
    expect(page.body).toContain('type="application/atom+xml"');
    expect(page.body).not.toMatch(/<script(?! type="application\/ld\+json")/);
    const discreetPage = await env.app.inject({
      url: `/processes/${discreet.slug}/register`,
      headers: { accept: 'text/html' },
    });
    expect(discreetPage.body).not.toMatch(/Liechtenstein|Reason given by LI/);
    expect(discreetPage.body).toContain('known to the secretariat only');
  });

  it('exports CSV that spreadsheets open safely', async () => {
    const response = await env.app.inject(`/processes/${open.slug}/register.csv`);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain('register.csv');
    const rows = parseCsv(response.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(4);
    const evil = rows.find((r) => r.organisation!.includes('HYPERLINK'))!;
    expect(evil.organisation!.startsWith("'=")).toBe(true);
    const refused = rows.find((r) => r.organisation!.startsWith('Refused'))!;
    expect(refused).toMatchObject({
      outcome: 'refused',
      objections: '1',
      objecting_states: 'MC',
      reasons: 'Reason given by MC',
      un_regional_group: 'latin-american-caribbean',
      submitted_at: '2027-01-04T12:00:00.000Z',
    });
    const discreetCsv = await env.app.inject(`/processes/${discreet.slug}/register.csv`);
    expect(discreetCsv.body).not.toContain('Reason given by LI');
    const discreetRows = parseCsv(discreetCsv.body, { columns: true }) as Array<
      Record<string, string>
    >;
    expect(discreetRows.map((r) => [r.objecting_states, r.reasons])).toEqual(
      discreetRows.map(() => ['', '']),
    );
    expect(discreetRows.map((r) => r.objections).sort()).toEqual(['0', '0', '1', '1']);
  });

  it('publishes decisions as a valid Atom feed', async () => {
    const response = await env.app.inject(`/processes/${open.slug}/decisions.atom`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(XMLValidator.validate(response.body)).toBe(true);
    const feed = parseFeed(response.body);
    expect(feed.meta.type).toBe('atom');
    expect(feed.items).toHaveLength(3);
    expect(feed.items.map((i) => i.title).sort()).toEqual(
      [
        '=HYPERLINK("http://evil.example"): not accredited',
        'Accredited MC: accredited',
        'Refused with reason MC: not accredited',
      ].sort(),
    );
    expect(feed.items[0]!.updated?.toISOString()).toBe('2027-02-01T12:00:00.000Z');
    const discreetFeed = await env.app.inject(`/processes/${discreet.slug}/decisions.atom`);
    expect(discreetFeed.body).not.toMatch(/Liechtenstein|Reason given by LI/);
  });
});
