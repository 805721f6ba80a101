import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { ManualClock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import { createCall, createEvent } from './events.service.ts';
import {
  getInvitation,
  proposalDiversity,
  respondToInvitation,
  saveProposal,
  proposalScreening,
  withdrawProposal,
} from './proposals.service.ts';
import { addReviewer } from './pool.service.ts';
import {
  assignCall,
  callRanking,
  nextProposal,
  releaseDecisions,
  setDecision,
  submitReview,
  declareConflict,
} from './review.service.ts';
import {
  fileReport,
  getScheduledSession,
  placeSession,
  recordSessionFigures,
} from './schedule.service.ts';
import type { EventRecord, Call } from './events.present.ts';

const OPEN = new Date('2025-03-01T00:00:00Z');
const CLOSE = new Date('2025-04-01T00:00:00Z');

async function rejected(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const panel = (suffix: string) => [
  {
    role: 'proposer' as const,
    name: 'Pat Proposer',
    email: `pat-${suffix}@example.org`,
    organisation: 'Org A',
    stakeholderGroup: 'civil-society',
    country: 'KE',
  },
  {
    role: 'speaker' as const,
    name: 'S One',
    email: `s1-${suffix}@example.org`,
    organisation: 'Org B',
    stakeholderGroup: 'government',
    country: 'FJ',
  },
  {
    role: 'speaker' as const,
    name: 'S Two',
    email: `s2-${suffix}@example.org`,
    organisation: 'Org C',
    stakeholderGroup: 'academia',
    country: 'PL',
  },
  {
    role: 'speaker' as const,
    name: 'S Three',
    email: `s3-${suffix}@example.org`,
    organisation: 'Org D',
    stakeholderGroup: 'private-sector',
    country: 'BR',
  },
  {
    role: 'onsite-moderator' as const,
    name: 'M On',
    email: `m1-${suffix}@example.org`,
    organisation: 'Org E',
    stakeholderGroup: 'technical-community',
    country: 'JP',
  },
  {
    role: 'online-moderator' as const,
    name: 'M Off',
    email: `m2-${suffix}@example.org`,
    organisation: 'Org F',
    stakeholderGroup: 'igo',
    country: 'FR',
  },
  {
    role: 'rapporteur' as const,
    name: 'R Apporteur',
    email: `r-${suffix}@example.org`,
    organisation: 'Org A',
    stakeholderGroup: 'civil-society',
    country: 'KE',
  },
];

const full = (suffix: string, submit = true) => ({
  title: `Workshop ${suffix}`,
  format: 'panel',
  content: 'Content',
  relevance: 'Relevance',
  policyQuestion: 'Question?',
  tags: ['norms'],
  onlinePlan: 'Plan',
  facilitationPlan: 'Plan',
  people: panel(suffix),
  submit,
});

describe.each(databaseKinds())('events on %s', (kind) => {
  let env: TestEnv;
  let clock: ManualClock;
  let event: EventRecord;
  let call: Call;
  let proposer: TestUser;
  let organiser: TestUser;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2025-02-01T00:00:00Z'));
    env = await createTestEnv(kind, { clock });
    organiser = await createTestUser(
      env,
      [{ role: 'event-organiser', scopeType: 'site' }],
      'Olga Organiser',
    );
    proposer = await createTestUser(env, [], 'Pat Proposer');
    event = await createEvent(env.ctx(organiser.actor), {
      name: 'Test Forum',
      place: 'Oslo',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Europe/Oslo',
      rooms: [{ name: 'A' }, { name: 'B' }],
      slots: [
        { startsAt: '2025-06-23T07:00:00Z', endsAt: '2025-06-23T08:30:00Z' },
        { startsAt: '2025-06-23T08:00:00Z', endsAt: '2025-06-23T09:00:00Z' },
        { startsAt: '2025-06-23T12:00:00Z', endsAt: '2025-06-23T12:30:00Z' },
      ],
    });
    call = await createCall(env.ctx(organiser.actor), event.id, {
      title: 'Call',
      opensAt: OPEN.toISOString(),
      closesAt: CLOSE.toISOString(),
      reviewsPerProposal: 2,
      phases: [
        {
          name: 'Review',
          startsAt: '2025-04-02T00:00:00Z',
          endsAt: '2025-05-01T00:00:00Z',
          blind: true,
        },
      ],
    });
  });
  afterAll(async () => env?.close());

  it('refuses bad input with field errors, never a 500', async () => {
    const error = await rejected(
      createEvent(env.ctx(organiser.actor), {
        name: 'X',
        place: 'Y',
        startsOn: '2025-01-02',
        endsOn: '2025-01-01',
        timeZone: 'Mars/Base',
        rooms: [{ name: 'A' }, { name: 'a' }],
      }),
    );
    expect(error.status).toBe(422);
    expect(error.errors.map((e) => e.path).sort()).toEqual([
      '/endsOn',
      '/rooms/1/name',
      '/timeZone',
    ]);
    const agent = await signedInAgent(env, proposer);
    await agent.get('/events');
    const bad = await agent.request('POST', `/api/v1/calls/${call.id}/proposals`, {
      json: { title: 5, unknown: true },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toContain('/unknown');
    const missing = await agent.request('POST', `/api/v1/calls/not-a-call/proposals`, { json: {} });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps to the deadline: not before opening, drafts and edits until closing, late submissions refused, withdrawal any time', async () => {
    const ctx = () => env.ctx(proposer.actor);
    clock.set(new Date('2025-02-15T00:00:00Z'));
    expect(
      (await rejected(saveProposal(ctx(), { callId: call.id }, { title: 'Early' }))).message,
    ).toMatch(/opens on/);
    clock.set(new Date('2025-03-10T00:00:00Z'));
    const draft = await saveProposal(ctx(), { callId: call.id }, { title: 'Draft one' });
    expect(draft.status).toBe('draft');
    const submitIncomplete = await rejected(
      saveProposal(ctx(), { proposalId: draft.id }, { title: 'Draft one', submit: true }),
    );
    expect(submitIncomplete.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/format', '/content', '/relevance']),
    );
    clock.set(new Date(CLOSE.getTime() - 1000));
    const edited = await saveProposal(
      ctx(),
      { proposalId: draft.id },
      { title: 'Draft one, edited' },
    );
    expect(edited.title).toBe('Draft one, edited');
    clock.set(new Date(CLOSE.getTime() + 1000));
    const late = await rejected(saveProposal(ctx(), { proposalId: draft.id }, full('late')));
    expect(late.status).toBe(409);
    expect(late.message).toMatch(/closed on 1 April 2025.*Late submissions are not accepted/);
    const lateNew = await rejected(saveProposal(ctx(), { callId: call.id }, full('late2')));
    expect(lateNew.message).toMatch(/Late submissions are not accepted/);
    const withdrawn = await withdrawProposal(ctx(), draft.id);
    expect(withdrawn.status).toBe('withdrawn');
    expect((await rejected(withdrawProposal(ctx(), draft.id))).status).toBe(409);
  });

  it('invites people with single-use links and keeps their declarations private in the diversity assessment', async () => {
    clock.set(new Date('2025-03-12T00:00:00Z'));
    const p = await saveProposal(env.ctx(proposer.actor), { callId: call.id }, full('a'));
    expect(p.status).toBe('submitted');
    const mails = await env.deps.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'text_body'])
      .where('category', '=', 'events.invitation')
      .execute();
    const tokens = new Map<string, string>();
    for (const m of mails) {
      const token = /\/invitations\/([\w-]+)/.exec(m.text_body)?.[1];
      if (token) tokens.set(m.to_address, token);
    }
    expect(tokens.size).toBe(7);
    const answer = async (who: string, gender: 'woman' | 'man' | null) => {
      const token = tokens.get(`${who}-a@example.org`)!;
      expect((await getInvitation(env.ctx(), token)).status).toBe('pending');
      await respondToInvitation(env.ctx(), token, { accept: true, gender, firstTime: false });
      expect((await rejected(respondToInvitation(env.ctx(), token, { accept: true }))).status).toBe(
        410,
      );
    };
    await answer('s1', 'woman');
    await answer('s2', 'man');
    await answer('s3', 'man');
    let d = (await proposalDiversity(env.ctx(proposer.actor), p.id)).assessment;
    expect(d.declared).toBe(3);
    expect(d.distinctGenders).toBeNull();
    expect(d.checklist.find((c) => c.code === 'gender')).toEqual({
      code: 'gender',
      need: 2,
      have: null,
      status: 'withheld',
    });
    expect(d.stakeholderGroups).toEqual([
      'academia',
      'government',
      'igo',
      'private-sector',
      'technical-community',
    ]);
    // Screening for the proposer withholds the gender outcome; organisers see it.
    const own = (await proposalScreening(env.ctx(proposer.actor), p.id)).screening;
    expect(own.genderDisclosed).toBe(false);
    const org = (await proposalScreening(env.ctx(organiser.actor), p.id)).screening;
    expect(org.genderDisclosed).toBe(true);
    expect(org.outcomes.find((o) => o.rule === 'genderDiversity')?.outcome).toBe('pass');
    await answer('m1', 'man');
    await answer('m2', 'woman');
    await answer('r', null);
    d = (await proposalDiversity(env.ctx(proposer.actor), p.id)).assessment;
    expect(d.declared).toBe(5);
    expect(d.distinctGenders).toBe(2);
    // The API answers counts only: no person's gender anywhere in the response.
    const agent = await signedInAgent(env, proposer);
    const res = await agent.request('GET', `/api/v1/proposals/${p.id}/diversity`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/"gender"\s*:|woman|"man"/);
    const proposalJson = await agent.request('GET', `/api/v1/proposals/${p.id}`);
    expect(proposalJson.body).not.toMatch(/woman|firstTime|first_time/);
    const stranger = await createTestUser(env);
    expect((await rejected(proposalDiversity(env.ctx(stranger.actor), p.id))).status).toBe(404);
    const screening = (await proposalScreening(env.ctx(organiser.actor), p.id)).screening;
    expect(screening.passed).toBe(true);
  });

  it('assigns reviewers without conflicts, serves the next proposal, ranks with z-scores and releases decisions together', async () => {
    clock.set(new Date('2025-03-20T00:00:00Z'));
    const second = await saveProposal(env.ctx(proposer.actor), { callId: call.id }, full('b'));
    const reviewers: TestUser[] = [];
    const orgs = ['Org A', 'Elsewhere 1', 'Elsewhere 2', 'Elsewhere 3'];
    for (const [i, org] of orgs.entries()) {
      const r = await createTestUser(env, [], `Reviewer ${i}`);
      await addReviewer(env.ctx(organiser.actor), event.id, {
        email: r.email,
        stakeholderGroup: ['government', 'academia', 'civil-society', 'private-sector'][i]!,
        organisation: org,
      });
      reviewers.push({
        ...r,
        actor: await (await import('../accounts/index.ts')).actorFor(env.ctx(), r.id),
      });
    }
    const result = await assignCall(env.ctx(organiser.actor), call.id);
    expect(result.unfilled).toEqual([]);
    // Reviewer 0 works at Org A, named on both proposals: never assigned.
    expect(result.assignments.some((a) => a.reviewerId === reviewers[0]!.id)).toBe(false);
    clock.set(new Date('2025-04-05T00:00:00Z'));
    const r1 = reviewers[1]!;
    const next = await nextProposal(env.ctx(r1.actor), call.id);
    expect(next).not.toBeNull();
    const scores = (s: number) => ({
      relevance: s,
      content: s,
      diversity: s,
      format: s,
      'policy-question': s,
    });
    const blocked = await rejected(
      submitReview(env.ctx(reviewers[0]!.actor), second.id, {
        scores: scores(3),
        action: 'accept',
      }),
    );
    expect(blocked.message).toMatch(/conflict of interest/);
    const missing = await rejected(
      submitReview(env.ctx(r1.actor), second.id, { scores: { relevance: 3 }, action: 'accept' }),
    );
    expect(missing.errors.map((e) => e.path)).toContain('/scores/content');
    const ids = (await callRanking(env.ctx(organiser.actor), call.id)).unreviewed.map((p) => p.id);
    // A strict reviewer (1 and 2) and a generous one (4 and 5) agree on the order.
    await submitReview(env.ctx(r1.actor), ids[0]!, {
      scores: scores(2),
      action: 'revise',
      comment: 'Needs a sharper question.',
    });
    await submitReview(env.ctx(r1.actor), ids[1]!, { scores: scores(1), action: 'reject' });
    await submitReview(env.ctx(reviewers[2]!.actor), ids[0]!, {
      scores: scores(5),
      action: 'accept',
      comment: 'Strong panel.',
    });
    await submitReview(env.ctx(reviewers[2]!.actor), ids[1]!, {
      scores: scores(4),
      action: 'accept',
    });
    await declareConflict(env.ctx(reviewers[3]!.actor), ids[0]!, 'former colleague');
    expect(await nextProposal(env.ctx(reviewers[3]!.actor), call.id)).toBe(ids[1]);
    const ranking = await callRanking(env.ctx(organiser.actor), call.id);
    expect(ranking.rows.map((r) => r.proposalId)).toEqual([ids[0], ids[1]]);
    expect(ranking.rows[0]!.normalised).toBe(1);
    expect(ranking.rows[1]!.normalised).toBe(-1);
    expect(ranking.calibration.find((c) => c.reviewerId === r1.id)!.offset).toBeLessThan(0);
    // Decisions wait, then go out together, with comments and no reviewer names.
    await setDecision(env.ctx(organiser.actor), ids[0]!, { decision: 'accept' });
    await setDecision(env.ctx(organiser.actor), ids[1]!, { decision: 'reject' });
    const before = await env.deps.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('category', '=', 'events.decision')
      .execute();
    expect(before).toHaveLength(0);
    const released = await releaseDecisions(env.ctx(organiser.actor), call.id);
    expect(released.decisions).toBe(2);
    const letters = await env.deps.db
      .selectFrom('mail_outbox')
      .select(['text_body'])
      .where('category', '=', 'events.decision')
      .execute();
    expect(letters.length).toBeGreaterThan(0);
    const text = letters.map((l) => l.text_body).join('\n');
    expect(text).toContain('Strong panel.');
    expect(text).not.toMatch(/Reviewer \d/);
    expect(
      (await rejected(setDecision(env.ctx(organiser.actor), ids[0]!, { decision: 'reject' })))
        .status,
    ).toBe(409);
  });

  it('schedules with conflicts refused and explained, exports iCal in the event zone, files reports and feeds screening', async () => {
    const ranking = await callRanking(env.ctx(organiser.actor), call.id);
    const accepted = ranking.rows.find((r) => r.decision === 'accept')!.proposalId;
    const [slot1, slot2, short] = event.slots;
    const [roomA, roomB] = event.rooms;
    const placed = await placeSession(env.ctx(organiser.actor), event.id, {
      proposalId: accepted,
      roomId: roomA!.id,
      slotId: slot1!.id,
      durationMinutes: 90,
    });
    expect(placed.startsAt?.toISOString()).toBe('2025-06-23T07:00:00.000Z');
    const tooLong = await rejected(
      placeSession(env.ctx(organiser.actor), event.id, {
        title: 'Long',
        roomId: roomB!.id,
        slotId: short!.id,
        durationMinutes: 60,
      }),
    );
    expect(tooLong.message).toMatch(/lasts 60 minutes but the slot only 30/);
    const booked = await rejected(
      placeSession(env.ctx(organiser.actor), event.id, {
        title: 'Clash',
        roomId: roomA!.id,
        slotId: slot2!.id,
        durationMinutes: 30,
      }),
    );
    expect(booked.message).toMatch(/room is already booked/);
    const other = await placeSession(env.ctx(organiser.actor), event.id, {
      title: 'Other',
      roomId: roomB!.id,
      slotId: slot2!.id,
      durationMinutes: 30,
    });
    expect(other.roomId).toBe(roomB!.id);
    const live = await getScheduledSession(env.ctx(), placed.id);
    expect(live).toMatchObject({ eventSlug: event.slug, timeZone: 'Europe/Oslo', room: 'A' });
    expect(live.speakers.length).toBeGreaterThan(0);
    const ics = await env.app.inject(`/events/${event.slug}/programme.ics`);
    expect(ics.statusCode).toBe(200);
    expect(ics.body).toContain('DTSTART;TZID=Europe/Oslo:20250623T090000');
    const comp = new ICAL.Component(ICAL.parse(ics.body));
    for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const starts = comp
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v).startDate.toJSDate().toISOString())
      .sort();
    expect(starts).toEqual(['2025-06-23T07:00:00.000Z', '2025-06-23T08:00:00.000Z']);
    const one = await env.app.inject(`/events/${event.slug}/sessions/${placed.id}.ics`);
    expect(new ICAL.Component(ICAL.parse(one.body)).getAllSubcomponents('vevent')).toHaveLength(1);
    await recordSessionFigures(env.ctx(organiser.actor), placed.id, {
      questionsAsked: 12,
      speakingSeconds: { government: 300 },
    });
    // After the report deadline, the proposer's next proposal is blocked at screening.
    clock.set(new Date('2025-08-01T00:00:00Z'));
    const next = await createEvent(env.ctx(organiser.actor), {
      name: 'Next Forum',
      place: 'Oslo',
      startsOn: '2026-06-01',
      endsOn: '2026-06-02',
      timeZone: 'Europe/Oslo',
      rooms: [],
    });
    const nextCall = await createCall(env.ctx(organiser.actor), next.id, {
      title: 'Next call',
      opensAt: '2025-07-01T00:00:00Z',
      closesAt: '2025-09-01T00:00:00Z',
    });
    const again = await saveProposal(env.ctx(proposer.actor), { callId: nextCall.id }, full('c'));
    let s = (await proposalScreening(env.ctx(organiser.actor), again.id)).screening;
    expect(s.outcomes.find((o) => o.rule === 'previousReport')).toMatchObject({
      outcome: 'block',
      have: 1,
    });
    expect(s.blocked).toBe(true);
    const stranger = await createTestUser(env);
    expect(
      (await rejected(fileReport(env.ctx(stranger.actor), placed.id, { summary: 'x' }))).status,
    ).toBe(403);
    await fileReport(env.ctx(organiser.actor), placed.id, {
      summary: 'We agreed.',
      keyTakeaways: 'One',
      onsiteAttendance: 30,
      onlineAttendance: 12,
    });
    s = (await proposalScreening(env.ctx(organiser.actor), again.id)).screening;
    expect(s.outcomes.find((o) => o.rule === 'previousReport')?.outcome).toBe('pass');
    const page = await env.app.inject({
      url: `/events/${event.slug}/summary`,
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('We agreed.');
    const live2 = await env.app.inject(`/api/v1/events/${event.id}/programme`);
    expect(live2.json().days[0].sessions[0].reportPublished).toBe(true);
  });

  it('serves the pages and the API without JavaScript', async () => {
    const agent = await signedInAgent(env, proposer);
    for (const url of [
      '/events',
      `/events/${event.slug}`,
      `/events/${event.slug}/programme`,
      `/events/${event.slug}/summary`,
      `/events/${event.slug}/agenda`,
    ]) {
      const res = await agent.get(url);
      expect(res.statusCode, url).toBe(200);
    }
    const list = await env.app.inject('/api/v1/events');
    expect(list.json()).toMatchObject({ total: 2, page: 1 });
    expect((await env.app.inject('/api/v1/events?colour=red')).statusCode).toBe(400);
    expect((await env.app.inject(`/api/v1/events/${event.slug}`)).json().timeZone).toBe(
      'Europe/Oslo',
    );
  });
});
