/**
 * Accreditation applications and consultation submissions are rate limited per member through the
 * accounts module's `checkRateLimit`: the API answers 429 problem JSON with Retry-After, the form
 * pages are shown again with the message and what was typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  applicationInput,
  createOrganisation,
  createTestProcess,
  meetingId,
  representative,
} from '../../../test/factories/processes.ts';
import { multipart } from '../../../test/factories/documents.ts';
import { ManualClock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import {
  applyForAccreditation,
  createConsultation,
  submitToConsultation,
  type Process,
} from './index.ts';
import { SUBMISSION_LIMITS } from './processes.ts';

/** The error code a call ends with ('ok' when it succeeds). */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe.each(databaseKinds())('submission rate limits in processes on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-20T12:00:00Z'));
  let process: Process;

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    process = await createTestProcess(env);
  });
  afterAll(async () => env?.close());

  it('limits applications for accreditation per member: API 429 with Retry-After, form message', async () => {
    const org = await createOrganisation(env, { name: 'Busy Applicant' });
    const rep = await representative(env, org.id);
    const input = applicationInput(org.id, meetingId(process, 'First session'));
    // The first is accepted, the next ones refused as duplicates: every attempt counts.
    const outcomes = [];
    for (let i = 0; i < SUBMISSION_LIMITS.applications.limit; i++)
      outcomes.push(await outcome(applyForAccreditation(env.ctx(rep.actor), process.id, input)));
    expect(outcomes[0]).toBe('ok');
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['conflict']));

    const agent = await signedInAgent(env, rep);
    const form = await agent.get(`/processes/${process.slug}/apply`);
    expect(form.statusCode).toBe(200);
    const api = await agent.request('POST', `/api/v1/processes/${process.id}/applications`, {
      json: input,
    });
    expect(api.statusCode).toBe(429);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 429, type: 'about:blank#rate_limited' });
    const retryAfter = Number(api.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(SUBMISSION_LIMITS.applications.windowSeconds);

    const page = await agent.postForm(`/processes/${process.slug}/apply`, {
      organisationId: org.id,
      meetingId: meetingId(process, 'First session'),
      statement: 'A statement kept when the form is shown again.',
      ecosocStatus: 'no',
      expertise: 'cbms',
      contactName: 'Form Contact',
      contactEmail: 'form@example.org',
    });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(page.body).toContain('Too many attempts. Please wait');
    expect(page.body).toContain('A statement kept when the form is shown again.');

    // Another member is not held back by the first one's attempts.
    const other = await createOrganisation(env);
    const otherRep = await representative(env, other.id);
    expect(
      await outcome(
        applyForAccreditation(
          env.ctx(otherRep.actor),
          process.id,
          applicationInput(other.id, meetingId(process, 'First session')),
        ),
      ),
    ).toBe('ok');

    clock.advance(SUBMISSION_LIMITS.applications.windowSeconds * 1000);
    expect(await outcome(applyForAccreditation(env.ctx(rep.actor), process.id, input))).toBe(
      'conflict',
    );
  });

  it('limits consultation submissions per member: API 429 with Retry-After, form message', async () => {
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const consultation = await createConsultation(env.ctx(), process.id, {
      slug: `rate-limited-${kind}`,
      title: 'A draft many write to',
      kind: 'draft',
      paragraphs: ['First paragraph.', 'Second paragraph.'],
      opensAt: '2027-02-01T00:00:00Z',
      closesAt: '2027-03-01T17:00:00Z',
      eligibility: 'everyone',
    });
    const writer = await createTestUser(env, [], 'Eager Writer');
    const outcomes = [];
    for (let i = 0; i < SUBMISSION_LIMITS.consultationSubmissions.limit; i++)
      outcomes.push(
        await outcome(
          submitToConsultation(env.ctx(writer.actor), consultation.id, { text: `Input ${i}` }),
        ),
      );
    expect(outcomes[0]).toBe('ok');
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['conflict']));

    const agent = await signedInAgent(env, writer);
    await agent.get(`/consultations/${consultation.slug}/submit`);
    const api = await agent.request(
      'POST',
      `/api/v1/consultations/${consultation.id}/submissions`,
      { json: { text: 'One more through the API' } },
    );
    expect(api.statusCode).toBe(429);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 429, type: 'about:blank#rate_limited' });
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);

    const body = multipart([
      { name: '_csrf', value: agent.csrf ?? '' },
      { name: 'text', value: 'Typed input kept on the form' },
    ]);
    const page = await agent.request('POST', `/consultations/${consultation.slug}/submit`, {
      headers: { 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
    });
    expect(page.statusCode).toBe(429);
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(page.body).toContain('Too many attempts. Please wait');
    expect(page.body).toContain('Typed input kept on the form');
  });
});
