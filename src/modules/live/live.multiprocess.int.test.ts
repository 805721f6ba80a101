/**
 * Two real server processes on one PostgreSQL database: a question sent to one reaches a stream
 * open on the other, through LISTEN/NOTIFY hints and the shared event table. PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { startServer, type ServerProcess } from '../../../test/helpers/server.ts';
import { openSse } from '../../../test/helpers/sse.ts';
import * as live from './live.service.ts';

/** A participant's browser against one server: cookies, CSRF token from the page. */
async function browser(base: string, sessionId: string) {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      cookies.set(name!, value!);
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/live/${sessionId}`, { headers: { accept: 'text/html' } });
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return {
    async post(path: string, body: unknown) {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: cookie() },
        body: JSON.stringify(body),
      });
      keep(response);
      return response;
    },
  };
}

describe.skipIf(!inject('postgresTemplate'))('live sessions across two processes', () => {
  let env: TestEnv;
  let a: ServerProcess;
  let b: ServerProcess;
  let sessionId: string;

  beforeAll(async () => {
    env = await createTestEnv('postgres');
    const session = await live.createLiveSession(env.ctx(), {
      eventId: 'ev-multi',
      title: 'Two processes, one session',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:00:00Z',
      moderation: false,
    });
    sessionId = session.id;
    const database = { DATABASE_URL: env.database.connectionString };
    [a, b] = await Promise.all([startServer(database), startServer(database)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await env?.close();
  });

  it('delivers a question posted to one process to a stream open on the other, and replays it there', async () => {
    const onB = openSse(`${b.base}/api/v1/live/${sessionId}/events`);
    expect((await onB.status).status).toBe(200);
    const onA = openSse(`${a.base}/api/v1/live/${sessionId}/events`);
    expect((await onA.status).status).toBe(200);

    const participant = await browser(a.base, sessionId);
    const response = await participant.post(`/api/v1/live/${sessionId}/questions`, {
      text: 'Posted to process A: does process B see it?',
      origin: 'remote',
      anonymous: true,
    });
    expect(response.status).toBe(201);
    const question = (await response.json()) as { id: string };

    const received = await onB.waitFor(
      (e) => e.event === 'question' && e.data.includes(question.id),
    );
    expect(JSON.parse(received.data)).toMatchObject({
      id: question.id,
      text: 'Posted to process A: does process B see it?',
      origin: 'remote',
      authorName: null,
    });
    await onA.waitFor((e) => e.id === received.id);

    // And back: a vote through B reaches the stream on A.
    const voter = await browser(b.base, sessionId);
    await voter.post(`/api/v1/live/${sessionId}/participants`, { origin: 'room' });
    const vote = await voter.post(`/api/v1/live/${sessionId}/questions/${question.id}/votes`, {});
    expect(vote.status).toBe(201);
    const voted = await onA.waitFor((e) => e.event === 'vote');
    expect(JSON.parse(voted.data)).toEqual({ id: question.id, votes: 1 });
    await onB.waitFor((e) => e.id === voted.id);
    onA.close();
    onB.close();

    // A client that was away reconnects to the other process and gets exactly what it missed.
    const replay = openSse(`${b.base}/api/v1/live/${sessionId}/events`, {
      lastEventId: received.id,
    });
    await replay.waitFor((e) => e.id === voted.id);
    expect(replay.events.map((e) => e.id)).toEqual([voted.id]);
    replay.close();
  });
});
