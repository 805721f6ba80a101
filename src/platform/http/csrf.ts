import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

const COOKIE = 'cc_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Signed double-submit tokens (OWASP): a random HttpOnly cookie, and in each form a token that is
 * its HMAC bound to the session. A cross-site page can neither read the cookie nor forge the token.
 * Requests authenticated by a Bearer token carry no ambient credentials and skip the check.
 */
export async function csrfPlugin(
  app: FastifyInstance,
  options: { secret: string; secure: boolean },
): Promise<void> {
  const sign = (seed: string, sessionId: string | undefined) =>
    createHmac('sha256', options.secret)
      .update(`${seed}|${sessionId ?? ''}`)
      .digest('base64url');

  const seedFor = (request: FastifyRequest): string => {
    const existing = request.cookies[COOKIE];
    if (existing && /^[\w-]{20,100}$/.test(existing)) return existing;
    const seed =
      (request as FastifyRequest & { csrfSeed?: string }).csrfSeed ??
      randomBytes(24).toString('base64url');
    (request as FastifyRequest & { csrfSeed?: string }).csrfSeed = seed;
    return seed;
  };

  app.decorateRequest('csrfToken', function (this: FastifyRequest) {
    return sign(seedFor(this), this.actor?.sessionId);
  });

  app.addHook('onSend', async (request, reply) => {
    const fresh = (request as FastifyRequest & { csrfSeed?: string }).csrfSeed;
    if (fresh && !request.cookies[COOKIE]) {
      void reply.setCookie(COOKIE, fresh, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
      });
    }
  });

  app.addHook('preValidation', async (request) => {
    if (!UNSAFE.has(request.method)) return;
    if (request.routeOptions.config?.csrf === false) return;
    if (/^Bearer\s/i.test(request.headers.authorization ?? '')) return;
    const seed = request.cookies[COOKIE];
    const body = request.body as Record<string, unknown> | undefined;
    const given =
      (typeof request.headers['x-csrf-token'] === 'string'
        ? request.headers['x-csrf-token']
        : undefined) ??
      (body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined);
    if (!seed || !given) {
      throw new AppError(
        'forbidden',
        'This form has expired or was sent from another site. Reload the page and try again.',
      );
    }
    const expected = Buffer.from(sign(seed, request.actor?.sessionId));
    const actual = Buffer.from(given);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new AppError(
        'forbidden',
        'This form has expired or was sent from another site. Reload the page and try again.',
      );
    }
    if (body && typeof body === 'object' && '_csrf' in body) delete body._csrf;
  });
}
