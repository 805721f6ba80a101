import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../../platform/module.ts';
import { processesApi } from './processes.routes.ts';
import { processPages } from './processes.pages.tsx';
import { accreditationPages } from './accreditation.pages.tsx';
import { registerPages } from './register.pages.tsx';
import { consultationPages } from './consultations.pages.tsx';
import { registerUploads } from './uploads.ts';
import { countProcesses } from './processes.service.ts';
import { decideDueApplications } from './accreditation.service.ts';
import { seedDemoProcesses } from './processes.demo.ts';
import { processDeadlines, processSitemap } from './awareness.service.ts';

export * from './processes.ts';
export type { Consultation, Eligibility, ConsultationKind } from './consultations.ts';
export {
  listProcesses,
  getProcess,
  createProcess,
  addMeeting,
  setDelegation,
  removeDelegation,
  listDelegations,
  countProcesses,
} from './processes.service.ts';
export {
  applyForAccreditation,
  objectToApplication,
  withdrawObjection,
  decideDueApplications,
  getRegister,
  listForReview,
  type DecisionRun,
  type PublicApplication,
} from './accreditation.service.ts';
export {
  getConsultation,
  createConsultation,
  submitToConsultation,
  getCompilation,
  verifyReceipt,
} from './consultations.service.ts';

/** The job that decides accreditations whose non-objection period has ended. */
export const DECIDE_ACCREDITATIONS_JOB = 'processes.decide-accreditations';

async function routes(app: FastifyInstance): Promise<void> {
  // Multipart parsing is registered here, for this module's routes only.
  await registerUploads(app);
  await app.register(processesApi);
  await app.register(processPages);
  await app.register(accreditationPages);
  await app.register(registerPages);
  await app.register(consultationPages);
}

export const processesModule: ModuleDefinition = {
  name: 'processes',
  routes,
  seedDemo: seedDemoProcesses,
  stats: async (ctx) => ({ processes: await countProcesses(ctx) }),
  jobs: {
    [DECIDE_ACCREDITATIONS_JOB]: async (ctx) => {
      await decideDueApplications(ctx);
    },
  },
  // Non-objection periods end at any minute; decisions follow within one.
  schedules: [{ job: DECIDE_ACCREDITATIONS_JOB, every: '1m' }],
  deadlines: (ctx) => processDeadlines(ctx),
  sitemap: processSitemap,
};
