/**
 * A small server-sent events client over node:http, for tests and benchmarks: it exposes what
 * EventSource hides (comment lines, the raw ids) and can be cut off on purpose to test replay.
 */
import http from 'node:http';

export interface SseEvent {
  id: number;
  event: string;
  data: string;
  /** performance.now() when the frame was parsed. */
  at: number;
}

export interface SseStream {
  events: SseEvent[];
  comments: string[];
  status: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>;
  lastId: number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Resolves when an event satisfies `test` (already received ones count). */
  waitFor(test: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  onEvent?: (event: SseEvent) => void;
}

export function parseFrames(text: string): { frames: string[]; rest: string } {
  const parts = text.split('\n\n');
  const rest = parts.pop() ?? '';
  return { frames: parts, rest };
}

export function openSse(
  url: string,
  options: { lastEventId?: number; headers?: Record<string, string>; agent?: http.Agent } = {},
): SseStream {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  const waiters = new Set<{ test: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  let request: http.ClientRequest | null = null;
  let markEnded: () => void = () => {};
  const stream: SseStream = {
    ended: new Promise<void>((resolve) => (markEnded = resolve)),
    events: [],
    comments: [],
    lastId: options.lastEventId ?? 0,
    status: null as never,
    waitFor(test, timeoutMs = 10_000) {
      const found = stream.events.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          test,
          resolve: (e: SseEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`no matching event within ${timeoutMs} ms (got ${stream.events.length})`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      request?.destroy();
    },
  };
  stream.status = new Promise((resolve, reject) => {
    request = http.get(url, { headers, agent: options.agent }, (response) => {
      response.setEncoding('utf8');
      let buffer = '';
      let body = '';
      if (response.statusCode !== 200) {
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        return;
      }
      resolve({ status: 200, headers: response.headers, body: '' });
      response.on('data', (chunk: string) => {
        const { frames, rest } = parseFrames(buffer + chunk);
        buffer = rest;
        for (const frame of frames) {
          let id: number | null = null;
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = Number(line.slice(4));
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (id === null) continue;
          const parsed: SseEvent = { id, event, data: data.join('\n'), at: performance.now() };
          stream.events.push(parsed);
          stream.lastId = id;
          stream.onEvent?.(parsed);
          for (const waiter of waiters) {
            if (waiter.test(parsed)) {
              waiters.delete(waiter);
              waiter.resolve(parsed);
            }
          }
        }
      });
      response.on('error', () => {});
      response.on('close', () => markEnded());
    });
    request.on('error', (error) => {
      if (!('code' in error && error.code === 'ECONNRESET')) reject(error);
    });
  });
  stream.status.catch(() => {});
  return stream;
}
