/**
 * The organisers' side of events, as plain forms: every page and action below checks
 * `event.manage` in the event (creating an event needs it site-wide); anonymous visitors are sent
 * to sign in first.
 */
import type { FastifyInstance } from 'fastify';
import { manageEventPages } from './manage.event.pages.tsx';
import { manageCallPages } from './manage.call.pages.tsx';
import { manageReviewPages } from './manage.review.pages.tsx';
import { manageSchedulePages } from './manage.schedule.pages.tsx';
import { manageSimilarPages } from './manage.similar.pages.tsx';
import { signInPath } from './manage.shared.tsx';

export async function managePages(app: FastifyInstance): Promise<void> {
  // Before CSRF and validation, so that an anonymous form post is sent to sign in too.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.actor?.userId && request.actor?.via !== 'system') {
      return reply.redirect(signInPath(request), 303);
    }
  });
  await app.register(manageEventPages);
  await app.register(manageCallPages);
  await app.register(manageReviewPages);
  await app.register(manageSchedulePages);
  await app.register(manageSimilarPages);
}
