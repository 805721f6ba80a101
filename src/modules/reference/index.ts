import type { ModuleDefinition } from '../../platform/module.ts';
import { referenceRoutes } from './reference.routes.ts';
import { countries } from './reference.service.ts';

export * from './reference.ts';
export {
  countries,
  country,
  countryMap,
  languages,
  regions,
  taxonomies,
} from './reference.service.ts';
export { TAXONOMIES, termCodes, isTerm, type TaxonomyName, type TermCode } from './taxonomies.ts';

export const referenceModule: ModuleDefinition = {
  name: 'reference',
  routes: referenceRoutes,
  stats: async (ctx) => ({ countries: (await countries(ctx)).filter((c) => c.unMember).length }),
};
