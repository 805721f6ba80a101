import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import * as live from './live.service.ts';

describe.each(databaseKinds())('live pages and API on %s', (kind) => {
  let env: TestEnv;
  let organiser: TestUser;
  let moderator: TestUser;
  let sessionId: string;
  let code: string;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    organiser = await createTestUser(
      env,
      [{ role: 'event-organiser', scopeType: 'event', scopeId: 'igf-demo' }],
      'Olu Organiser',
    );
    moderator = await createTestUser(
      env,
      [{ role: 'moderator', scopeType: 'event', scopeId: 'igf-demo' }],
      'Mo Moderator',
    );
    const session = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'igf-demo',
      title: 'Workshop: confidence-building measures in practice',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:30:00Z',
      speakers: [{ name: 'Panellist One', stakeholderGroup: 'academia' }],
    });
    sessionId = session.id;
    code = session.code;
  });
  afterAll(async () => env?.close());

  it('works without JavaScript: join, ask, moderate, vote — all by form posts and redirects', async () => {
    const alice = new TestAgent(env.app);
    const page = await alice.get(`/live/${sessionId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Workshop: confidence-building measures in practice</h1>');
    expect(page.body).toContain('data-island="live"');

    const missing = await alice.postForm(`/live/${sessionId}/join`, { name: 'Alice' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('Say whether you are in the room or remote.');
    const joined = await alice.postForm(`/live/${sessionId}/join`, {
      origin: 'remote',
      name: 'Alice',
    });
    expect(joined.statusCode).toBe(303);
    expect(joined.headers.location).toBe(`/live/${sessionId}?done=joined`);
    expect(alice.cookie('cc_live')).toBeTruthy();

    const after = await alice.get(joined.headers.location as string);
    expect(after.body).toContain('You are taking part: Remote.');
    const short = await alice.postForm(`/live/${sessionId}/ask`, {
      text: 'Hm',
      identity: 'name',
      name: 'Alice',
    });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Write a question of 5 to 500 characters.');
    expect(short.body).toContain('>Hm</textarea>');
    const asked = await alice.postForm(`/live/${sessionId}/ask`, {
      text: 'How can remote participants follow up after the workshop?',
      identity: 'name',
      name: 'Alice',
    });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/live/${sessionId}?done=asked-pending#your-questions`);
    const mine = await alice.get(`/live/${sessionId}?done=asked-pending`);
    expect(mine.body).toContain('Your question is with the moderators.');
    expect(mine.body).toContain('Waiting for a moderator');

    // The moderator approves it from the console, also without JavaScript.
    const mod = await signedInAgent(env, moderator);
    const console = await mod.get(`/live/${sessionId}/console`);
    expect(console.statusCode).toBe(200);
    const id = /id="q-([0-9a-f-]{36})"/.exec(console.body)![1]!;
    const approved = await mod.postForm(`/live/${sessionId}/console/questions/${id}`, {
      action: 'approve',
    });
    expect(approved.statusCode).toBe(303);

    const bob = new TestAgent(env.app);
    await bob.get(`/live/${sessionId}`);
    await bob.postForm(`/live/${sessionId}/join`, { origin: 'room' });
    const listed = await bob.get(`/live/${sessionId}`);
    expect(listed.body).toContain('How can remote participants follow up after the workshop?');
    expect(listed.body).toContain('Asked by Alice');
    const vote = await bob.postForm(`/live/${sessionId}/questions/${id}/vote`, {});
    expect(vote.statusCode).toBe(303);
    await bob.get(`/live/${sessionId}`);
    const twice = await bob.postForm(`/live/${sessionId}/questions/${id}/vote`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('You have already voted for this question.');

    // Anonymous visitors cannot open the console.
    expect((await bob.get(`/live/${sessionId}/console`)).statusCode).toBe(401);
  });

  it('hides with a reason the asker reads on the page, and reveals an anonymous author only to moderators', async () => {
    const asker = new TestAgent(env.app);
    await asker.get(`/live/${sessionId}`);
    await asker.postForm(`/live/${sessionId}/join`, { origin: 'room', name: 'Hidden Hortensia' });
    await asker.get(`/live/${sessionId}`);
    await asker.postForm(`/live/${sessionId}/ask`, {
      text: 'An anonymous question about attribution of cyber operations',
      identity: 'anonymous',
      name: 'Hidden Hortensia',
    });
    const mod = await signedInAgent(env, moderator);
    const console = await mod.get(`/live/${sessionId}/console`);
    expect(console.body).toContain('An anonymous question about attribution');
    expect(console.body).not.toContain('Hidden Hortensia');
    const id = new RegExp(`id="q-([0-9a-f-]{36})"[^]*?An anonymous question`).exec(
      console.body,
    )![1]!;

    const shortReason = await mod.postForm(`/live/${sessionId}/console/questions/${id}/reveal`, {
      [`reveal-${id}`]: 'why',
    });
    expect(shortReason.statusCode).toBe(422);
    await mod.get(`/live/${sessionId}/console`);
    const revealed = await mod.postForm(`/live/${sessionId}/console/questions/${id}/reveal`, {
      [`reveal-${id}`]: 'The question was reported as a threat by a participant',
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.body).toContain('Asked by: Hidden Hortensia');
    expect(revealed.headers['cache-control']).toBe('no-store');

    await mod.get(`/live/${sessionId}/console`);
    const hidden = await mod.postForm(`/live/${sessionId}/console/questions/${id}`, {
      action: 'hide',
      [`reason-${id}`]: 'personal-data',
      [`note-${id}`]: 'Please leave out names.',
    });
    expect(hidden.statusCode).toBe(303);
    const page = await asker.get(`/live/${sessionId}`);
    expect(page.body).toContain('Contains personal information');
    expect(page.body).toContain('Please leave out names.');

    // Nobody else reads the reason, nor the name.
    const other = await new TestAgent(env.app).get(`/live/${sessionId}`);
    expect(other.body).not.toContain('Please leave out names.');
    expect(other.body).not.toContain('Hidden Hortensia');
  });

  it('takes JSON from the island with the CSRF header, joining on the way, and refuses it without', async () => {
    const agent = new TestAgent(env.app);
    await agent.get(`/live/${sessionId}`);
    const noToken = await agent.request('POST', `/api/v1/live/${sessionId}/questions`, {
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'Without a token this must fail', origin: 'room' }),
    });
    expect(noToken.statusCode).toBe(403);
    const notJoined = await agent.request('POST', `/api/v1/live/${sessionId}/questions`, {
      json: { text: 'Who am I and where am I?', anonymous: true },
    });
    expect(notJoined.statusCode).toBe(422);
    expect(notJoined.json().errors[0].path).toBe('/origin');
    const created = await agent.request('POST', `/api/v1/live/${sessionId}/questions`, {
      json: { text: 'Asked from the island as JSON', anonymous: true, origin: 'remote' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      status: 'pending',
      origin: 'remote',
      anonymous: true,
      authorName: null,
      mine: true,
    });
    expect(agent.cookie('cc_live')).toBeTruthy();
    const vote = await agent.request(
      'POST',
      `/api/v1/live/${sessionId}/questions/${created.json().id}/votes`,
      {
        json: {},
      },
    );
    expect(vote.statusCode).toBe(409);
    expect(vote.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers bad input with a 4xx, never a 500', async () => {
    const agent = new TestAgent(env.app);
    await agent.get(`/live/${sessionId}`);
    await agent.postForm(`/live/${sessionId}/join`, { origin: 'room' });
    const mod = await signedInAgent(env, moderator);
    await mod.get(`/live/${sessionId}/console`);
    const anyJson = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          text: fc.oneof(fc.string({ maxLength: 700 }), fc.integer(), fc.constant(null)),
          anonymous: fc.oneof(fc.boolean(), fc.string()),
          name: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
          origin: fc.oneof(fc.constantFrom('room', 'remote', 'moon'), fc.integer()),
          action: fc.constantFrom('approve', 'hide', 'pin', 'merge', 'explode'),
          reason: fc.string({ maxLength: 20 }),
          into: fc.oneof(fc.uuid(), fc.string()),
          body: fc.string({ maxLength: 600 }),
          speaker: fc.string({ maxLength: 70 }),
        },
        { requiredKeys: [] },
      ),
    );
    const paths = [
      `/api/v1/live/${sessionId}/questions`,
      `/api/v1/live/${sessionId}/participants`,
      `/api/v1/live/${sessionId}/questions/0190a5e4-0000-7000-8000-000000000000/votes`,
      `/api/v1/live/${sessionId}/questions/0190a5e4-0000-7000-8000-000000000000/moderation`,
      `/api/v1/live/${sessionId}/backstage`,
      `/api/v1/live/${sessionId}/turns`,
      `/api/v1/live/${sessionId}/settings`,
      `/api/v1/live/not-a-uuid/questions`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        anyJson,
        fc.boolean(),
        async (path, body, asModerator) => {
          const who = asModerator ? mod : agent;
          const response = await who.request('POST', path, { json: body });
          expect(response.statusCode, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.headers['content-type']).toMatch(/problem\+json/);
          }
        },
      ),
      { numRuns: 120 },
    );
    const garbage = await agent.request('POST', `/api/v1/live/${sessionId}/questions`, {
      headers: { 'content-type': 'application/json', 'x-csrf-token': agent.csrf! },
      payload: '{"text": ',
    });
    expect(garbage.statusCode).toBe(400);
    const unknownField = await agent.request('POST', `/api/v1/live/${sessionId}/questions`, {
      json: { text: 'A perfectly fine question', sneaky: true },
    });
    expect(unknownField.statusCode).toBe(422);
    const badQuery = await agent.request('GET', `/api/v1/live/${sessionId}/questions?foo=1`);
    expect(badQuery.statusCode).toBe(400);
    const badPage = await agent.get(`/live/not-a-session`);
    expect(badPage.statusCode).toBe(404);
  });

  it('documents the live API in /openapi.json, the stream as text/event-stream', async () => {
    const doc = (await env.app.inject('/openapi.json')).json();
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/live/{sessionId}/events',
      '/api/v1/live/{sessionId}/questions',
      '/api/v1/live/{sessionId}/questions/{questionId}/votes',
      '/api/v1/live/{sessionId}/summary',
      '/api/v1/live/{sessionId}/report',
    ]) {
      expect(paths).toContain(path);
    }
    const events = doc.paths['/api/v1/live/{sessionId}/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(paths.some((p: string) => p.startsWith('/live/'))).toBe(false);
  });

  it('joins by short link and QR code', async () => {
    const agent = new TestAgent(env.app);
    const redirect = await agent.get(`/l/${code.toLowerCase()}`);
    expect(redirect.statusCode).toBe(303);
    expect(redirect.headers.location).toBe(`/live/${sessionId}`);
    expect((await agent.get('/l/NOPE99')).statusCode).toBe(404);
    const fr = await agent.get(`/fr/l/${code}`);
    expect(fr.headers.location).toBe(`/fr/live/${sessionId}`);
    const qr = await env.app.inject(`/live/${sessionId}/qr.svg`);
    expect(qr.statusCode).toBe(200);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(qr.body).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const page = await agent.get(`/live/${sessionId}`);
    expect(page.body).toContain(`/l/${code}`);
    expect(page.body).toContain(`src="/live/${sessionId}/qr.svg"`);
  });

  it('lets an organiser open a session from the form, with errors beside the fields', async () => {
    const agent = await signedInAgent(env, organiser);
    const form = await agent.get('/live/new');
    expect(form.statusCode).toBe(200);
    const bad = await agent.postForm('/live/new', {
      eventId: 'igf-demo',
      title: '',
      startsAt: '2026-06-24T14:00',
      endsAt: '2026-06-24T13:00',
      timeZone: 'Europe/Zurich',
      speaker1Name: 'Named but no group',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="error-title"');
    expect(bad.body).toContain('id="error-endsAt"');
    expect(bad.body).toContain('id="error-speaker1Group"');
    expect(bad.body).toContain('value="Named but no group"');
    const other = await agent.postForm('/live/new', {
      eventId: 'someone-elses-event',
      title: 'Not mine',
      startsAt: '2026-06-24T14:00',
      endsAt: '2026-06-24T15:00',
      timeZone: 'UTC',
    });
    expect(other.statusCode).toBe(403);
    await agent.get('/live/new');
    const ok = await agent.postForm('/live/new', {
      eventId: 'igf-demo',
      title: 'Open forum: cyber diplomacy training',
      startsAt: '2026-06-24T14:00',
      endsAt: '2026-06-24T15:00',
      timeZone: 'Europe/Zurich',
      moderation: 'on',
      speaker1Name: 'Speaker One',
      speaker1Group: 'government',
      speaker1Origin: 'remote',
      speaker1Role: 'panellist',
    });
    expect(ok.statusCode).toBe(303);
    const id = /\/live\/([0-9a-f-]{36})\/console/.exec(ok.headers.location as string)![1]!;
    const created = await live.getLiveSession(env.ctx(), id);
    expect(created).toMatchObject({
      startsAt: '2026-06-24T12:00:00.000Z',
      timeZone: 'Europe/Zurich',
      moderation: true,
      speakers: [{ name: 'Speaker One', stakeholderGroup: 'government', origin: 'remote' }],
    });
    expect((await new TestAgent(env.app).get('/live/new')).statusCode).toBe(401);
  });

  it('drives settings, backstage, speaking time, presenter and summary pages', async () => {
    const mod = await signedInAgent(env, moderator);
    await mod.get(`/live/${sessionId}/console`);
    expect(
      (await mod.postForm(`/live/${sessionId}/console/settings`, { remoteSegment: 'on' }))
        .statusCode,
    ).toBe(303);
    const back = await mod.postForm(`/live/${sessionId}/console/backstage`, { body: '' });
    expect(back.statusCode).toBe(422);
    await mod.postForm(`/live/${sessionId}/console/backstage`, {
      body: 'Remote: hand up from Tonga',
    });
    const speaker = (await live.getLiveSession(env.ctx(), sessionId)).speakers[0]!;
    await mod.postForm(`/live/${sessionId}/console/turns`, { speaker: speaker.id });
    const console = await mod.get(`/live/${sessionId}/console`);
    expect(console.body).toContain('Remote segment: on.');
    expect(console.body).toContain('Remote: hand up from Tonga');
    expect(console.body).toContain('Speaking now');
    expect(console.body).toContain('data-ticking');

    const presenter = await new TestAgent(env.app).get(`/live/${sessionId}/presenter`);
    expect(presenter.statusCode).toBe(200);
    expect(presenter.body).toContain('class="presenter"');
    expect(presenter.body).toContain('How can remote participants follow up after the workshop?');
    expect(presenter.body).not.toContain('hand up from Tonga');

    const early = await new TestAgent(env.app).get(`/live/${sessionId}/summary`);
    expect(early.body).toContain('published when the session closes');
    await mod.postForm(`/live/${sessionId}/console/settings`, { status: 'closed' });
    const summary = await new TestAgent(env.app).get(`/live/${sessionId}/summary`);
    expect(summary.body).toContain('Contains personal information');
    const api = await env.app.inject(`/api/v1/live/${sessionId}/summary`);
    expect(api.statusCode).toBe(200);
    expect(api.json().questions.hiddenByReason).toEqual({ 'personal-data': 1 });
    const page = await new TestAgent(env.app).get(`/live/${sessionId}`);
    expect(page.body).toContain('This session is closed.');
  });
});
