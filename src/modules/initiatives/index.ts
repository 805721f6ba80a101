import type { ModuleDefinition } from '../../platform/module.ts';
import {
  countPublishedInitiatives,
  seedDemoInitiatives,
} from './initiatives.service.ts';
import { analyseOverlaps } from './overlap.service.ts';

export * from './initiatives.ts';
export {
  listInitiatives,
  getInitiative,
  createInitiative,
  updateInitiative,
  transition,
  importInitiatives,
  exportInitiatives,
  countPublishedInitiatives,
  type ImportReport,
} from './initiatives.service.ts';
export { serialiseInitiatives } from './initiatives.csv.ts';
export { analyseOverlaps, listOverlaps, decideOverlap } from './overlap.service.ts';

export const initiativesModule: ModuleDefinition = {
  name: 'initiatives',
  seedDemo: seedDemoInitiatives,
  stats: async (ctx) => ({ initiatives: await countPublishedInitiatives(ctx) }),
  jobs: {
    'initiatives.analyse-overlaps': async (ctx) => {
      await analyseOverlaps(ctx);
    },
  },
};
