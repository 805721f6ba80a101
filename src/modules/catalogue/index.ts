import { catalogueChangesSince, pruneIndexChanges } from './search.service.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { currentIndex } from './search.memory.ts';
import { catalogueRoutes } from './resources.routes.ts';
import { cataloguePages } from './catalogue.pages.tsx';
import { resourcePages } from './resource.pages.tsx';
import { reviewPages } from './review.pages.tsx';
import { seedDemoResources } from './demo.service.ts';
import { countPublished } from './resources.service.ts';
import { linkCheckOptionsFrom, runLinkCheck } from './links.service.ts';

export type { Resource, ResourceInput, Provider, ResourceStatus } from './resources.ts';
export type { SearchParams } from './search-params.ts';
export type { FitProfile } from './fit.ts';
export { parseSearch, toQueryString, emptySearch } from './search-params.ts';
export {
  searchResources,
  searchParamsFrom,
  resourcesForCountry,
  resourcesByProvider,
  resourcesMatching,
  catalogueChangesSince,
  relatedResources,
  type SearchResult,
  type ResourceSummary,
} from './search.service.ts';
export {
  getResourceBySlug,
  getResourceById,
  createResource,
  updateResource,
  transition,
  listRevisions,
  compareRevisions,
  reviewQueue,
  needsAttention,
  countPublished,
} from './resources.service.ts';
export {
  importFile,
  importResources,
  exportResources,
  type ImportReport,
} from './transfer.service.ts';
export { formatOf, type FileFormat } from './transfer.ts';
export { runLinkCheck, type LinkCheckOptions, type LinkCheckReport } from './links.service.ts';
export { resourcePath } from './resources.present.ts';

export const catalogueModule: ModuleDefinition = {
  name: 'catalogue',
  routes: async (app) => {
    await app.register(catalogueRoutes);
    await app.register(cataloguePages);
    await app.register(resourcePages);
    await app.register(reviewPages);
  },
  seedDemo: seedDemoResources,
  stats: async (ctx) => ({ resources: await countPublished(ctx) }),
  // The search index (search.memory.ts) is built before the first search needs it.
  warmUp: async (ctx) => {
    await currentIndex(ctx.readDb);
  },
  jobs: {
    'catalogue.link-check': async (ctx, payload) => {
      await runLinkCheck(ctx, linkCheckOptionsFrom(payload));
    },
    'catalogue.prune-index-changes': async (ctx) => {
      await pruneIndexChanges(ctx);
    },
  },
  schedules: [
    // Links are checked daily; each run skips links checked recently.
    { job: 'catalogue.link-check', every: '1d' },
    // The search index's change log is kept an hour (a run cuts what the previous ones noted).
    { job: 'catalogue.prune-index-changes', every: '15m' },
  ],
  savedSearchKinds: {
    catalogue: {
      label: 'layout.nav.catalogue',
      searchPath: '/catalogue',
      changesSince: catalogueChangesSince,
    },
  },
};
