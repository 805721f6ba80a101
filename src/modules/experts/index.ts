import { readFileSync } from 'node:fs';
import type { ModuleDefinition } from '../../platform/module.ts';
import { expertsRoutes } from './experts.routes.ts';
import { seedDemoExperts, type DemoExpert } from './experts.service.ts';

export * from './experts.ts';
export {
  matchExperts,
  searchExperts,
  getExpert,
  getMyProfile,
  saveMyProfile,
  deleteMyProfile,
  personalData,
  erasePersonalData,
  countPublicExperts,
  type ExpertMatch,
  type MatchRequest,
  type ExpertPage,
} from './experts.service.ts';

export const expertsModule: ModuleDefinition = {
  name: 'experts',
  routes: expertsRoutes,
  async seedDemo(ctx) {
    const people = JSON.parse(
      readFileSync(new URL('./demo/experts.json', import.meta.url), 'utf8'),
    ) as DemoExpert[];
    await seedDemoExperts(ctx, people);
  },
};
