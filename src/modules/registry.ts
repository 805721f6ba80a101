import type { ModuleDefinition } from '../platform/module.ts';
import { referenceModule } from './reference/index.ts';
import { accountsModule } from './accounts/index.ts';
import { organisationsModule } from './organisations/index.ts';
import { liveModule } from './live/index.ts';

/**
 * Every domain module, in dependency order: demo data is seeded in this order, and a module's
 * global hooks are registered before any module's routes.
 */
export const MODULES: readonly ModuleDefinition[] = [
  referenceModule,
  accountsModule,
  organisationsModule,
  liveModule,
];
