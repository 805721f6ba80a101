import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { inProcessBus } from '../../platform/bus.ts';
import type { Db } from '../../db/database.ts';
import type { EventRow } from './live.repository.ts';
import { LIVE_CHANNEL } from './live.service.ts';
import { LiveHub, type EventLog, type StreamSink } from './live.stream.ts';

const SESSION = 'session-1';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An event log whose reads take a snapshot when they start and answer after a delay, as a
 * READ COMMITTED query can: the worst case for a client attaching while events keep coming.
 */
class SlowLog implements EventLog {
  rows: EventRow[] = [];
  private turn = 0;
  constructor(private readonly delays: number[]) {}
  private delay(): Promise<void> {
    const ms = this.delays[this.turn++ % this.delays.length] ?? 0;
    return sleep(ms);
  }
  async read(_s: string, after: number, limit: number, audiences?: readonly string[]) {
    const snapshot = this.rows.filter(
      (r) => r.seq > after && (!audiences || audiences.includes(r.audience)),
    );
    await this.delay();
    return snapshot.slice(0, limit);
  }
  async current() {
    const seq = this.rows.length;
    await this.delay();
    return seq;
  }
}

function collector() {
  const ids: number[] = [];
  const sink: StreamSink = {
    write(chunk) {
      for (const m of chunk.matchAll(/^id: (\d+)$/gm)) ids.push(Number(m[1]));
      return true;
    },
    queued: () => 0,
    end: () => {},
  };
  return { ids, sink };
}

const AUDIENCES = ['all', 'staff', 'p:a', 'p:b'] as const;
type Op =
  | { kind: 'append'; audience: (typeof AUDIENCES)[number]; hint: boolean }
  | { kind: 'reconnect'; client: number }
  | { kind: 'pause'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      audience: fc.constantFrom(...AUDIENCES),
      hint: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client: fc.nat(3) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.nat(4) }) },
);

const CLIENTS = [
  { staff: false, participantId: null },
  { staff: true, participantId: null },
  { staff: false, participantId: 'a' },
  { staff: false, participantId: 'b' },
] as const;

function visible(client: (typeof CLIENTS)[number], audience: string): boolean {
  return (
    audience === 'all' ||
    (client.staff && audience === 'staff') ||
    (client.participantId !== null && audience === `p:${client.participantId}`)
  );
}

describe('live stream hub', () => {
  it('gives every client each of its events exactly once and in order, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 5, maxLength: 60 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 16 }),
        async (ops, delays) => {
          const bus = inProcessBus();
          const log = new SlowLog(delays);
          const hub = new LiveHub(
            { db: null as unknown as Db, bus, log: pino({ level: 'silent' }) },
            { heartbeatMs: 60_000, flushMs: 2, events: log },
          );
          const clients = CLIENTS.map((access) => ({
            access: { sessionId: SESSION, ...access },
            received: [] as number[],
            current: collector(),
            detach: () => {},
          }));
          const connect = async (c: (typeof clients)[number]) => {
            c.current = collector();
            c.detach = await hub.attach(c.access, c.received.at(-1) ?? 0, c.current.sink);
          };
          await Promise.all(clients.map(connect));
          const pending: Promise<void>[] = [];
          for (const o of ops) {
            if (o.kind === 'append') {
              const seq = log.rows.length + 1;
              log.rows.push({ seq, type: 'question', audience: o.audience, data: '{}' });
              // A hint may be lost: the heartbeat's poll must make up for it.
              if (o.hint) await bus.publish(LIVE_CHANNEL, `${SESSION}:${seq}`);
            } else if (o.kind === 'reconnect') {
              const c = clients[o.client]!;
              c.detach();
              c.received.push(...c.current.ids);
              // Reconnecting does not wait: more events may commit meanwhile.
              pending.push(connect(c));
            } else {
              await sleep(o.ms);
            }
          }
          await Promise.all(pending);
          hub.heartbeat();
          for (const c of clients) {
            const expected = log.rows
              .filter((r) => visible(c.access, r.audience))
              .map((r) => r.seq);
            for (
              let i = 0;
              i < 200 && c.received.length + c.current.ids.length < expected.length;
              i++
            ) {
              await sleep(5);
            }
            expect([...c.received, ...c.current.ids]).toEqual(expected);
          }
          hub.close();
          await bus.close();
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('ends a client that falls too far behind; it comes back with Last-Event-ID and loses nothing', async () => {
    const bus = inProcessBus();
    const log = new SlowLog([0]);
    const hub = new LiveHub(
      { db: null as unknown as Db, bus, log: pino({ level: 'silent' }) },
      { events: log, flushMs: 0 },
    );
    let ended = false;
    let queued = 0;
    const ids: number[] = [];
    await hub.attach({ sessionId: SESSION, staff: false, participantId: null }, 0, {
      write(chunk) {
        for (const m of chunk.matchAll(/^id: (\d+)$/gm)) ids.push(Number(m[1]));
        queued += chunk.length * 1000;
        return false;
      },
      queued: () => queued,
      end: () => {
        ended = true;
      },
    });
    for (let seq = 1; seq <= 20; seq++) {
      log.rows.push({ seq, type: 'question', audience: 'all', data: 'x'.repeat(100) });
      await bus.publish(LIVE_CHANNEL, `${SESSION}:${seq}`);
      await sleep(1);
    }
    expect(ended).toBe(true);
    const again = collector();
    await hub.attach(
      { sessionId: SESSION, staff: false, participantId: null },
      ids.at(-1)!,
      again.sink,
    );
    expect([...ids, ...again.ids]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    hub.close();
    await bus.close();
  });
});
