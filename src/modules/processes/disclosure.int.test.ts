import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  applicationInput,
  createOrganisation,
  createTestProcess,
  focalPoint,
  meetingId,
  representative,
} from '../../../test/factories/processes.ts';
import { pdf } from '../../../test/factories/documents.ts';
import { ManualClock } from '../../platform/clock.ts';
import {
  applyForAccreditation,
  createConsultation,
  decideDueApplications,
  getCompilation,
  objectToApplication,
  processesModule,
  submitToConsultation,
  type Process,
} from './index.ts';

/**
 * Walks every route this module registers — API, pages, exports, feeds, searches, form posts —
 * as an anonymous visitor, a signed-in participant and an applicant whose organisation was
 * objected to, and checks that no confidential string ever comes back, nor in their mail.
 */
describe.each(databaseKinds())('confidential data never leaks, on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-04T12:00:00Z'));
  const confidential: string[] = [];
  const values: Record<string, string[]> = {};
  let applicant: TestUser;
  let participant: TestUser;
  let processes: Process[];
  let appPairs: Array<Record<string, string>> = [];

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    const secretariat = await createTestProcess(env, {
      name: 'Walk Secretariat Process',
      disclosure: { objector: 'secretariat', reasonsPublic: false },
    });
    const withheld = await createTestProcess(env, {
      name: 'Walk Withheld Process',
      disclosure: { objector: 'withheld', reasonsPublic: false },
    });
    const open = await createTestProcess(env, {
      name: 'Walk Public Process',
      disclosure: { objector: 'public', reasonsPublic: true },
    });
    const li = await focalPoint(env, secretariat.id, 'LI', 'Focal Person Hidden-Alpha');
    const ad = await focalPoint(env, withheld.id, 'AD', 'Focal Person Hidden-Beta');
    const mc = await focalPoint(env, open.id, 'MC', 'Focal Person Hidden-Gamma');
    confidential.push(
      'Liechtenstein',
      'Andorra',
      '"LI"',
      '"AD"',
      'Focal Person Hidden-Alpha',
      'Focal Person Hidden-Beta',
      'Focal Person Hidden-Gamma',
      li.email,
      ad.email,
      mc.email,
      'CONF-REASON-secretariat-7f3a',
      'CONF-REASON-withheld-91bc',
      'conf-contact-of-other@example.org',
      'Confidential Contact Name',
      '+41 22 555 0199',
      'applicant-own-contact@example.org',
    );

    const org = await createOrganisation(env, { name: 'Walking Applicant Org', country: 'KE' });
    applicant = await representative(env, org.id, 'Walking Applicant');
    const other = await createOrganisation(env, { name: 'Other Walk Org', country: 'BR' });
    const otherRep = await representative(env, other.id);
    participant = await createTestUser(env, [], 'Walking Participant');

    const pairs: Array<[Process, string]> = [];
    for (const [process, fp, reason] of [
      [secretariat, li, 'CONF-REASON-secretariat-7f3a'],
      [withheld, ad, 'CONF-REASON-withheld-91bc'],
      [open, mc, 'PUBLIC-REASON-visible'],
    ] as const) {
      clock.set(new Date('2027-01-04T12:00:00Z'));
      for (const meeting of ['First session', 'Second session']) {
        if (meeting === 'Second session') clock.set(new Date('2027-02-01T12:00:00Z'));
        const mine = await applyForAccreditation(
          env.ctx(applicant.actor),
          process.id,
          applicationInput(org.id, meetingId(process, meeting), {
            contactEmail: 'applicant-own-contact@example.org',
          }),
        );
        await objectToApplication(env.ctx(fp.actor), process.id, mine.id, { reason });
        const theirs = await applyForAccreditation(
          env.ctx(otherRep.actor),
          process.id,
          applicationInput(other.id, meetingId(process, meeting), {
            contactEmail: 'conf-contact-of-other@example.org',
            contactName: 'Confidential Contact Name',
            contactPhone: '+41 22 555 0199',
          }),
        ).catch(() => null);
        if (theirs) pairs.push([process, theirs.id]);
        pairs.push([process, mine.id]);
        // The first session's applications are decided; the second's stay pending.
        if (meeting === 'First session') {
          clock.set(new Date('2027-01-20T12:00:00Z'));
          await decideDueApplications(env.ctx());
        }
      }
    }

    clock.set(new Date('2027-02-02T12:00:00Z'));
    const consultation = await createConsultation(env.ctx(), secretariat.id, {
      slug: `walk-consultation-${kind}`,
      title: 'Walk consultation',
      kind: 'draft',
      paragraphs: ['One.', 'Two.'],
      opensAt: '2027-02-01T00:00:00Z',
      closesAt: '2027-02-10T00:00:00Z',
      eligibility: 'everyone',
    });
    const submitter = await createTestUser(env, [], 'Walk Submitter');
    confidential.push(submitter.email, participant.email, applicant.email);
    const receipt = await submitToConsultation(
      env.ctx(submitter.actor),
      consultation.id,
      { text: 'Walk input', comments: [{ paragraph: 1, text: 'Fine.' }] },
      [{ filename: 'walk.pdf', data: pdf(), truncated: false }],
    );
    clock.set(new Date('2027-02-11T00:00:00Z'));
    const compilation = await getCompilation(env.ctx(), consultation.id);

    processes = [secretariat, withheld, open];
    values.processId = [...processes.map((p) => p.id), ...processes.map((p) => p.slug), 'nope'];
    values.slug = [...processes.map((p) => p.slug), 'nope'];
    // Applications are walked under their own process (by id and by slug) and under another one.
    appPairs = pairs.flatMap(([p, id]) => [
      { processId: p.id, slug: p.slug, applicationId: id },
      { processId: 'nope', slug: 'nope', applicationId: id },
    ]);
    values.applicationId = pairs.map(([, id]) => id);
    values.userId = [li.id, ad.id];
    values.consultationId = [consultation.id, consultation.slug];
    values.consultationSlug = [consultation.slug];
    values.attachmentId = compilation.items.flatMap((i) => i.attachments.map((a) => a.id));
    values.receipt = [receipt.receipt];
  });
  afterAll(async () => env?.close());

  async function moduleRoutes() {
    const probe = Fastify();
    const routes: Array<{ method: string; url: string }> = [];
    probe.addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    await probe.register(processesModule.routes!);
    await probe.ready();
    await probe.close();
    return routes;
  }

  function expand(url: string): string[] {
    const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    if (names.includes('applicationId'))
      return appPairs.map((pair) =>
        names.reduce((u, name) => u.replace(`:${name}`, encodeURIComponent(pair[name]!)), url),
      );
    let urls = [url];
    for (const name of names) {
      const options = values[name];
      if (!options?.length) throw new Error(`no values to walk :${name} in ${url}`);
      urls = urls.flatMap((u) => options.map((v) => u.replace(`:${name}`, encodeURIComponent(v))));
    }
    return urls;
  }

  function assertClean(where: string, text: string) {
    for (const secret of confidential) {
      if (text.includes(secret)) throw new Error(`${where} reveals "${secret}"`);
    }
  }

  it('walks every route as anonymous, participant and applicant without revealing anything', async () => {
    const routes = await moduleRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const walkers: Array<[string, () => Promise<TestAgent>]> = [
      ['anonymous', async () => new TestAgent(env.app)],
      ['participant', () => signedInAgent(env, participant)],
      ['applicant', () => signedInAgent(env, applicant)],
    ];
    let requests = 0;
    for (const [who, makeAgent] of walkers) {
      const agent = await makeAgent();
      await agent.get('/processes');
      for (const route of routes) {
        for (const url of expand(route.url)) {
          const bodies: Array<Record<string, unknown>> =
            route.method === 'GET' || route.url.includes(':applicationId')
              ? [{}]
              : [
                  {},
                  {
                    reason: 'walk',
                    text: 'walk input',
                    email: 'walker@example.org',
                    country: 'FR',
                    ...applicationInput(values.applicationId![0]!, values.applicationId![0]!),
                  },
                ];
          for (const body of bodies) {
            // Search parameters where the route takes them.
            const queries =
              route.url === '/receipts'
                ? ['', '?code=CONF-REASON']
                : /(processes|register)$/.test(route.url)
                  ? ['', '?q=CONF-REASON']
                  : [''];
            for (const query of queries) {
              const response =
                route.method === 'GET'
                  ? await agent.get(`${url}${query}`)
                  : url.startsWith('/api/')
                    ? await agent.request(route.method, url, { json: body })
                    : await agent.postForm(url, body as Record<string, string>);
              requests++;
              const where = `${who} ${route.method} ${url}${query}`;
              expect(response.statusCode, `${where}: ${response.body.slice(0, 300)}`).toBeLessThan(
                500,
              );
              assertClean(where, response.body);
              assertClean(`${where} (headers)`, JSON.stringify(response.headers));
            }
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(300);

    // Searches never match on confidential columns.
    for (const p of processes) {
      const register = await env.app.inject(
        `/api/v1/processes/${p.id}/register?q=${encodeURIComponent('CONF-REASON')}`,
      );
      expect(register.json().total).toBe(0);
    }
    expect((await env.app.inject('/api/v1/processes?q=CONF-REASON')).json().total).toBe(0);
  });

  it('shows what the public policy allows, so the walk could have seen a leak', async () => {
    const page = await env.app.inject({
      url: `/processes/${processes[2]!.slug}/register`,
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('Monaco');
    expect(page.body).toContain('PUBLIC-REASON-visible');
    // And the secretariat, which may, does see the confidential data on the review page.
    const admin = await signedInAgent(
      env,
      await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]),
    );
    const review = await admin.get(`/processes/${processes[0]!.slug}/applications`);
    expect(review.body).toContain('Liechtenstein');
    expect(review.body).toContain('CONF-REASON-secretariat-7f3a');
    expect(review.body).toContain('conf-contact-of-other@example.org');
    const withheld = await admin.get(`/processes/${processes[1]!.slug}/applications`);
    expect(withheld.body).not.toContain('Andorra');
  });

  it('tells the applicant by mail only what the policy allows', async () => {
    const rows = await env.deps.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('to_address', 'in', ['applicant-own-contact@example.org', applicant.email])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows)
      assertClean(`mail "${row.subject}"`, `${row.subject}\n${row.text_body}`);
    expect(rows.some((r) => r.text_body.includes('Objecting states: Monaco'))).toBe(true);
  });
});
