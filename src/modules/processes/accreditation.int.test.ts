import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
import { ManualClock } from '../../platform/clock.ts';
import { ANONYMOUS } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  applyForAccreditation,
  decideDueApplications,
  getRegister,
  listForReview,
  objectToApplication,
  withdrawObjection,
  type Process,
} from './index.ts';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(databaseKinds())('accreditation under non-objection on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-05T12:00:00Z'));
  let process: Process;
  let liechtenstein: TestUser;
  let andorra: TestUser;
  let participant: TestUser;

  const mails = (to: string) =>
    env.deps.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('to_address', '=', to)
      .orderBy('created_at')
      .execute();
  const auditCount = (entityId: string, action: string) =>
    env.deps.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('entity_id', '=', entityId)
      .where('action', '=', action)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));

  async function newApplicant(name?: string, over: Parameters<typeof createOrganisation>[1] = {}) {
    const org = await createOrganisation(env, { name, ...over });
    const rep = await representative(env, org.id);
    return { org, rep };
  }

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    process = await createTestProcess(env);
    liechtenstein = await focalPoint(env, process.id, 'LI');
    andorra = await focalPoint(env, process.id, 'AD');
    participant = await createTestUser(env);
  });
  afterAll(async () => env?.close());

  it('puts an application to the member states until midnight in the process’s zone, and tells everyone', async () => {
    // 23:30 on 10 January in New York, already 11 January in UTC.
    clock.set(new Date('2027-01-11T04:30:00Z'));
    const { org, rep } = await newApplicant('Coastal Rights Network');
    const app = await applyForAccreditation(
      env.ctx(rep.actor),
      process.slug,
      applicationInput(org.id, meetingId(process, 'First session'), {
        contactEmail: 'coastal@example.org',
      }),
    );
    expect(app.outcome).toBe('pending');
    // Ten whole days (11–20 January) end at 00:00 on 21 January, New York time (UTC-5).
    expect(app.objectionDeadline.toISOString()).toBe('2027-01-21T05:00:00.000Z');
    expect(app.objections).toEqual({ count: 0, states: null, reasons: null });
    const toApplicant = await mails('coastal@example.org');
    expect(toApplicant.map((m) => m.subject)).toEqual([
      `Application received: Coastal Rights Network to ${process.name}`,
    ]);
    expect(toApplicant[0]!.text_body).toContain('2027-01-21T05:00:00Z');
    for (const fp of [liechtenstein, andorra]) {
      const inbox = await mails(fp.email);
      expect(inbox.at(-1)?.subject).toBe(
        `New application for accreditation: Coastal Rights Network to ${process.name}`,
      );
    }
  });

  it('refuses applications it must refuse, with reasons tied to the fields', async () => {
    clock.set(new Date('2027-01-12T12:00:00Z'));
    const { org, rep } = await newApplicant();
    const input = applicationInput(org.id, meetingId(process, 'First session'));
    expect((await refusal(applyForAccreditation(env.ctx(ANONYMOUS), process.id, input))).code).toBe(
      'unauthenticated',
    );
    expect(
      (await refusal(applyForAccreditation(env.ctx(participant.actor), process.id, input))).code,
    ).toBe('forbidden');
    const other = await newApplicant();
    expect(
      (await refusal(applyForAccreditation(env.ctx(other.rep.actor), process.id, input))).code,
    ).toBe('forbidden');

    const bad = await refusal(
      applyForAccreditation(env.ctx(rep.actor), process.id, {
        ...input,
        statement: 'short',
        expertise: ['not-a-theme'],
        contactEmail: 'not an email',
        extra: 'field',
      }),
    );
    expect(bad.code).toBe('validation');
    expect(bad.errors.map((e) => e.path).sort()).toEqual(
      ['/contactEmail', '/extra', '/statement'].sort(),
    );
    const theme = await refusal(
      applyForAccreditation(env.ctx(rep.actor), process.id, { ...input, expertise: ['nope'] }),
    );
    expect(theme.errors).toEqual([
      { path: '/expertise', message: 'Choose among the listed themes.' },
    ]);

    const elsewhere = await createTestProcess(env);
    const wrongMeeting = await refusal(
      applyForAccreditation(env.ctx(rep.actor), process.id, {
        ...input,
        meetingId: meetingId(elsewhere, 'First session'),
      }),
    );
    expect(wrongMeeting.errors[0]?.path).toBe('/meetingId');

    const government = await createOrganisation(env, { stakeholderGroup: 'government' });
    const govRep = await representative(env, government.id);
    const gov = await refusal(
      applyForAccreditation(
        env.ctx(govRep.actor),
        process.id,
        applicationInput(government.id, meetingId(process, 'First session')),
      ),
    );
    expect(gov.errors[0]?.path).toBe('/organisationId');

    // 10 days from 20 February end on 3 March, after the first session begins on 1 March.
    clock.set(new Date('2027-02-20T12:00:00Z'));
    const tooLate = await refusal(applyForAccreditation(env.ctx(rep.actor), process.id, input));
    expect(tooLate.errors[0]?.message).toMatch(/would end after this session begins/);
    clock.set(new Date('2027-03-02T12:00:00Z'));
    const begun = await refusal(applyForAccreditation(env.ctx(rep.actor), process.id, input));
    expect(begun.errors[0]?.message).toBe('This session has already begun.');

    for (const modality of ['open', 'closed'] as const) {
      const p = await createTestProcess(env, { modality });
      const refused = await refusal(
        applyForAccreditation(
          env.ctx(rep.actor),
          p.id,
          applicationInput(org.id, meetingId(p, 'Second session')),
        ),
      );
      expect(refused.code).toBe('conflict');
    }
  });

  it('lets focal points object strictly before the deadline, once per state, and refuses everyone else', async () => {
    clock.set(new Date('2027-01-15T15:00:00Z'));
    const { org, rep } = await newApplicant('Baltic Law Centre');
    const app = await applyForAccreditation(
      env.ctx(rep.actor),
      process.id,
      applicationInput(org.id, meetingId(process, 'First session'), {
        contactEmail: 'baltic@example.org',
      }),
    );
    const deadline = app.objectionDeadline;
    expect(deadline.toISOString()).toBe('2027-01-26T05:00:00.000Z');

    clock.set(new Date(deadline.getTime() - 1));
    const objected = await objectToApplication(env.ctx(liechtenstein.actor), process.id, app.id, {
      reason: 'SECRET-REASON-of-the-state',
    });
    expect(objected.ownObjection).toEqual({ reason: 'SECRET-REASON-of-the-state' });
    expect(objected.canWithdraw).toBe(true);
    expect(objected.objections.count).toBe(1);
    // Under a secretariat-only policy another state sees the count, not who objected.
    const seenByAndorra = (await listForReview(env.ctx(andorra.actor), process.id)).items.find(
      (i) => i.id === app.id,
    )!;
    expect(seenByAndorra.objections).toEqual({ count: 1, states: null, reasons: null });
    expect(seenByAndorra.contacts).toBeNull();
    expect(seenByAndorra.canObject).toBe(true);
    // The secretariat sees the state, the reason and the contacts.
    const seenBySecretariat = (await listForReview(env.ctx(), process.id)).items.find(
      (i) => i.id === app.id,
    )!;
    expect(seenBySecretariat.objections).toEqual({
      count: 1,
      states: ['LI'],
      reasons: ['SECRET-REASON-of-the-state'],
    });
    expect(seenBySecretariat.contacts?.email).toBe('baltic@example.org');

    expect(
      (await refusal(objectToApplication(env.ctx(liechtenstein.actor), process.id, app.id, {})))
        .message,
    ).toBe('Your delegation already objects to this application.');
    expect(
      (await refusal(objectToApplication(env.ctx(participant.actor), process.id, app.id, {}))).code,
    ).toBe('forbidden');
    expect(
      (await refusal(objectToApplication(env.ctx(rep.actor), process.id, app.id, {}))).code,
    ).toBe('forbidden');
    const undelegated = await createTestUser(env, [
      { role: 'focal-point', scopeType: 'process', scopeId: process.id },
    ]);
    expect(
      (await refusal(objectToApplication(env.ctx(undelegated.actor), process.id, app.id, {})))
        .message,
    ).toMatch(/not registered as the focal point/);
    expect(
      (
        await refusal(
          objectToApplication(env.ctx(andorra.actor), process.id, app.id, {
            reason: 'x'.repeat(2001),
          }),
        )
      ).code,
    ).toBe('validation');

    // At the deadline's instant the period is over: no objection, no withdrawal.
    clock.set(deadline);
    const late = await refusal(objectToApplication(env.ctx(andorra.actor), process.id, app.id, {}));
    expect(late.code).toBe('conflict');
    expect(late.message).toMatch(/period ended on .*2027-01-26T05:00:00Z/);
    expect(
      (await refusal(withdrawObjection(env.ctx(liechtenstein.actor), process.id, app.id))).code,
    ).toBe('conflict');

    const applicantMail = await mails('baltic@example.org');
    expect(applicantMail.map((m) => m.subject)).toContain(
      `An objection was raised to your application to ${process.name}`,
    );
    const lastLi = (await mails(liechtenstein.email)).at(-1)!;
    expect(lastLi.subject).toBe(`Objection recorded: Baltic Law Centre to ${process.name}`);
    // The applicant is never told which state objected, nor why, under this policy.
    for (const m of applicantMail) {
      expect(`${m.subject}${m.text_body}`).not.toMatch(/Liechtenstein|SECRET-REASON/);
    }
  });

  it('decides at the deadline and only then, exactly once, and emails the outcome', async () => {
    clock.set(new Date('2027-01-16T15:00:00Z'));
    const { org, rep } = await newApplicant('Refused Organisation');
    const app = await applyForAccreditation(
      env.ctx(rep.actor),
      process.id,
      applicationInput(org.id, meetingId(process, 'First session'), {
        contactEmail: 'refused@example.org',
      }),
    );
    await objectToApplication(env.ctx(andorra.actor), process.id, app.id, { reason: 'Because.' });
    const { org: org2, rep: rep2 } = await newApplicant('Withdrawn-objection Organisation');
    const app2 = await applyForAccreditation(
      env.ctx(rep2.actor),
      process.id,
      applicationInput(org2.id, meetingId(process, 'First session'), {
        contactEmail: 'welcome@example.org',
      }),
    );
    await objectToApplication(env.ctx(liechtenstein.actor), process.id, app2.id, {});
    const withdrawn = await withdrawObjection(env.ctx(liechtenstein.actor), process.id, app2.id);
    expect(withdrawn.objections.count).toBe(0);
    expect(withdrawn.canObject).toBe(true);

    clock.set(new Date(app.objectionDeadline.getTime() - 1));
    const early = await decideDueApplications(env.ctx());
    expect(early.ids).not.toContain(app.id);

    clock.set(app.objectionDeadline);
    const run = await decideDueApplications(env.ctx());
    expect(run.ids).toEqual(expect.arrayContaining([app.id, app2.id]));
    const register = await getRegister(env.ctx(), process.id);
    const decided = register.items.find((a) => a.id === app.id)!;
    expect(decided.outcome).toBe('refused');
    expect(decided.decidedAt?.toISOString()).toBe(app.objectionDeadline.toISOString());
    expect(decided.objections).toEqual({ count: 1, states: null, reasons: null });
    expect(register.items.find((a) => a.id === app2.id)!.outcome).toBe('accredited');

    const again = await decideDueApplications(env.ctx());
    expect(again.ids).not.toContain(app.id);
    expect(await auditCount(app.id, 'accreditation.decide')).toBe(1);
    const outcomeMail = (await mails('refused@example.org')).filter((m) =>
      m.subject.startsWith('Not accredited'),
    );
    expect(outcomeMail).toHaveLength(1);
    expect(outcomeMail[0]!.text_body).toContain('You may apply again for a later session');
    expect(outcomeMail[0]!.text_body).not.toMatch(/Andorra|Because\./);
    expect((await mails('welcome@example.org')).at(-1)?.subject).toBe(
      `Accredited: Withdrawn-objection Organisation to ${process.name}`,
    );
    expect((await mails(andorra.email)).at(-1)?.subject).toMatch(/^Decided: /);

    // Refused for the first session: not again for it, nor while accredited; a later one is fine.
    clock.set(new Date('2027-02-01T12:00:00Z'));
    const same = await refusal(
      applyForAccreditation(
        env.ctx(rep.actor),
        process.id,
        applicationInput(org.id, meetingId(process, 'First session')),
      ),
    );
    expect(same.code).toBe('conflict');
    const later = await applyForAccreditation(
      env.ctx(rep.actor),
      process.id,
      applicationInput(org.id, meetingId(process, 'Second session')),
    );
    expect(later.outcome).toBe('pending');
    const twice = await refusal(
      applyForAccreditation(
        env.ctx(rep2.actor),
        process.id,
        applicationInput(org2.id, meetingId(process, 'Second session')),
      ),
    );
    expect(twice.message).toBe('This organisation is already accredited to this process.');
    const pendingAgain = await refusal(
      applyForAccreditation(
        env.ctx(rep.actor),
        process.id,
        applicationInput(org.id, meetingId(process, 'Second session')),
      ),
    );
    expect(pendingAgain.code).toBe('conflict');
  });

  it('decides each application once when several runners race', async () => {
    const racing = await createTestProcess(env, {
      meetings: [{ title: 'Race session', startsOn: '2027-06-01', endsOn: '2027-06-02' }],
    });
    const fp = await focalPoint(env, racing.id, 'MC');
    clock.set(new Date('2027-04-01T12:00:00Z'));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { org, rep } = await newApplicant(`Racer ${i}`);
      const app = await applyForAccreditation(
        env.ctx(rep.actor),
        racing.id,
        applicationInput(org.id, meetingId(racing, 'Race session'), {
          contactEmail: `racer-${kind}-${i}@example.org`,
        }),
      );
      if (i % 3 === 0) await objectToApplication(env.ctx(fp.actor), racing.id, app.id, {});
      ids.push(app.id);
    }
    clock.set(new Date('2027-05-01T12:00:00Z'));
    const runs = await Promise.all([
      decideDueApplications(env.ctx(), { batchSize: 3 }),
      decideDueApplications(env.ctx(), { batchSize: 3 }),
      decideDueApplications(env.ctx(), { batchSize: 5 }),
    ]);
    const decided = runs.flatMap((r) => r.ids).filter((id) => ids.includes(id));
    expect(decided.sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) {
      expect(await auditCount(id, 'accreditation.decide')).toBe(1);
      const outcome = await mails(`racer-${kind}-${i}@example.org`);
      expect(outcome.filter((m) => /^(Accredited|Not accredited):/.test(m.subject))).toHaveLength(
        1,
      );
    }
    const register = await getRegister(env.ctx(), racing.id);
    expect(register.statistics.byStakeholderGroup).toEqual([
      { value: 'civil-society', applied: 12, accredited: 8, refused: 4, pending: 0 },
    ]);
  });

  it('admits organisations on their ECOSOC status where the process says so', async () => {
    clock.set(new Date('2027-01-20T12:00:00Z'));
    const exempt = await createTestProcess(env, { ecosocExempt: true });
    const withStatus = await newApplicant('With Status', { ecosocStatus: true });
    const accredited = await applyForAccreditation(
      env.ctx(withStatus.rep.actor),
      exempt.id,
      applicationInput(withStatus.org.id, meetingId(exempt, 'First session'), {
        ecosocStatus: true,
      }),
    );
    expect(accredited).toMatchObject({ outcome: 'accredited', basis: 'ecosoc' });
    expect(accredited.decidedAt?.toISOString()).toBe('2027-01-20T12:00:00.000Z');
    // Declaring a status the directory does not record goes through the objection period.
    const claimed = await newApplicant('Claims Status', { ecosocStatus: false });
    const pending = await applyForAccreditation(
      env.ctx(claimed.rep.actor),
      exempt.id,
      applicationInput(claimed.org.id, meetingId(exempt, 'First session'), { ecosocStatus: true }),
    );
    expect(pending).toMatchObject({ outcome: 'pending', basis: 'non-objection' });

    const only = await createTestProcess(env, { modality: 'ecosoc-only' });
    const refused = await refusal(
      applyForAccreditation(
        env.ctx(claimed.rep.actor),
        only.id,
        applicationInput(claimed.org.id, meetingId(only, 'First session'), { ecosocStatus: true }),
      ),
    );
    expect(refused.errors[0]?.path).toBe('/ecosocStatus');
    const admitted = await applyForAccreditation(
      env.ctx(withStatus.rep.actor),
      only.id,
      applicationInput(withStatus.org.id, meetingId(only, 'First session'), { ecosocStatus: true }),
    );
    expect(admitted.outcome).toBe('accredited');
  });

  it('works through the API and the pages, as a browser and a client would', async () => {
    clock.set(new Date('2027-01-22T12:00:00Z'));
    const { org, rep } = await newApplicant('Form Organisation');
    const agent = await signedInAgent(env, rep);
    const form = await agent.get(`/processes/${process.slug}/apply`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Form Organisation');
    expect(form.body).toContain('name="contactEmail"');

    const invalid = await agent.postForm(`/processes/${process.slug}/apply`, {
      organisationId: org.id,
      meetingId: meetingId(process, 'First session'),
      statement: 'Too short',
      ecosocStatus: 'no',
      contactName: 'Form Contact',
      contactEmail: 'form@example.org',
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Use at least 20 characters.');
    expect(invalid.body).toContain('value="form@example.org"');
    expect(invalid.body).toContain('Too short');

    const ok = await agent.postForm(`/processes/${process.slug}/apply`, {
      organisationId: org.id,
      meetingId: meetingId(process, 'First session'),
      statement: 'We train incident responders across the region.',
      ecosocStatus: 'no',
      expertise: ['incident-management', 'cbms'],
      contactName: 'Form Contact',
      contactEmail: 'form@example.org',
      contactPhone: '+254 20 000 0000',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/processes/${process.slug}/apply?done=1`);
    const done = await agent.get(ok.headers.location as string);
    expect(done.body).toContain('Your application was received');
    expect(done.body).toContain('Awaiting decision');
    const duplicate = await agent.postForm(`/processes/${process.slug}/apply`, {
      organisationId: org.id,
      meetingId: meetingId(process, 'First session'),
      statement: 'We train incident responders across the region.',
      ecosocStatus: 'no',
      expertise: 'cbms',
      contactName: 'Form Contact',
      contactEmail: 'form@example.org',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toContain('still awaiting its decision');

    // The focal point reviews, objects and withdraws through the page.
    const fp = await signedInAgent(env, andorra);
    const review = await fp.get(`/processes/${process.slug}/applications`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Form Organisation');
    expect(review.body).toContain('as the focal point of Andorra');
    expect(review.body).not.toContain('form@example.org');
    const app = (await listForReview(env.ctx(andorra.actor), process.id)).items.find(
      (i) => i.organisation.name === 'Form Organisation',
    )!;
    const objected = await fp.postForm(`/processes/${process.slug}/applications/${app.id}/object`, {
      reason: 'A reason',
    });
    expect(objected.statusCode).toBe(303);
    const after = await fp.get(`/processes/${process.slug}/applications`);
    expect(after.body).toContain('Your delegation objects to this application.');
    const withdrawn = await fp.postForm(
      `/processes/${process.slug}/applications/${app.id}/withdraw`,
      {},
    );
    expect(withdrawn.statusCode).toBe(303);
    const again = await fp.postForm(
      `/processes/${process.slug}/applications/${app.id}/withdraw`,
      {},
    );
    expect(again.statusCode).toBe(404);
    expect(
      (
        await fp.postForm(
          `/processes/${process.slug}/applications/${app.id}/object`,
          {},
          { csrf: 'forged' },
        )
      ).statusCode,
    ).toBe(403);

    // The JSON API, with the CSRF header a script on the site would send.
    const other = await newApplicant('API Organisation');
    const client = await signedInAgent(env, other.rep);
    await client.get('/processes');
    const created = await client.request('POST', `/api/v1/processes/${process.id}/applications`, {
      json: applicationInput(other.org.id, meetingId(process, 'First session')),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      outcome: 'pending',
      organisation: { name: 'API Organisation' },
    });
    expect(created.body).not.toContain('contact@example.org');
    const problem = await client.request('POST', `/api/v1/processes/${process.id}/applications`, {
      json: { organisationId: 'nope' },
    });
    expect(problem.statusCode).toBe(422);
    expect(problem.headers['content-type']).toMatch(/problem\+json/);
    const objection = await new TestAgent(env.app).request(
      'POST',
      `/api/v1/processes/${process.id}/applications/${created.json().id}/objections`,
      { json: {} },
    );
    expect(objection.statusCode).toBe(403);
    const unknownQuery = await env.app.inject(`/api/v1/processes/${process.id}/register?sort=x`);
    expect(unknownQuery.statusCode).toBe(400);
    const review401 = await env.app.inject(`/api/v1/processes/${process.id}/applications`);
    expect(review401.statusCode).toBe(401);
    const missing = await env.app.inject('/api/v1/processes/no-such-process');
    expect(missing.statusCode).toBe(404);
  });

  it('answers generated bad input with a 4xx, never a 500', async () => {
    const { org, rep } = await newApplicant('Fuzzed Organisation');
    const agent = await signedInAgent(env, rep);
    await agent.get('/processes');
    clock.set(new Date('2027-01-25T12:00:00Z'));
    const app = await applyForAccreditation(
      env.ctx(rep.actor),
      process.id,
      applicationInput(org.id, meetingId(process, 'Second session')),
    );
    const urls = [
      `/api/v1/processes/${process.id}/applications`,
      `/api/v1/processes/${process.id}/applications/${app.id}/objections`,
      `/api/v1/processes/${process.id}/meetings`,
      `/api/v1/processes/${process.id}/delegations`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...urls),
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            organisationId: fc.oneof(fc.constant(org.id), fc.string()),
            meetingId: fc.oneof(fc.constant(meetingId(process, 'Second session')), fc.uuid()),
            statement: fc.string({ maxLength: 6000 }),
            ecosocStatus: fc.anything(),
            expertise: fc.array(fc.string(), { maxLength: 12 }),
            contactName: fc.string(),
            contactEmail: fc.string(),
            contactPhone: fc.option(fc.string(), { nil: null }),
          }),
        ),
        async (url, body) => {
          const response = await agent.request('POST', url, { json: body });
          expect(
            response.statusCode,
            `${url} ${JSON.stringify(body)}: ${response.body}`,
          ).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (key, value) => {
        const query = new URLSearchParams({ [key]: value }).toString();
        const response = await env.app.inject(`/api/v1/processes/${process.id}/register?${query}`);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
