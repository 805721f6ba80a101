import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { awarenessPages } from './awareness.pages.tsx';
import { awarenessRoutes } from './awareness.routes.ts';
import { jobsAdminPages } from './jobs-admin.pages.tsx';
import { sendDigests } from './digest.service.ts';

export { SaveSearchForm, type SaveSearchFormProps } from './save-search.tsx';
export { renderAtom, ATOM_TYPE, type AtomOptions, type FeedEntry } from './feeds.ts';
export {
  courseJsonLd,
  eventJsonLd,
  organizationJsonLd,
  creativeWorkJsonLd,
  type CourseInput,
  type EventInput,
  type OrganizationInput,
  type CreativeWorkInput,
} from './structured-data.ts';
export { canonicalQuery, periodKey, isoWeek, type Frequency } from './awareness.ts';
export { registerExtension } from './extensions.ts';
export {
  saveSearch,
  mySavedSearches,
  updateSavedSearch,
  deleteSavedSearch,
  unsubscribe,
} from './saved-searches.service.ts';
export { sendDigests } from './digest.service.ts';
export { renderCalendar, publicDeadlines, resetCalendarLink } from './calendar.service.ts';

export const DIGEST_JOB = 'awareness.send-digests';

async function routes(app: FastifyInstance): Promise<void> {
  await app.register(awarenessRoutes);
  await app.register(awarenessPages);
  await app.register(jobsAdminPages);
}

export const awarenessModule: ModuleDefinition = {
  name: 'awareness',
  routes,
  jobs: {
    [DIGEST_JOB]: async (ctx) => {
      await sendDigests(ctx);
    },
  },
  // Hourly: a daily digest goes out within the first hour of its UTC day, a weekly one within
  // the first hour of its ISO week.
  schedules: [{ job: DIGEST_JOB, every: '1h' }],
};
