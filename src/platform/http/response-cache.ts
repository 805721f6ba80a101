import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

/**
 * How one route's answers may be kept. Exact, not timed: an answer is served again only while the
 * stamp read for the new request equals the stamp read before the kept answer was made, so a
 * write in any process is seen by the next request of every process (the stamp comes from the
 * database, in one small query, not from memory).
 */
export interface CachePolicy {
  /**
   * What the answer depends on beyond its URL (the reader's language, say), or null when this
   * request's answer must not be kept or served from the cache (a signed-in reader, a personal
   * cookie).
   */
  vary(request: FastifyRequest): string | null;
  /** The version of everything the answer shows, read before the answer is made. */
  stamp(request: FastifyRequest): Promise<string>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anonymous GET answers of this route are kept and served again while their stamp holds. */
    responseCache?: CachePolicy;
  }
  interface FastifyRequest {
    /** Where this request's answer goes in the cache once sent, and the stamp it was made at. */
    cacheSlot?: { key: string; stamp: string };
  }
}

interface Entry {
  stamp: string;
  type: string;
  body: string;
}

/**
 * The response cache: kept answers in a byte-bounded LRU of this process. Registered before
 * compression and ETags, so that it keeps the answer as made and each send is compressed and
 * tagged for its own client. Only a 200 whose body is text, that sets no cookie and carries no
 * CSRF token (a form bound to one visitor) is kept.
 */
export async function responseCachePlugin(
  app: FastifyInstance,
  options: { maxBytes: number },
): Promise<void> {
  if (options.maxBytes <= 0) return;
  const entries = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    // UTF-16 in memory: two bytes a character, and a little for the entry itself.
    sizeCalculation: (entry, key) => 2 * (entry.body.length + key.length) + 200,
  });

  app.addHook('preHandler', async (request, reply) => {
    const policy = request.routeOptions.config?.responseCache;
    if (!policy || request.method !== 'GET') return;
    const vary = policy.vary(request);
    if (vary === null) return;
    const key = `${request.url}\n${vary}`;
    const stamp = await policy.stamp(request);
    const entry = entries.get(key);
    if (entry?.stamp === stamp) {
      void reply.header('x-cache', 'hit');
      return reply.code(200).type(entry.type).send(entry.body);
    }
    request.cacheSlot = { key, stamp };
    void reply.header('x-cache', 'miss');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.cacheSlot;
    if (!slot) return payload;
    request.cacheSlot = undefined;
    const type = reply.getHeader('content-type');
    if (
      reply.statusCode === 200 &&
      typeof payload === 'string' &&
      typeof type === 'string' &&
      !reply.hasHeader('set-cookie') &&
      !payload.includes('name="_csrf"')
    ) {
      entries.set(slot.key, { stamp: slot.stamp, type, body: payload });
    }
    return payload;
  });
}
