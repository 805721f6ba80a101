import type { ModuleDefinition } from '../platform/module.ts';
import { referenceModule } from './reference/index.ts';
import { accountsModule } from './accounts/index.ts';
import { organisationsModule } from './organisations/index.ts';
import { eventsModule } from './events/index.ts';
import { awarenessModule } from './awareness/index.ts';
import { initiativesModule } from './initiatives/index.ts';
import { countriesModule } from './countries/index.ts';
import { processesModule } from './processes/index.ts';
import { expertsModule } from './experts/index.ts';
import { discussionsModule } from './discussions/index.ts';
import { catalogueModule } from './catalogue/index.ts';
import { liveModule } from './live/index.ts';

/**
 * Every domain module, in dependency order: demo data is seeded in this order, and a module's
 * global hooks are registered before any module's routes.
 */
// prettier-ignore
export const MODULES: readonly ModuleDefinition[] = [
  referenceModule,
  accountsModule,
  organisationsModule,
  eventsModule,
  initiativesModule,
  countriesModule,
  processesModule,
  expertsModule,
  discussionsModule,
  catalogueModule,
  liveModule,
  // Awareness gathers the others' feeds, sitemaps and deadlines: keep it last.
  awarenessModule,
];
