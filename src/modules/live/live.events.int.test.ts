/**
 * Live sessions wired to the events module: a live session opened for a session of the programme
 * takes its title, room, times (in the event's zone) and panel from it, and its figures reach that
 * session's report when it closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { createCall, createEvent, loadEvent } from '../events/events.service.ts';
import { saveProposal } from '../events/proposals.service.ts';
import { setDecision } from '../events/review.service.ts';
import { getSession, placeSession } from '../events/schedule.service.ts';
import * as live from './live.service.ts';

const person = (role: string, name: string, group: string | null) => ({
  role: role as 'speaker',
  name,
  email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`,
  organisation: `${name} Org`,
  ...(group ? { stakeholderGroup: group } : {}),
  country: 'FJ',
});

describe.each(databaseKinds())('live sessions of the programme on %s', (kind) => {
  let env: TestEnv;
  let clock: ManualClock;
  let organiser: TestUser;
  let eventId: string;
  let scheduledId: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2025-03-10T00:00:00Z'));
    env = await createTestEnv(kind, { clock });
    organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }], 'Ola');
    const ctx = env.ctx(organiser.actor);
    const created = await createEvent(ctx, {
      name: 'Pacific Cyber Forum',
      slug: 'pacific-cyber-forum',
      place: 'Suva',
      startsOn: '2025-06-23',
      endsOn: '2025-06-23',
      timeZone: 'Pacific/Fiji',
      rooms: [{ name: 'Tanoa Room' }],
      // 09:00–10:30 in Suva (UTC+12); a panel lasts 60 minutes of it.
      slots: [{ startsAt: '2025-06-22T21:00:00Z', endsAt: '2025-06-22T22:30:00Z' }],
    });
    await createCall(ctx, created.id, {
      title: 'Workshops',
      opensAt: '2025-03-01T00:00:00Z',
      closesAt: '2025-04-01T00:00:00Z',
    });
    const event = await loadEvent(env.ctx(), created.id);
    eventId = event.id;
    const proposal = await saveProposal(
      ctx,
      { callId: event.calls[0]!.id },
      {
        title: 'Cable resilience in small island states',
        format: 'panel',
        content: 'Content',
        relevance: 'Relevance',
        people: [
          person('proposer', 'Pita Proposer', 'civil-society'),
          person('speaker', 'Sera Speaker', 'government'),
          person('speaker', 'Tevita Speaker', 'technical-community'),
          person('speaker', 'No Group', null),
          person('online-moderator', 'Mele Moderator', 'academia'),
          person('rapporteur', 'Rae Rapporteur', 'academia'),
        ],
        submit: true,
      },
    );
    // The people confirmed through their invitation links (tested in the events module).
    await env.deps.db
      .updateTable('proposal_people')
      .set({ status: 'confirmed' })
      .where('proposal_id', '=', proposal.id)
      .execute();
    await setDecision(ctx, proposal.id, { decision: 'accept' });
    const placed = await placeSession(ctx, event.id, {
      proposalId: proposal.id,
      roomId: event.rooms[0]!.id,
      slotId: event.slots[0]!.id,
    });
    scheduledId = placed.id;
    clock.set(new Date('2025-06-22T21:00:00Z'));
  });
  afterAll(async () => env?.close());

  it('opens a live page for a scheduled session with its title, room, time and panel', async () => {
    const agent = await signedInAgent(env, organiser);
    await agent.get('/live/new');
    const res = await agent.postForm('/live/new', {
      eventId: '',
      scheduledSessionId: scheduledId,
      title: '',
      startsAt: '',
      endsAt: '',
      timeZone: 'UTC',
      room: '',
      moderation: 'on',
    });
    expect(res.statusCode).toBe(303);
    const liveId = /\/live\/([\w-]+)/.exec(String(res.headers.location))![1]!;
    const view = await live.getLiveSession(env.ctx(), liveId);
    expect(view).toMatchObject({
      scheduledSessionId: scheduledId,
      eventId,
      title: 'Cable resilience in small island states',
      room: 'Tanoa Room',
      timeZone: 'Pacific/Fiji',
    });
    expect(new Date(view.startsAt).toISOString()).toBe('2025-06-22T21:00:00.000Z');
    // Speakers and moderators of the programme; the rapporteur is no voice, and someone without
    // a stakeholder group is left for the organiser to add.
    expect(view.speakers.map((s) => [s.name, s.stakeholderGroup, s.role, s.origin]).sort()).toEqual(
      [
        ['Mele Moderator', 'academia', 'moderator', 'remote'],
        ['Sera Speaker', 'government', 'panellist', 'room'],
        ['Tevita Speaker', 'technical-community', 'panellist', 'room'],
      ],
    );

    const page = await new TestAgent(env.app).get(`/live/${liveId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Cable resilience in small island states</h1>');
    expect(page.body).toContain('Room: Tanoa Room');
    // The slot's start in the event's zone (not 21:00 UTC the day before), for the panel's hour.
    expect(page.body).toContain('Jun 23, 2025, 9:00 AM to 10:00 AM (Pacific/Fiji)');
  });

  it('refuses a programme session that does not exist or belongs to another event', async () => {
    const ctx = env.ctx(organiser.actor);
    const unknown = await live
      .createLiveSession(ctx, { scheduledSessionId: '00000000-0000-4000-8000-000000000000' })
      .catch((e: { status: number; errors: Array<{ path: string }> }) => e);
    expect(unknown).toMatchObject({ status: 422 });
    expect((unknown as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(
      '/scheduledSessionId',
    );
    const other = await live
      .createLiveSession(ctx, { eventId: 'another-event', scheduledSessionId: scheduledId })
      .catch((e: { status: number }) => e);
    expect(other).toMatchObject({ status: 422 });
  });

  it('hands the figures to the session report when the session closes', async () => {
    const ctx = env.ctx(organiser.actor);
    const session = await live.createLiveSession(ctx, { scheduledSessionId: scheduledId });
    const anon = env.ctx();
    const ask = async (origin: 'room' | 'remote', text: string) => {
      const ref = { token: live.newParticipantToken() };
      await live.joinSession(anon, session.id, ref, { origin, name: 'Someone' });
      return live.askQuestion(anon, session.id, ref, { text });
    };
    const q1 = await ask('remote', 'How are repair ships shared in the region?');
    await ask('room', 'Who pays for the second cable?');
    await live.moderateQuestion(ctx, session.id, q1.id, {
      action: 'answer',
      answer: 'Through a regional agreement.',
    });
    const sera = session.speakers.find((s) => s.name === 'Sera Speaker')!;
    await live.toggleTurn(ctx, session.id, sera.id);
    clock.advance(90_000);
    await live.updateSettings(ctx, session.id, { status: 'closed' });

    const { session: scheduled } = await getSession(env.ctx(), eventId, scheduledId);
    const figures = scheduled.report?.liveFigures as Record<string, unknown>;
    expect(figures).toMatchObject({
      liveSessionId: session.id,
      questionsAsked: 2,
      questionsAnswered: 1,
      remoteQuestions: 1,
      speakingSeconds: { government: 90 },
      questionsLeftOut: 0,
    });
    expect(figures.questions).toEqual([
      expect.objectContaining({
        text: 'How are repair ships shared in the region?',
        answer: 'Through a regional agreement.',
        answered: true,
      }),
    ]);
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select(['actor_id'])
      .where('action', '=', 'session.figures')
      .where('entity_id', '=', scheduledId)
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([organiser.id]);
  });
});

describe('figures for the report', () => {
  it('keep within the report’s limit, answered questions first', () => {
    const question = (i: number, answered: boolean) => ({
      id: `q${i}`,
      text: `Question ${i} `.padEnd(480, 'x'),
      authorName: null,
      anonymous: true,
      origin: 'room' as const,
      status: answered ? ('answered' as const) : ('approved' as const),
      votes: 1,
      mergedCount: 0,
      answer: answered ? 'Answered.' : null,
      answeredAt: null,
    });
    const questions = Array.from({ length: 120 }, (_, i) => question(i, i % 3 === 0));
    const figures = live.figuresForReport({
      session: { id: 'live-1' } as never,
      summary: { questions: { total: 120, answered: 40, fromRemote: 0 } } as never,
      questions,
      speakingTime: {
        totalSeconds: 0,
        voices: 1,
        fairShareSeconds: 0,
        speakers: [],
        byGroup: [],
        byOrigin: { room: 0, remote: 0 },
        floor: { room: 0, remote: 0 },
        current: null,
        warnings: [],
      },
    });
    const kept = figures.questions as Array<{ answered: boolean }>;
    expect(JSON.stringify(figures).length).toBeLessThanOrEqual(20_000);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length + (figures.questionsLeftOut as number)).toBe(120);
    expect(kept.every((q) => q.answered)).toBe(true);
    expect(figures.votes).toBe(120);
  });
});
