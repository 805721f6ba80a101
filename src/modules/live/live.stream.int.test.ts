import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { openSse } from '../../../test/helpers/sse.ts';
import { ANONYMOUS, type ServiceContext } from '../../platform/context.ts';
import * as live from './live.service.ts';
import { LiveHub, type StreamSink } from './live.stream.ts';

/** A stream sink that keeps the ids and comment lines written to it. */
function collector() {
  const ids: number[] = [];
  const comments: string[] = [];
  let ended = false;
  const sink: StreamSink = {
    write(chunk) {
      for (const frame of chunk.split('\n\n')) {
        const id = /^id: (\d+)$/m.exec(frame);
        if (id) ids.push(Number(id[1]));
        else if (frame.startsWith(':')) comments.push(frame);
      }
      return true;
    },
    queued: () => 0,
    end: () => {
      ended = true;
    },
  };
  return { sink, ids, comments, ended: () => ended };
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await test())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(databaseKinds())('live event streams on %s', (kind) => {
  let env: TestEnv;
  let organiser: TestUser;
  let anon: ServiceContext;
  let hub: LiveHub;

  async function openSession(moderation: boolean) {
    const session = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'ev-stream',
      title: 'Streamed session',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:00:00Z',
      moderation,
    });
    return session.id;
  }
  async function participants(sessionId: string, n: number) {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const ref = { token: live.newParticipantToken() };
        await live.joinSession(anon, sessionId, ref, {
          origin: i % 2 ? 'remote' : 'room',
          name: `P${i}`,
        });
        return ref;
      }),
    );
  }
  /** Everybody's events of the session, from the table: what every client must end up with. */
  async function publicSeqs(sessionId: string) {
    return (await live.readEvents(env.deps, sessionId, 0, 100_000, ['all'])).map((e) => e.seq);
  }

  beforeAll(async () => {
    env = await createTestEnv(kind);
    organiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: 'ev-stream' },
    ]);
    anon = env.ctx(ANONYMOUS);
    hub = new LiveHub(env.deps, { heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    hub?.close();
    await env?.close();
  });

  it('numbers events 1, 2, 3… per session, in the transaction of each change, under concurrent writes', async () => {
    const sessionId = await openSession(false);
    const people = await participants(sessionId, 8);
    await Promise.all(
      people.map(async (ref, i) => {
        for (let k = 0; k < 4; k++) {
          await live.askQuestion(anon, sessionId, ref, {
            text: `Question ${k} from participant ${i}`,
          });
        }
      }),
    );
    const all = await live.readEvents(env.deps, sessionId, 0, 100_000);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect((await live.getLiveSession(anon, sessionId)).lastSeq).toBe(32);
  });

  it('delivers live, and replays after any Last-Event-ID with no gap and no duplicate while writes go on', async () => {
    const sessionId = await openSession(false);
    const people = await participants(sessionId, 10);
    const steady = collector();
    await hub.attach({ sessionId, staff: false, participantId: null }, 0, steady.sink);

    // A client that keeps dropping its connection and coming back with the last id it saw.
    const received: number[] = [];
    let current = collector();
    let detach = await hub.attach(
      { sessionId, staff: false, participantId: null },
      0,
      current.sink,
    );
    let reconnects = 0;
    let writing = true;
    const flapping = (async () => {
      while (
        writing ||
        received.length + current.ids.length < (await publicSeqs(sessionId)).length
      ) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 15));
        detach();
        received.push(...current.ids);
        current = collector();
        detach = await hub.attach(
          { sessionId, staff: false, participantId: null },
          received.at(-1) ?? 0,
          current.sink,
        );
        reconnects++;
      }
    })();

    await Promise.all(
      people.map(async (ref, i) => {
        for (let k = 0; k < 5; k++) {
          await live.askQuestion(anon, sessionId, ref, { text: `Streamed question ${k} of ${i}` });
        }
      }),
    );
    writing = false;
    await flapping;
    detach();
    received.push(...current.ids);
    const expected = await publicSeqs(sessionId);
    expect(expected).toHaveLength(50);
    await until(() => steady.ids.length >= expected.length);
    expect(steady.ids).toEqual(expected);
    expect(received).toEqual(expected);
    expect(reconnects).toBeGreaterThan(3);
  });

  it('gives each client only its audiences: everybody, moderators, or the asker alone', async () => {
    const sessionId = await openSession(true);
    const [asker, other] = await participants(sessionId, 2);
    const askerId = (await live.findParticipant(anon, sessionId, asker!))!.id;
    const otherId = (await live.findParticipant(anon, sessionId, other!))!.id;
    const mine = collector();
    const theirs = collector();
    const staff = collector();
    await hub.attach({ sessionId, staff: false, participantId: askerId }, 0, mine.sink);
    await hub.attach({ sessionId, staff: false, participantId: otherId }, 0, theirs.sink);
    await hub.attach({ sessionId, staff: true, participantId: null }, 0, staff.sink);
    await live.askQuestion(anon, sessionId, asker!, { text: 'A pending question for moderators' });
    const events = await live.readEvents(env.deps, sessionId, 0, 100);
    const staffSeq = events.find((e) => e.audience === 'staff')!.seq;
    const ownSeq = events.find((e) => e.audience === `p:${askerId}`)!.seq;
    await until(() => staff.ids.length === 1 && mine.ids.length === 1);
    expect(staff.ids).toEqual([staffSeq]);
    expect(mine.ids).toEqual([ownSeq]);
    expect(theirs.ids).toEqual([]);
  });

  it('writes heartbeat comment lines to every open stream', async () => {
    const sessionId = await openSession(true);
    const client = collector();
    await hub.attach({ sessionId, staff: false, participantId: null }, 0, client.sink);
    hub.heartbeat();
    hub.heartbeat();
    expect(client.comments).toEqual([': heartbeat', ': heartbeat']);
  });

  it('serves the stream over HTTP: text/event-stream, replay from Last-Event-ID, live events, 400 and 404', async () => {
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = env.app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api/v1/live`;
    const sessionId = await openSession(false);
    const people = await participants(sessionId, 3);
    for (const [i, ref] of people.entries()) {
      await live.askQuestion(anon, sessionId, ref, {
        text: `Asked before connecting, number ${i}`,
      });
    }
    const fromTwo = openSse(`${base}/${sessionId}/events`, { lastEventId: 2 });
    const fromQuery = openSse(`${base}/${sessionId}/events?after=1`);
    const head = await fromTwo.status;
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(head.headers['cache-control']).toContain('no-cache');
    await fromTwo.waitFor((e) => e.id === 3);
    await fromQuery.waitFor((e) => e.id === 3);
    const asked = await live.askQuestion(anon, sessionId, people[0]!, {
      text: 'Asked while connected, arriving live',
    });
    const event = await fromTwo.waitFor((e) => e.id === 4);
    expect(event.event).toBe('question');
    expect(JSON.parse(event.data)).toMatchObject({ id: asked.id, status: 'approved' });
    await fromQuery.waitFor((e) => e.id === 4);
    expect(fromTwo.events.map((e) => e.id)).toEqual([3, 4]);
    expect(fromQuery.events.map((e) => e.id)).toEqual([2, 3, 4]);
    fromTwo.close();
    fromQuery.close();

    const bad = openSse(`${base}/${sessionId}/events`, { headers: { 'last-event-id': 'abc' } });
    expect((await bad.status).status).toBe(400);
    const unknown = openSse(`${base}/0190a5e4-0000-7000-8000-000000000000/events`);
    expect((await unknown.status).status).toBe(404);
  });

  it('ends open streams when the server closes, so that shutting down does not hang', async () => {
    const other = await createTestEnv(kind);
    await other.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = other.app.server.address() as AddressInfo;
    const session = await live.createLiveSession(other.ctx(), {
      eventId: 'ev-close',
      title: 'Closing',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:00:00Z',
    });
    const open = openSse(`http://127.0.0.1:${port}/api/v1/live/${session.id}/events`);
    expect((await open.status).status).toBe(200);
    // Without the hub ending its streams first, this would wait for them forever.
    await other.close();
    await open.ended;
  }, 20_000);
});
