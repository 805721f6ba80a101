import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { openDatabase } from '../../db/database.ts';
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
  const { deps } = app;
  // On a PostgreSQL server, streams read through two connections of their own, so that new events
  // reach clients without queueing behind the writes that fill the main pool in a busy session.
  const streamDb =
    deps.dbKind === 'postgres' && deps.config.databaseUrl
      ? await openDatabase({ databaseUrl: deps.config.databaseUrl, poolSize: 2 })
      : null;
  const hub = new LiveHub({ ...deps, db: streamDb?.db ?? deps.db });
  // Open streams would keep the server from closing: end them first (clients reconnect and replay).
  app.addHook('preClose', async () => {
    hub.close();
    await streamDb?.close();
  });
  await app.register(liveApiRoutes(hub));
  await app.register(livePages);
}

export const liveModule: ModuleDefinition = {
  name: 'live',
  routes: liveRoutes,
  seedDemo: seedDemoLiveSession,
};
