import type { ModuleDefinition } from '../../platform/module.ts';
import { eventsRoutes } from './events.routes.ts';
import { eventsPages } from './events.pages.tsx';
import { countEvents } from './events.service.ts';
import { seedDemoEvents } from './demo.ts';
import { eventDeadlines, eventSitemap, eventsChangesSince } from './awareness.service.ts';

export type { EventRecord, Call, Proposal } from './events.present.ts';
export type { Session, SessionFigures } from './schedule.service.ts';
export { getEvent, listEvents, createEvent, createCall } from './events.service.ts';
export { saveProposal, withdrawProposal, proposalDiversity } from './proposals.service.ts';
export { getScheduledSession, recordSessionFigures, programme } from './schedule.service.ts';

export const eventsModule: ModuleDefinition = {
  name: 'events',
  routes: async (app) => {
    await app.register(eventsRoutes);
    await app.register(eventsPages);
  },
  seedDemo: seedDemoEvents,
  stats: async (ctx) => ({ events: await countEvents(ctx) }),
  deadlines: eventDeadlines,
  sitemap: eventSitemap,
  savedSearchKinds: {
    events: {
      label: 'layout.nav.events',
      searchPath: '/events',
      changesSince: eventsChangesSince,
    },
  },
};
