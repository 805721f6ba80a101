/**
 * The organisers' pages through a browser-like agent: who may use them, every form's refusal of
 * bad input (generated), a schedule conflict explained on the page, and the whole journey from an
 * empty event to released decisions, a schedule and the reports list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { ManualClock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import { actorFor } from '../accounts/index.ts';
import { createCall, createEvent, loadEvent } from './events.service.ts';
import { saveProposal } from './proposals.service.ts';
import { addReviewer } from './pool.service.ts';
import { submitReview } from './review.service.ts';
import type { EventRecord } from './events.present.ts';
import { zonedInstant } from './zones.ts';

const RUNS = Number(process.env.FORM_RUNS ?? 6);
const SELECTS = new Set([
  'timeZone',
  'slot.new.day',
  'add.stakeholderGroup',
  'conflict.reviewerId',
  'conflict.proposalId',
]);

const person = (role: string, name: string, email: string, group: string, country: string) => ({
  role: role as 'speaker',
  name,
  email,
  organisation: `${name} Org`,
  stakeholderGroup: group,
  country,
});

const proposal = (suffix: string) => ({
  title: `Workshop ${suffix}`,
  format: 'panel',
  content: 'Content',
  relevance: 'Relevance',
  policyQuestion: 'Question?',
  tags: ['norms'],
  onlinePlan: 'Plan',
  facilitationPlan: 'Plan',
  people: [
    person('proposer', `Pat ${suffix}`, `pat-${suffix}@example.org`, 'civil-society', 'KE'),
    person('speaker', `Sam ${suffix}`, `sam-${suffix}@example.org`, 'government', 'FJ'),
    person('speaker', `Sol ${suffix}`, `sol-${suffix}@example.org`, 'academia', 'PL'),
    person('speaker', `Sky ${suffix}`, `sky-${suffix}@example.org`, 'private-sector', 'BR'),
    person('onsite-moderator', `Mo ${suffix}`, `mo-${suffix}@example.org`, 'igo', 'JP'),
    person('rapporteur', `Rae ${suffix}`, `rae-${suffix}@example.org`, 'academia', 'FR'),
  ],
  submit: true,
});

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

describe.each(databaseKinds())('organiser pages on %s', (kind) => {
  let env: TestEnv;
  let clock: ManualClock;
  let organiser: TestUser;
  let agent: TestAgent;
  let forum: EventRecord;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2025-02-01T00:00:00Z'));
    env = await createTestEnv(kind, { clock });
    organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }], 'Olga');
    agent = await signedInAgent(env, organiser);
    forum = await createEvent(env.ctx(organiser.actor), {
      name: 'Fixture Forum',
      slug: 'fixture-forum',
      place: 'Nairobi',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Africa/Nairobi',
      rooms: [{ name: 'Hall' }],
      slots: [{ startsAt: '2025-06-23T06:00:00Z', endsAt: '2025-06-23T07:00:00Z' }],
    });
    await createCall(env.ctx(organiser.actor), forum.id, {
      title: 'Fixture call',
      opensAt: '2025-03-01T00:00:00Z',
      closesAt: '2025-04-01T00:00:00Z',
    });
    forum = await loadEvent(env.ctx(), forum.id);
  });
  afterAll(async () => env?.close());

  it('sends anonymous visitors to sign in and refuses organisers of other events', async () => {
    const anonymous = new TestAgent(env.app);
    const base = `/events/${forum.slug}/manage`;
    for (const url of [base, `${base}/schedule`, `/events/new`]) {
      const res = await anonymous.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(location(res)).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    }
    const post = await anonymous.postForm(`${base}/rooms`, { name: 'Sneaky' });
    expect(post.statusCode).toBe(303);
    expect(location(post)).toMatch(/^\/sign-in\?next=/);
    const other = await createEvent(env.ctx(organiser.actor), {
      name: 'Other Forum',
      place: 'Lima',
      startsOn: '2025-09-01',
      endsOn: '2025-09-01',
      timeZone: 'America/Lima',
      rooms: [],
    });
    const otherOrganiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: other.id },
    ]);
    const stranger = await signedInAgent(env, otherOrganiser);
    expect((await stranger.get(`/events/${other.slug}/manage`)).statusCode).toBe(200);
    for (const url of [
      base,
      `${base}/event`,
      `${base}/venue`,
      `${base}/schedule`,
      `${base}/reports`,
      `${base}/calls/${forum.calls[0]!.id}/reviewers`,
      `${base}/calls/${forum.calls[0]!.id}/ranking`,
      `${base}/calls/${forum.calls[0]!.id}/decisions`,
      `/events/new`,
    ]) {
      expect((await stranger.get(url)).statusCode, url).toBe(403);
    }
    const refused = await stranger.postForm(`${base}/rooms`, { name: 'Sneaky' });
    expect(refused.statusCode).toBe(403);
    const reviewer = await createTestUser(env);
    const grant = await addReviewer(env.ctx(otherOrganiser.actor), forum.id, {
      email: reviewer.email,
      stakeholderGroup: 'academia',
    }).catch((e: unknown) => e);
    expect(isAppError(grant) && grant.status).toBe(403);
    // The refused shortcut granted nothing.
    expect((await actorFor(env.ctx(), reviewer.id)).grants).toEqual([]);
    const after = await loadEvent(env.ctx(), forum.id);
    expect(after.rooms.map((r) => r.name)).toEqual(['Hall']);
  });

  it('refuses bad input on every form with 422 and the error beside the field', async () => {
    await agent.get(`/events/${forum.slug}/manage`);
    const call = forum.calls[0]!;
    const forms: Array<{
      url: string;
      base: Record<string, string>;
      bad: Array<[field: string, errorId: string, values: fc.Arbitrary<string>]>;
    }> = [
      {
        url: '/events/new',
        base: {
          name: 'New',
          place: 'Here',
          startsOn: '2026-01-01',
          endsOn: '2026-01-02',
          timeZone: 'UTC',
        },
        bad: [
          ['name', 'name', fc.constantFrom('', '   ')],
          ['slug', 'slug', fc.constantFrom('Has Space', 'UPPER', '-x', 'a--b', 'é')],
          ['startsOn', 'startsOn', fc.constantFrom('2026-02-30', 'soon', '01/01/2026')],
          ['endsOn', 'endsOn', fc.constantFrom('2025-12-31', '2025-01-01')],
          [
            'timeZone',
            'timeZone',
            fc.string({ minLength: 1, maxLength: 12 }).filter((z) => {
              try {
                new Intl.DateTimeFormat('en', { timeZone: z });
                return false;
              } catch {
                return true;
              }
            }),
          ],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/event`,
        base: {
          name: forum.name,
          slug: forum.slug,
          place: forum.place,
          startsOn: forum.startsOn,
          endsOn: forum.endsOn,
          timeZone: forum.timeZone,
        },
        bad: [
          ['place', 'place', fc.constantFrom('', ' ')],
          ['endsOn', 'endsOn', fc.constantFrom('2025-06-01', '2025-06-22')],
          // The existing slot is on 23 June: the event cannot start after it.
          ['startsOn', 'startsOn', fc.constantFrom('2025-06-24')],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/rooms`,
        base: { name: 'Annex', capacity: '20' },
        bad: [
          ['name', 'room.new.name', fc.constantFrom('', 'Hall', 'hall ')],
          ['capacity', 'room.new.capacity', fc.constantFrom('-1', 'many', '1e9', '2.5')],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/slots`,
        base: { day: '2025-06-24', start: '09:00', end: '10:00' },
        bad: [
          ['day', 'slot.new.day', fc.constantFrom('2025-06-22', '2025-07-01', 'monday')],
          ['start', 'slot.new.start', fc.constantFrom('25:00', '9am', '', '12:60')],
          ['end', 'slot.new.end', fc.constantFrom('08:00', '09:00')],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/calls/new`,
        base: {
          title: 'Second call',
          opensAt: '2025-03-01T09:00',
          closesAt: '2025-04-01T17:00',
          reviewsPerProposal: '3',
          'criterion.0.code': 'relevance',
          'criterion.0.weight': '50',
          'criterion.1.code': 'content',
          'criterion.1.weight': '50',
          'format.panel.minutes': '60',
          formats: 'panel',
        },
        bad: [
          ['title', 'title', fc.constantFrom('', '  ')],
          ['opensAt', 'opensAt', fc.constantFrom('tomorrow', '2025-13-01T09:00')],
          ['closesAt', 'closesAt', fc.constantFrom('2025-02-01T09:00', '2025-03-01T09:00')],
          ['reviewsPerProposal', 'reviewsPerProposal', fc.constantFrom('0', '21', 'three')],
          ['criterion.1.weight', 'criterion.1.weight', fc.constantFrom('0', '-5', 'heavy')],
          ['criterion.1.code', 'criterion.1.code', fc.constantFrom('relevance', 'Has Space')],
          ['format.panel.minutes', 'format.panel.minutes', fc.constantFrom('1', '700', 'long')],
          ['phase.0.endsAt', 'phase.0.endsAt', fc.constantFrom('2025-04-01T09:00')],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/calls/${call.id}/reviewers`,
        base: { email: organiser.email, stakeholderGroup: 'academia', organisation: '' },
        bad: [
          ['email', 'add.email', fc.constantFrom('nobody@example.org', 'not-an-email', '')],
          ['stakeholderGroup', 'add.stakeholderGroup', fc.constantFrom('', 'martians')],
        ],
      },
      {
        url: `/events/${forum.slug}/manage/calls/${call.id}/conflicts`,
        base: { reviewerId: organiser.id, proposalId: organiser.id, reason: '' },
        bad: [
          ['reviewerId', 'conflict.reviewerId', fc.constantFrom('', 'x', organiser.id)],
          ['proposalId', 'conflict.proposalId', fc.constantFrom('', 'y', forum.id)],
        ],
      },
    ];
    for (const form of forms) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(...form.bad.map(([field, id, values]) => values.map((v) => ({ field, id, v })))),
          async ({ field, id, v }) => {
            const fields = { ...form.base, [field]: v };
            if (field === 'phase.0.endsAt') {
              fields['phase.0.name'] = 'Review';
              fields['phase.0.startsAt'] = '2025-04-02T09:00';
            }
            const res = await agent.postForm(form.url, fields);
            expect(res.statusCode, `${form.url} ${field}=${v}`).toBe(422);
            expect(res.body).toContain('class="error-summary"');
            expect(res.body, `${form.url} ${field}=${v}`).toContain(`id="error-${id}"`);
            // The value typed is kept in the form (inputs; a select keeps only offered values).
            if (/^[\w .:-]+$/.test(v) && !SELECTS.has(id))
              expect(res.body).toContain(`value="${v}"`);
          },
        ),
        { numRuns: RUNS },
      );
    }
    // Nothing refused was stored.
    const after = await loadEvent(env.ctx(), forum.id);
    expect(after.rooms).toHaveLength(1);
    expect(after.slots).toHaveLength(1);
    expect(after.calls).toHaveLength(1);
  });

  it('never answers 5xx to hostile values on any organiser route', async () => {
    await agent.get(`/events/${forum.slug}/manage`);
    const ids = {
      slug: forum.slug,
      callId: forum.calls[0]!.id,
      roomId: forum.rooms[0]!.id,
      slotId: forum.slots[0]!.id,
      userId: organiser.id,
      proposalId: forum.id,
      sessionId: forum.id,
    };
    const nasty = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('', '\u0000', 'x'.repeat(3000), '-1', '1e309', '2025-02-30', '25:99', '{}'),
      fc.uuid(),
    );
    const routes = (env.app.routeList as Array<{ method: string; url: string }>).filter(
      (r) => r.url.startsWith('/events/:slug/manage') || r.url === '/events/new',
    );
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom(
              'name',
              'day',
              'start',
              'end',
              'email',
              'decision',
              'slotId',
              'roomId',
              'proposalId',
              'sessionId',
              'reviewerId',
              'stakeholderGroup',
              'capacity',
              'title',
              'opensAt',
              'closesAt',
              'formats',
              'criterion.0.weight',
              'phase.0.name',
              'timeZone',
              'startsOn',
            ),
            nasty,
            { maxKeys: 6 },
          ),
          fc.boolean(),
          async (fields, realIds) => {
            const url = route.url.replace(/:(\w+)/g, (_, k: string) =>
              k === 'slug' || realIds ? ids[k as keyof typeof ids] : 'not-an-id',
            );
            const res =
              route.method === 'GET' ? await agent.get(url) : await agent.postForm(url, fields);
            expect(res.statusCode, `${route.method} ${url} ${JSON.stringify(fields)}`).toBeLessThan(
              500,
            );
          },
        ),
        // The route-wide fuzz (test/fuzz) covers breadth; a few cases per route reach the handlers.
        { numRuns: Math.max(2, Math.ceil(RUNS / 2)) },
      );
    }
  });

  it('runs the whole organiser journey through the pages', async () => {
    // Sessions expire with time: sign in again after each jump of the clock.
    const travel = async (iso: string) => {
      clock.set(new Date(iso));
      agent = await signedInAgent(env, organiser);
      await agent.get(`/events/journey-forum/manage`);
    };
    // 1. The event, its rooms and slots (entered in the event's zone).
    await agent.get('/events/new');
    let res = await agent.postForm('/events/new', {
      name: 'Journey Forum',
      slug: '',
      place: 'Geneva',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Europe/Zurich',
      description: 'A forum.',
    });
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe('/events/journey-forum/manage/venue?done=created');
    const base = '/events/journey-forum/manage';
    await agent.get(`${base}/venue`);
    for (const name of ['Room A', 'Room B'])
      expect((await agent.postForm(`${base}/rooms`, { name, capacity: '40' })).statusCode).toBe(
        303,
      );
    for (const [start, end] of [
      ['09:00', '10:30'],
      ['09:30', '10:00'],
      ['14:00', '14:30'],
    ]) {
      res = await agent.postForm(`${base}/slots`, { day: '2025-06-23', start, end });
      expect(res.statusCode).toBe(303);
    }
    let event = await loadEvent(env.ctx(), 'journey-forum');
    expect(event.slots[0]!.startsAt.toISOString()).toBe('2025-06-23T07:00:00.000Z');
    res = await agent.postForm(`${base}/rooms/${event.rooms[1]!.id}`, {
      name: 'Room B',
      capacity: '',
    });
    expect(res.statusCode).toBe(303);
    res = await agent.get(`${base}/venue?done=room-saved`);
    expect(res.body).toContain('Room saved.');
    res = await agent.postForm(`${base}/event`, {
      name: 'Journey Forum',
      slug: 'journey-forum',
      place: 'Geneva, Palais',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Europe/Zurich',
      description: 'A forum in Geneva.',
    });
    expect(res.statusCode).toBe(303);

    // 2. A call, its window entered in the event's zone, with a review phase.
    await agent.get(`${base}/calls/new`);
    const callForm = {
      title: 'Workshop proposals',
      description: 'Send us your workshops.',
      opensAt: '2025-03-01T09:00',
      closesAt: '2025-04-01T17:00',
      reviewsPerProposal: '2',
      reportDueDays: '7',
      formats: ['panel', 'round-table-u'],
      'format.panel.minutes': '60',
      'format.round-table-u.minutes': '90',
      'criteria.minStakeholderGroups': '3',
      'criteria.minRegionalGroups': '2',
      'criteria.minDevelopingCountry': '1',
      'criteria.minFirstTime': '0',
      'criteria.genderDiversity': 'yes',
      'screening.requiredFields': 'yes',
      'screening.minConfirmedSpeakers': '0',
      'screening.minOnsiteSpeakers': '0',
      'criterion.0.code': 'relevance',
      'criterion.0.weight': '60',
      'criterion.1.code': 'content',
      'criterion.1.weight': '40',
      'phase.0.name': 'First review',
      'phase.0.startsAt': '2025-04-02T09:00',
      'phase.0.endsAt': '2025-05-01T17:00',
      'phase.0.reviewersMayReview': 'yes',
      'phase.0.blind': 'yes',
    };
    res = await agent.postForm(`${base}/calls/new`, callForm);
    expect(res.statusCode).toBe(303);
    event = await loadEvent(env.ctx(), 'journey-forum');
    const call = event.calls[0]!;
    expect(call.opensAt).toEqual(zonedInstant('2025-03-01', '09:00', 'Europe/Zurich'));
    expect(call.closesAt.toISOString()).toBe('2025-04-01T15:00:00.000Z');
    expect(call.formats).toEqual([
      { code: 'round-table-u', minutes: 90 },
      { code: 'panel', minutes: 60 },
    ]);
    expect(call.phases[0]).toMatchObject({
      name: 'First review',
      blind: true,
      seeOthersScores: false,
    });
    expect(call.reviewCriteria).toEqual([
      { code: 'relevance', weight: 60 },
      { code: 'content', weight: 40 },
    ]);
    res = await agent.get(`${base}/calls/${call.id}`);
    expect(res.body).toContain('value="2025-03-01T09:00"');

    // 3. Proposals arrive; the pool is built, a conflict recorded, reviewers assigned.
    await travel('2025-03-10T00:00:00Z');
    const proposer = await createTestUser(env, [], 'Pat');
    const p1 = await saveProposal(env.ctx(proposer.actor), { callId: call.id }, proposal('one'));
    const p2 = await saveProposal(env.ctx(proposer.actor), { callId: call.id }, proposal('two'));
    const reviewers: TestUser[] = [];
    for (const [i, group] of ['government', 'academia', 'civil-society', 'igo'].entries()) {
      reviewers.push(await createTestUser(env, [], `Reviewer ${i}`));
      await agent.get(`${base}/calls/${call.id}/reviewers`);
      res = await agent.postForm(`${base}/calls/${call.id}/reviewers`, {
        email: reviewers[i]!.email,
        stakeholderGroup: group,
        organisation: `Elsewhere ${i}`,
      });
      expect(res.statusCode).toBe(303);
    }
    res = await agent.postForm(`${base}/calls/${call.id}/reviewers/${reviewers[0]!.id}`, {
      stakeholderGroup: 'private-sector',
      organisation: 'Elsewhere 0',
    });
    expect(res.statusCode).toBe(303);
    res = await agent.postForm(`${base}/calls/${call.id}/conflicts`, {
      reviewerId: reviewers[1]!.id,
      proposalId: p1.id,
      reason: 'Former colleague',
    });
    expect(res.statusCode).toBe(303);
    res = await agent.postForm(`${base}/calls/${call.id}/reviewers/${reviewers[3]!.id}/remove`, {});
    expect(res.statusCode).toBe(303);
    res = await agent.postForm(`${base}/calls/${call.id}/assign`, {});
    expect(res.statusCode).toBe(303);
    expect(location(res)).toContain('done=assigned&n=4');
    res = await agent.get(location(res));
    expect(res.body).toContain('4 assignments made.');
    expect(res.body).toContain('Former colleague');
    expect(res.body).toContain('Load per reviewer in this call');
    expect(res.body).not.toContain('Reviewer 3');
    const onP1 = await env.deps.db
      .selectFrom('review_assignments')
      .select('reviewer_id')
      .where('proposal_id', '=', p1.id)
      .execute();
    expect(onP1.map((a) => a.reviewer_id).sort()).toEqual(
      [reviewers[0]!.id, reviewers[2]!.id].sort(),
    );
    // Out of the pool, out of reviewing, although the role grant remains.
    const removed = { ...reviewers[3]!, actor: await actorFor(env.ctx(), reviewers[3]!.id) };
    await travel('2025-04-05T00:00:00Z');
    const stale = await submitReview(env.ctx(removed.actor), p2.id, {
      scores: { relevance: 5, content: 5 },
      action: 'accept',
    }).catch((e: unknown) => e);
    expect(isAppError(stale) && stale.status).toBe(404);

    // 4. Reviews (a strict and a generous reviewer), then the ranking with z-scores.
    const actors = await Promise.all(reviewers.slice(0, 3).map((r) => actorFor(env.ctx(), r.id)));
    const scores = (s: number) => ({ relevance: s, content: s });
    await submitReview(env.ctx(actors[0]), p1.id, {
      scores: scores(2),
      action: 'accept',
      comment: 'Clear.',
    });
    await submitReview(env.ctx(actors[0]), p2.id, { scores: scores(1), action: 'reject' });
    await submitReview(env.ctx(actors[2]), p1.id, { scores: scores(5), action: 'accept' });
    await submitReview(env.ctx(actors[2]), p2.id, { scores: scores(4), action: 'revise' });
    res = await agent.get(`${base}/calls/${call.id}/ranking`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Normalised (z)');
    expect(res.body.indexOf('Workshop one')).toBeLessThan(res.body.indexOf('Workshop two'));
    expect(res.body).toContain('1.00');
    expect(res.body).toContain('-1.00');
    expect(res.body).toContain('Reviewer calibration');

    // A change of weights rescores the reviews; adding a criterion is refused once reviews exist.
    res = await agent.postForm(`${base}/calls/${call.id}`, {
      ...callForm,
      'criterion.2.code': 'diversity',
      'criterion.2.weight': '10',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="field-reviewCriteria"');
    res = await agent.postForm(`${base}/calls/${call.id}`, {
      ...callForm,
      'criterion.0.weight': '10',
    });
    expect(res.statusCode).toBe(303);

    // 5. Decisions held, letters checked, released together.
    for (const [p, decision] of [
      [p1, 'accept'],
      [p2, 'accept'],
    ] as const) {
      await agent.get(`${base}/calls/${call.id}/decisions/${p.id}`);
      res = await agent.postForm(`${base}/calls/${call.id}/decisions/${p.id}`, {
        decision,
        mergeWithId: '',
        note: 'Welcome.',
      });
      expect(res.statusCode).toBe(303);
    }
    res = await agent.postForm(`${base}/calls/${call.id}/decisions/${p1.id}`, {
      decision: 'merge',
      mergeWithId: '',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="error-mergeWithId"');
    res = await agent.get(`${base}/calls/${call.id}/decisions`);
    expect(res.body).toContain('pat-one@example.org');
    expect(res.body).toContain('Clear.');
    expect(res.body).not.toContain('Reviewer 0');
    const before = await env.deps.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('category', '=', 'events.decision')
      .execute();
    expect(before).toHaveLength(0);
    res = await agent.postForm(`${base}/calls/${call.id}/release`, {});
    expect(res.statusCode).toBe(303);
    expect(location(res)).toContain('done=released&n=2');
    const letters = await env.deps.db
      .selectFrom('mail_outbox')
      .select('to_address')
      .where('category', '=', 'events.decision')
      .execute();
    expect(letters.map((l) => l.to_address)).toContain('pat-one@example.org');

    // 6. The schedule board: a conflict is refused beside its form; then placed and unscheduled.
    res = await agent.get(`${base}/schedule`);
    expect(res.body).toContain('To schedule (2)');
    const [slot1] = event.slots;
    const [roomA, roomB] = event.rooms;
    res = await agent.postForm(`${base}/schedule`, {
      proposalId: p1.id,
      slotId: slot1!.id,
      roomId: roomA!.id,
    });
    expect(res.statusCode).toBe(303);
    res = await agent.postForm(`${base}/schedule`, {
      proposalId: p2.id,
      slotId: slot1!.id,
      roomId: roomA!.id,
    });
    expect(res.statusCode).toBe(409);
    const item = res.body.indexOf(`id="item-${p2.id}"`);
    const reason = res.body.lastIndexOf('The room is already booked at that time for');
    expect(item).toBeGreaterThan(0);
    expect(reason).toBeGreaterThan(item);
    expect(res.body.slice(reason - 200, reason)).toContain(`id="field-${p2.id}"`);
    expect(res.body).toContain('class="error-summary"');
    res = await agent.postForm(`${base}/schedule`, {
      proposalId: p2.id,
      slotId: slot1!.id,
      roomId: roomB!.id,
    });
    expect(res.statusCode).toBe(303);
    res = await agent.postForm(`${base}/schedule`, { proposalId: p2.id, slotId: 'x', roomId: '' });
    expect(res.statusCode).toBe(422);
    const sessions = await env.deps.db
      .selectFrom('event_sessions')
      .select(['id', 'proposal_id'])
      .where('event_id', '=', event.id)
      .execute();
    const s2 = sessions.find((s) => s.proposal_id === p2.id)!;
    res = await agent.postForm(`${base}/schedule/${s2.id}/unschedule`, {});
    expect(res.statusCode).toBe(303);
    res = await agent.get(`${base}/schedule?done=unscheduled`);
    expect(res.body).toContain('Session unscheduled.');
    expect(res.body).toContain('To schedule (1)');

    // The public programme shows the placed session; a reader keeps it in their agenda with the
    // programme's single agenda form.
    const reader = await signedInAgent(env, proposer);
    res = await reader.get('/events/journey-forum/programme');
    expect(res.body.match(/class="agenda-form"/g)).toHaveLength(1);
    const s1id = sessions.find((s) => s.proposal_id === p1.id)!.id;
    expect(res.body).toContain(`name="add" value="${s1id}"`);
    expect(res.body).not.toContain(`value="${s2.id}"`);
    res = await reader.postForm('/events/journey-forum/agenda', { add: s1id });
    expect(res.statusCode).toBe(303);
    expect(location(res)).toBe(`/events/journey-forum/programme#session-${s1id}`);
    res = await reader.get('/events/journey-forum/agenda');
    expect(res.body).toContain(`name="remove" value="${s1id}"`);

    // 7. Reports: missing after the deadline is flagged, with the rapporteur's form linked.
    await travel('2025-07-15T00:00:00Z');
    res = await agent.get(`${base}/reports`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('missing, overdue');
    const s1 = sessions.find((s) => s.proposal_id === p1.id)!;
    expect(res.body).toContain(`/events/journey-forum/sessions/${s1.id}/report`);
    res = await agent.get(`/events/journey-forum/sessions/${s1.id}/report`);
    expect(res.statusCode).toBe(200);
    res = await agent.postForm(`/events/journey-forum/sessions/${s1.id}/report`, {
      summary: 'We met.',
    });
    expect(res.statusCode).toBe(303);
    res = await agent.get(`${base}/reports`);
    expect(res.body).toContain('>filed<');
  });
});
