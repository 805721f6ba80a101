import type { ModuleDefinition } from '../../platform/module.ts';
import { countriesRoutes } from './countries.pages.tsx';
import { seedDemoProfiles } from './countries.service.ts';

export * from './countries.ts';
export {
  getProfile,
  compareProfiles,
  listProfiles,
  updateProfile,
  type CountryProfile,
} from './countries.service.ts';
export { addCountrySection, type CountrySection } from './countries.sections.ts';

export const countriesModule: ModuleDefinition = {
  name: 'countries',
  routes: countriesRoutes,
  seedDemo: seedDemoProfiles,
};
