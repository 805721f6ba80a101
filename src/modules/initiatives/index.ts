import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { addOrganisationSection } from '../organisations/index.ts';
import {
  countPublishedInitiatives,
  initiativesChangesSince,
  initiativesSitemap,
  seedDemoInitiatives,
} from './initiatives.service.ts';
import { analyseOverlaps } from './overlap.service.ts';
import { seedDemoNeeds } from './needs.service.ts';
import { initiativesApi } from './initiatives.routes.ts';
import { initiativesPages } from './initiatives.pages.tsx';
import { overlapsPages } from './overlaps.pages.tsx';
import { coveragePages } from './coverage.pages.tsx';
import { needsRoutes } from './needs.pages.tsx';
import { organisationInitiativesSection } from './organisation.section.tsx';

export * from './initiatives.ts';
export type { Need, Offer, NeedStatus } from './needs.ts';
export {
  listInitiatives,
  getInitiative,
  createInitiative,
  updateInitiative,
  transition,
  importInitiatives,
  exportInitiatives,
  countPublishedInitiatives,
  initiativesOfOrganisation,
  initiativesOfCountry,
  type ImportReport,
} from './initiatives.service.ts';
export { serialiseInitiatives } from './initiatives.csv.ts';
export { analyseOverlaps, listOverlaps, decideOverlap } from './overlap.service.ts';
export { exportIati, importIati, validateIati } from './iati/iati.service.ts';
export { coverage } from './coverage.service.ts';
export {
  needsOfCountry,
  postNeed,
  addNeedSuggestionSource,
  type NeedSuggestionSource,
} from './needs.service.ts';
export { InitiativeSummary, RegistryNav } from './initiatives.pages.tsx';
export { themeLabel, listText } from './labels.ts';

addOrganisationSection(organisationInitiativesSection);

export const initiativesModule: ModuleDefinition = {
  name: 'initiatives',
  routes: async (app: FastifyInstance) => {
    await initiativesApi(app);
    await initiativesPages(app);
    await overlapsPages(app);
    await coveragePages(app);
    await needsRoutes(app);
  },
  seedDemo: async (ctx) => {
    await seedDemoInitiatives(ctx);
    await seedDemoNeeds(ctx);
  },
  stats: async (ctx) => ({ initiatives: await countPublishedInitiatives(ctx) }),
  jobs: {
    'initiatives.analyse-overlaps': async (ctx) => {
      await analyseOverlaps(ctx);
    },
  },
  savedSearchKinds: {
    initiatives: {
      label: 'layout.nav.initiatives',
      searchPath: '/initiatives',
      changesSince: initiativesChangesSince,
    },
  },
  sitemap: initiativesSitemap,
};
