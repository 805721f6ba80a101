import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Fan-out of small notifications between processes: PostgreSQL LISTEN/NOTIFY on a server, an
 * in-process emitter on the embedded database (one process owns it). Payloads are hints
 * ("something new in session X"); the data itself is read from the database.
 */
export interface Bus {
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z][a-z0-9_]{0,62}$/;
function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`bad bus channel name: ${channel}`);
}

export function inProcessBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(channel, payload) {
      checkChannel(channel);
      queueMicrotask(() => emitter.emit(channel, payload));
    },
    subscribe(channel, listener) {
      checkChannel(channel);
      emitter.on(channel, listener);
      return () => emitter.off(channel, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** LISTEN/NOTIFY over one dedicated connection, re-established after the server comes back. */
export function postgresBus(
  connectionString: string,
  onError: (error: Error) => void = () => {},
): Bus {
  const local = inProcessBus();
  const counts = new Map<string, number>();
  let client: pg.Client | null = null;
  let closed = false;
  let connecting: Promise<pg.Client> | null = null;

  const connect = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString });
      c.on('notification', (msg) => {
        if (msg.payload !== undefined) void local.publish(msg.channel, msg.payload);
      });
      c.on('error', (error) => {
        onError(error);
        client = null;
        if (!closed) setTimeout(() => void reconnect(), 1000);
      });
      await c.connect();
      for (const channel of counts.keys()) await c.query(`LISTEN ${channel}`);
      client = c;
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  const reconnect = async () => {
    try {
      await connect();
    } catch (error) {
      onError(error as Error);
      if (!closed) setTimeout(() => void reconnect(), 1000);
    }
  };

  return {
    async publish(channel, payload) {
      checkChannel(channel);
      const c = await connect();
      await c.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    subscribe(channel, listener) {
      checkChannel(channel);
      const unsubscribe = local.subscribe(channel, listener);
      const n = counts.get(channel) ?? 0;
      counts.set(channel, n + 1);
      if (n === 0)
        void connect()
          .then((c) => c.query(`LISTEN ${channel}`))
          .catch(onError);
      return () => {
        unsubscribe();
        const left = (counts.get(channel) ?? 1) - 1;
        if (left > 0) counts.set(channel, left);
        else {
          counts.delete(channel);
          void client?.query(`UNLISTEN ${channel}`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      await local.close();
      await client?.end().catch(() => {});
    },
  };
}
