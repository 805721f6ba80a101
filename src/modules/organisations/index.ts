import type { ModuleDefinition } from '../../platform/module.ts';
import { countOrganisations, seedDemoOrganisations } from './organisations.service.ts';

export * from './organisations.ts';
export {
  getOrganisationBySlug,
  getOrganisationById,
  organisationsBySlug,
  organisationsById,
  countOrganisations,
} from './organisations.service.ts';

export const organisationsModule: ModuleDefinition = {
  name: 'organisations',
  seedDemo: seedDemoOrganisations,
  stats: async (ctx) => ({ organisations: await countOrganisations(ctx) }),
};
