import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { liveApiRoutes } from './live.routes.ts';
import { livePages } from './live.pages.tsx';
import { LiveHub } from './live.stream.ts';
import { seedDemoLiveSession } from './live.seed.ts';

export {
  createLiveSession,
  getLiveSession,
  exportSessionFigures,
  moderationSummary,
  speakingTimeFigures,
  type SessionFigures,
  type ModerationSummary,
} from './live.service.ts';
export type { LiveSessionView } from './live.present.ts';
export type { SpeakingTimeFigures } from './speaking-time.ts';

/** Routes, pages and this app's stream hub (one per app: it holds the open streams). */
async function liveRoutes(app: FastifyInstance): Promise<void> {
  const hub = new LiveHub(app.deps);
  // Open streams would keep the server from closing: end them first (clients reconnect and replay).
  app.addHook('preClose', async () => hub.close());
  await app.register(liveApiRoutes(hub));
  await app.register(livePages);
}

export const liveModule: ModuleDefinition = {
  name: 'live',
  routes: liveRoutes,
  seedDemo: seedDemoLiveSession,
};
