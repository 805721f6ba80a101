/**
 * Server-sent event fan-out for live sessions, in one process.
 *
 * Ordering and completeness come from the database: every change appends rows to live_events with
 * the session's next sequence numbers, in the change's own transaction. The bus only says "session
 * X has events up to N"; each process then reads the rows itself, once per session however many
 * clients it serves, and writes the same pre-formatted frame to each of them.
 *
 * A client (re)connecting after Last-Event-ID N is first attached to its session's feed (which
 * buffers what arrives meanwhile), then replays rows after N from the table, then drains the
 * buffer, skipping what it already sent: no gap, no duplicate. A lost hint is made up for by a
 * poll on every heartbeat.
 */
import type { Bus } from '../../platform/bus.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { Logger } from 'pino';
import { audiencesFor, sseFrame } from './live.ts';
import { currentSeq, LIVE_CHANNEL, readEvents, type StreamAccess } from './live.service.ts';
import type { EventRow } from './live.repository.ts';

/** Where streams read events from: the live_events table (tests may substitute a log). */
export interface EventLog {
  read(
    sessionId: string,
    after: number,
    limit: number,
    audiences?: readonly string[],
  ): Promise<EventRow[]>;
  /** The session's latest sequence number. */
  current(sessionId: string): Promise<number>;
}

export function databaseLog(db: ServiceContext['db']): EventLog {
  return {
    read: (sessionId, after, limit, audiences) =>
      readEvents({ db }, sessionId, after, limit, audiences),
    current: (sessionId) => currentSeq({ db }, sessionId),
  };
}

const PAGE = 500;
/** A client this far behind (bytes queued in its socket) is dropped; it reconnects and replays. */
const MAX_QUEUED_BYTES = 1024 * 1024;

export interface StreamSink {
  write(chunk: string): boolean;
  /** Bytes waiting in the socket. */
  queued(): number;
  end(): void;
}

interface Prepared {
  seq: number;
  audience: string;
  frame: string;
}

class Client {
  lastSent: number;
  live = false;
  buffer: Prepared[] = [];
  closed = false;

  constructor(
    readonly audiences: ReadonlySet<string>,
    after: number,
    private readonly sink: StreamSink,
  ) {
    this.lastSent = after;
  }

  /** From the feed: sent at once when live, kept for later while the replay runs. */
  deliver(batch: readonly Prepared[]): void {
    if (this.live) this.send(batch);
    else for (const event of batch) if (this.audiences.has(event.audience)) this.buffer.push(event);
  }

  /** Writes what this client may read and has not had yet, in one write (one syscall). */
  send(batch: readonly Prepared[]): void {
    if (this.closed) return;
    let out = '';
    for (const event of batch) {
      if (event.seq <= this.lastSent || !this.audiences.has(event.audience)) continue;
      this.lastSent = event.seq;
      out += event.frame;
    }
    if (out) this.write(out);
  }

  write(chunk: string): void {
    if (this.closed) return;
    this.sink.write(chunk);
    if (this.sink.queued() > MAX_QUEUED_BYTES) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.end();
  }
}

function prepare(rows: readonly EventRow[]): Prepared[] {
  return rows.map((row) => ({
    seq: row.seq,
    audience: row.audience,
    frame: sseFrame(row.seq, row.type, row.data),
  }));
}

class Feed {
  readonly clients = new Set<Client>();
  private cursor = 0;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastRead = 0;
  readonly ready: Promise<void>;

  constructor(
    private readonly events: EventLog,
    private readonly sessionId: string,
    private readonly log: Logger,
    private readonly flushMs: number | null,
  ) {
    // Everything up to the current position is read by each client's replay; the feed carries on.
    this.ready = events.current(sessionId).then((seq) => {
      this.cursor = seq;
    });
    // Awaited by every reader; this keeps a failure from being an unhandled rejection meanwhile.
    this.ready.catch(() => {});
  }

  /**
   * A hint: read soon. Reads are spaced (see interval), so that under load each client gets one
   * write with several events instead of one write per event (fewer syscalls, same order).
   */
  notify(seq: number): void {
    if (seq <= this.cursor || this.timer) return;
    const wait = Math.max(0, this.lastRead + this.interval() - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, wait);
  }

