import type { FastifyInstance } from 'fastify';
import { resolveSession, SESSION_COOKIE } from './sessions.service.ts';

/** Resolves who is signed in, for every route (registered globally). */
export async function accountsHooks(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const actor = await resolveSession(request.server.deps, token);
    if (actor) {
      request.actor = actor;
    } else {
      // An unknown or expired session: forget the cookie.
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
  });
}
