import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Which database a request reads from when a replica is configured (DATABASE_REPLICA_URL).
 *
 * A replica lags the primary a little. So that nobody misses their own change (post a form, get
 * redirected, see the old page), a request that changed something marks its client with a short
 * cookie, and that client reads from the primary until the cookie expires. Requests that change
 * something read from the primary too: what they check before writing must be current.
 */
export const PRIMARY_COOKIE = 'cc_primary';
/** Longer than any replication lag the platform tolerates; short enough to spread reads again. */
export const PRIMARY_STICKY_SECONDS = 10;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readsFromPrimary(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method) || request.cookies?.[PRIMARY_COOKIE] === '1';
}

/** Sets the cookie after each change, when there is a replica to stay away from. */
export async function readRoutingPlugin(
  app: FastifyInstance,
  options: { enabled: boolean; https: boolean },
): Promise<void> {
  if (!options.enabled) return;
  app.addHook('onSend', async (request, reply) => {
    // A refused request (4xx) changed nothing.
    if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return;
    void reply.setCookie(PRIMARY_COOKIE, '1', {
      path: '/',
      maxAge: PRIMARY_STICKY_SECONDS,
      httpOnly: true,
      sameSite: 'lax',
      secure: options.https,
    });
  });
}