  /**
   * The least time between reads: each read costs one write (a syscall) per client, so a large
   * audience waits a little longer and gets more events per write — 20 ms for up to 400 streams
   * on this process, growing to 100 ms at 2,000.
   */
  private interval(): number {
    return this.flushMs ?? Math.min(100, Math.max(20, this.clients.size / 20));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      await this.ready;
      do {
        this.again = false;
        for (;;) {
          this.lastRead = Date.now();
          const rows = await this.events.read(this.sessionId, this.cursor, PAGE);
          if (rows.length === 0) break;
          // One synchronous pass per page: delivering to clients and moving the cursor happen
          // together, so a client attaching meanwhile sees either the rows or the new cursor.
          const batch = prepare(rows);
          for (const client of this.clients) client.deliver(batch);
          this.cursor = rows[rows.length - 1]!.seq;
          if (rows.length < PAGE) break;
        }
      } while (this.again);
    } catch (error) {
      this.log.warn({ err: error, sessionId: this.sessionId }, 'live: reading events failed');
    } finally {
      this.pumping = false;
    }
  }
}

export interface HubOptions {
  heartbeatMs?: number;
  /** Least time between two reads of a session's new events (default: by audience size). */
  flushMs?: number;
  events?: EventLog;
}

export class LiveHub {
  private readonly feeds = new Map<string, Feed>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly events: EventLog;
  private readonly flushMs: number | null;

  constructor(
    private readonly deps: { db: ServiceContext['db']; bus: Bus; log: Logger },
    options: HubOptions = {},
  ) {
    this.events = options.events ?? databaseLog(deps.db);
    this.flushMs = options.flushMs ?? null;
    this.unsubscribe = deps.bus.subscribe(LIVE_CHANNEL, (payload) => this.onHint(payload));
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs ?? 15_000);
    this.timer.unref();
  }

  private onHint(payload: string): void {
    const colon = payload.lastIndexOf(':');
    const feed = this.feeds.get(payload.slice(0, colon));
    if (feed) feed.notify(Number(payload.slice(colon + 1)));
  }

  /** A comment line to every stream (keeps proxies from closing idle ones), and a safety poll. */
  heartbeat(): void {
    for (const feed of this.feeds.values()) {
      for (const client of feed.clients) client.write(': heartbeat\n\n');
      void feed.pump();
    }
  }

  /**
   * Streams a session's events after `after` to `sink`, then everything new as it commits.
   * Returns the function that detaches the client (call it when the connection closes).
   */
  async attach(access: StreamAccess, after: number, sink: StreamSink): Promise<() => void> {
    if (this.closed) {
      sink.end();
      return () => {};
    }
    let feed = this.feeds.get(access.sessionId);
    if (!feed) {
      feed = new Feed(this.events, access.sessionId, this.deps.log, this.flushMs);
      this.feeds.set(access.sessionId, feed);
    }
    const audiences = audiencesFor(access.staff, access.participantId);
    const client = new Client(new Set(audiences), after, sink);
    feed.clients.add(client);
    const detach = () => {
      client.closed = true;
      feed.clients.delete(client);
      if (feed.clients.size === 0 && this.feeds.get(access.sessionId) === feed) {
        feed.stop();
        this.feeds.delete(access.sessionId);
      }
    };
    try {
      await feed.ready;
      let cursor = after;
      for (;;) {
        const rows = await this.events.read(access.sessionId, cursor, PAGE, audiences);
        client.send(prepare(rows));
        if (rows.length > 0) cursor = rows[rows.length - 1]!.seq;
        if (rows.length < PAGE || client.closed) break;
      }
      // What the feed delivered meanwhile, minus what the replay already sent.
      client.send(client.buffer);
      client.buffer = [];
      client.live = true;
    } catch (error) {
      this.deps.log.warn({ err: error }, 'live: replay failed');
      client.close();
      detach();
    }
    return detach;
  }

  /** Ends every stream (the server is shutting down; clients reconnect elsewhere and replay). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    for (const feed of this.feeds.values()) {
      feed.stop();
      for (const client of feed.clients) client.close();
    }
    this.feeds.clear();
  }
}
