import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { resolveSession, SESSION_COOKIE } from './sessions.service.ts';
import { resolveApiToken } from './api-tokens.service.ts';
import { checkRateLimit } from './rate-limit.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** An `Authorization: Bearer` token was sent but is unknown, expired or revoked. */
    bearerRejected?: boolean;
  }
}

/** The JSON API's limit: this many requests per token (or per IP without one) in 5 minutes. */
export const API_WINDOW_SECONDS = 5 * 60;

function isApi(url: string): boolean {
  return url === '/api/v1' || url.startsWith('/api/v1/') || url.startsWith('/api/v1?');
}

/**
 * Resolves who is acting, for every route (registered globally): an API token when the request
 * carries `Authorization: Bearer` (the cookie is then ignored), else the session cookie. Then
 * counts API requests against the rate limit.
 */
export async function accountsHooks(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const deps = request.server.deps;
    const authorization = request.headers.authorization;
    let tokenId: string | null = null;
    if (typeof authorization === 'string' && /^Bearer\s/i.test(authorization)) {
      const resolved = await resolveApiToken(deps, authorization.replace(/^Bearer\s+/i, '').trim());
      if (resolved) {
        request.actor = resolved.actor;
        tokenId = resolved.tokenId;
      } else {
        request.bearerRejected = true;
      }
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const actor = await resolveSession(deps, token);
        if (actor) {
          request.actor = actor;
        } else {
          // An unknown or expired session: forget the cookie.
          void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        }
      }
    }
    if (isApi(request.url)) {
      const limit = deps.config.apiRateLimit;
      const state = await checkRateLimit(deps, {
        key: tokenId ? `api:token:${tokenId}` : `api:ip:${request.ip}`,
        limit,
        windowSeconds: API_WINDOW_SECONDS,
      });
      void reply.header('ratelimit-limit', String(limit));
      void reply.header('ratelimit-remaining', String(state.remaining));
      void reply.header('ratelimit-reset', String(state.resetSeconds));
    }
  });

  // After the body is read (so that a malformed or oversized body still gets its own answer).
  app.addHook('preHandler', async (request) => {
    if (request.bearerRejected) {
      throw new AppError(
        'unauthenticated',
        'The API token is not valid: it is unknown, expired or revoked.',
        [],
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
  });
}
