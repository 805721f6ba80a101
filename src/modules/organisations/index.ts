import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { countOrganisations, seedDemoOrganisations } from './organisations.service.ts';
import { organisationsApi } from './organisations.routes.ts';
import { organisationsPages } from './organisations.pages.tsx';

export * from './organisations.ts';
export {
  getOrganisationBySlug,
  getOrganisationById,
  getOrganisation,
  organisationsBySlug,
  organisationsById,
  countOrganisations,
  listOrganisations,
  membershipsOf,
  importOrganisations,
  exportOrganisations,
  type OrganisationImportReport,
} from './organisations.service.ts';
export { serialiseOrganisations } from './organisations.csv.ts';
export { addOrganisationSection, type OrganisationSection } from './organisations.sections.ts';

export const organisationsModule: ModuleDefinition = {
  name: 'organisations',
  routes: async (app: FastifyInstance) => {
    await organisationsApi(app);
    await organisationsPages(app);
  },
  seedDemo: seedDemoOrganisations,
  stats: async (ctx) => ({ organisations: await countOrganisations(ctx) }),
};
