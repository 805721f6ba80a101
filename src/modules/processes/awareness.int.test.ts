/**
 * Processes plug into the awareness module: sessions, non-objection periods and consultations
 * closing reach the public calendars, and processes and consultations the sitemap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { calendarEvents, sitemapUrls } from '../../../test/helpers/awareness.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  applicationInput,
  createOrganisation,
  createTestProcess,
  meetingId,
  representative,
} from '../../../test/factories/processes.ts';
import { ManualClock } from '../../platform/clock.ts';
import { applyForAccreditation, createConsultation, type Process } from './index.ts';

const BASE = 'https://commons.example';

describe.each(databaseKinds())('processes in calendars and the sitemap on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-20T12:00:00Z'));
  let process: Process;
  let applicationId: string;
  let consultationId: string;

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock, config: { baseUrl: BASE } });
    process = await createTestProcess(env, { name: 'Calendar Working Group' });
    const org = await createOrganisation(env, { name: 'Calendar Watch' });
    const rep = await representative(env, org.id);
    const application = await applyForAccreditation(
      env.ctx(rep.actor),
      process.id,
      applicationInput(org.id, meetingId(process, 'First session')),
    );
    applicationId = application.id;
    const consultation = await createConsultation(env.ctx(), process.id, {
      slug: `calendar-draft-${kind}`,
      title: 'Draft report on calendars',
      kind: 'draft',
      paragraphs: ['Only paragraph.'],
      opensAt: '2027-02-01T00:00:00Z',
      closesAt: '2027-03-01T17:00:00Z',
      eligibility: 'everyone',
    });
    consultationId = consultation.id;
  });
  afterAll(async () => env?.close());

  it('puts sessions, non-objection periods and consultations in the public calendar', async () => {
    const response = await env.app.inject('/calendar/deadlines.ics');
    expect(response.statusCode).toBe(200);
    const events = calendarEvents(response.body);
    const first = process.meetings.find((m) => m.title === 'First session')!;
    // Whole days in New York (UTC-5 in March): 1 March 00:00 to 6 March 00:00.
    expect(events).toContainEqual({
      uid: `process-meeting-${first.id}@commons.example`,
      summary: 'Calendar Working Group: First session',
      start: '2027-03-01T05:00:00.000Z',
      end: '2027-03-06T05:00:00.000Z',
      url: `${BASE}/en/processes/${process.slug}`,
      categories: ['Session'],
    });
    const objection = events.find(
      (e) => e.uid === `accreditation-${applicationId}@commons.example`,
    );
    expect(objection).toMatchObject({
      summary: 'Calendar Watch — Calendar Working Group',
      url: `${BASE}/en/processes/${process.slug}/register`,
      categories: ['Non-objection period ends'],
    });
    // Ten whole days from 20 January in New York end at 00:00 on 31 January (UTC-5).
    expect(objection!.start).toBe('2027-01-31T05:00:00.000Z');
    expect(events).toContainEqual(
      expect.objectContaining({
        uid: `consultation-${consultationId}@commons.example`,
        summary: 'Draft report on calendars — Calendar Working Group',
        start: '2027-03-01T17:00:00.000Z',
        url: `${BASE}/en/consultations/calendar-draft-${kind}`,
        categories: ['Consultation closes'],
      }),
    );

    const own = calendarEvents(
      (await env.app.inject(`/fr/calendar/processes/${process.slug}.ics`)).body,
    );
    expect(own.map((e) => e.uid)).toEqual(
      expect.arrayContaining([
        `process-meeting-${first.id}@commons.example`,
        `accreditation-${applicationId}@commons.example`,
        // A consultation of the process is on its page of its own, and in the process's calendar.
        `consultation-${consultationId}@commons.example`,
      ]),
    );
    expect(
      own.every(
        (e) =>
          e.url.startsWith(`${BASE}/fr/processes/${process.slug}`) ||
          e.url === `${BASE}/fr/consultations/calendar-draft-${kind}`,
      ),
    ).toBe(true);
  });

  it('drops what is over: a closed consultation, an ended period, a past session', async () => {
    clock.set(new Date('2027-03-06T06:00:00Z'));
    const uids = calendarEvents((await env.app.inject('/calendar/deadlines.ics')).body).map(
      (e) => e.uid,
    );
    const [first, second] = process.meetings;
    expect(uids).not.toContain(`process-meeting-${first!.id}@commons.example`);
    expect(uids).toContain(`process-meeting-${second!.id}@commons.example`);
    expect(uids).not.toContain(`accreditation-${applicationId}@commons.example`);
    expect(uids).not.toContain(`consultation-${consultationId}@commons.example`);
  });

  it('lists processes, their registers and consultations in the sitemap', async () => {
    const response = await env.app.inject('/sitemap.xml');
    expect(response.statusCode).toBe(200);
    const locs = sitemapUrls(response.body).map((u) => u.loc);
    expect(locs).toEqual(
      expect.arrayContaining([
        `${BASE}/processes/${process.slug}`,
        `${BASE}/processes/${process.slug}/register`,
        `${BASE}/consultations/calendar-draft-${kind}`,
      ]),
    );
    // Every page listed answers 200 to an anonymous visitor.
    for (const loc of locs.filter((l) => /\/(processes|consultations)\//.test(l))) {
      const page = await env.app.inject(loc.slice(BASE.length));
      expect(page.statusCode, loc).toBe(200);
    }
  });
});
