import type { FastifyRequest } from 'fastify';
import type { CachePolicy } from '../../platform/http/response-cache.ts';
import { FIT_COOKIE } from './fit.ts';
import { publishedStamp } from './search.repository.ts';
import { today } from './search.service.ts';

/**
 * Anonymous catalogue searches (the page and the API) are the platform's busiest reads and the
 * same few searches come again and again. An answer shows published resources and the index
 * (both versioned in the database) as of a day (open enrolment and deadlines are judged against
 * today), in the reader's language. A signed-in reader, an API token or a "fits me" profile make
 * the answer personal: those are never kept.
 */
export const catalogueCache: CachePolicy = {
  vary(request: FastifyRequest) {
    if (request.actor.userId || request.headers.authorization || request.cookies[FIT_COOKIE])
      return null;
    return `${request.locale}\n${request.headers.accept ?? ''}`;
  },
  async stamp(request: FastifyRequest) {
    const ctx = request.ctx;
    return `${await publishedStamp(ctx.readDb)}:${today(ctx)}`;
  },
};
