import type { FastifyPluginAsync } from 'fastify';
import type { ServiceContext } from './context.ts';

/** A background job's handler: payload in, effects through services. Must be safe to retry. */
export type JobHandler = (ctx: ServiceContext, payload: unknown) => Promise<void>;

/**
 * What a domain module plugs into the platform. Each module's index.ts exports one; the registry
 * lists them in order. The platform knows only this shape, never a module's insides.
 */
export interface ModuleDefinition {
  name: string;
  /** Routes and pages, registered in an encapsulated plugin of their own. */
  routes?: FastifyPluginAsync;
  /** Hooks that must apply to every route (e.g. resolving the signed-in actor). */
  globalHooks?: FastifyPluginAsync;
  /** Demo data for an empty database; runs after the modules listed before this one. */
  seedDemo?: (ctx: ServiceContext) => Promise<void>;
  /**
   * Demo data that links to other modules' demo data (e.g. a role on a demo organisation); runs
   * after every module's seedDemo.
   */
  seedDemoLinks?: (ctx: ServiceContext) => Promise<void>;
  /**
   * Everything this module holds on a person, for "download my data" (JSON-serialisable; no
   * secrets such as password hashes).
   */
  personalData?: (ctx: ServiceContext, userId: string) => Promise<Record<string, unknown>>;
  /**
   * Erases or anonymises what this module holds on a person ("delete my account"). Must be safe
   * to run twice. Audit rows are never touched: they refer to the person by id only.
   */
  erasePersonalData?: (ctx: ServiceContext, userId: string) => Promise<void>;
  /** Counts shown on the home page, e.g. { resources: 160 } (keys name messages home.count.*). */
  stats?: (ctx: ServiceContext) => Promise<Record<string, number>>;
  /** Named jobs this module's work runs on. */
  jobs?: Record<string, JobHandler>;
}
