import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/database.ts';
import type { ServiceContext } from './context.ts';

/** What a running job knows about itself (see platform/jobs.ts). */
export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  maxAttempts: number;
  /**
   * Marks the job done inside the handler's own transaction, so that its effects and its
   * completion commit together (exactly once). Throws, rolling the transaction back, when the job
   * was taken over by another worker meanwhile. Optional: a handler that returns normally is marked
   * done afterwards, and must then be safe to run twice.
   */
  complete(executor: Db): Promise<void>;
}

/** A background job's handler: payload in, effects through services. Must be safe to retry. */
export type JobHandler = (ctx: ServiceContext, payload: unknown, job: JobInfo) => Promise<void>;

/** A job enqueued at a fixed interval: `every` is "30s", "15m", "1h", "1d", "1w" or milliseconds. */
export interface JobSchedule {
  job: string;
  every: string | number;
  payload?: unknown;
}

/** An item of a search that is new or changed: what digests and feeds list. */
export interface ChangedItem {
  id: string;
  title: string;
  /** Path without locale, e.g. "/resources/cyber-diplomacy-101". */
  path: string;
  summary: string;
  updatedAt: Date;
}

/** A search people can save and get alerts for (catalogue, registry, processes, events…). */
export interface SavedSearchKind {
  /** Message key or plain text naming the search, e.g. "catalogue.savedSearch.label". */
  label: string;
  /** The search page, e.g. "/catalogue": the digest links back to it with the saved query. */
  searchPath?: string;
  /** What matches `params` and is new or changed after `since`, newest first, at most `limit`. */
  changesSince(
    ctx: ServiceContext,
    params: URLSearchParams,
    since: Date,
    limit: number,
  ): Promise<ChangedItem[]>;
}

/** A public page for the sitemap. */
export interface SitemapEntry {
  /** Path without locale, e.g. "/resources/cyber-diplomacy-101". */
  path: string;
  updatedAt?: Date;
  /** Locales the page is offered in; every UI locale when omitted, none (no hreflang) when []. */
  alternates?: readonly string[];
}

/** A dated deadline: enrolment closes, call for proposals closes, non-objection period ends… */
export interface Deadline {
  /** Stable across runs: calendars use it to update rather than duplicate the entry. */
  id: string;
  title: string;
  at: Date;
  /** e.g. "enrolment", "call-for-proposals", "non-objection", "consultation", "session". */
  kind: string;
  /** The page to act on, without locale; public calendars of a process or event filter on it. */
  path: string;
  /**
   * Other pages it belongs under, for those calendars: a consultation's page is its own, but it
   * is part of its process, so it is in the process's calendar too.
   */
  alsoUnder?: string[];
  /** For things that last (sessions): when they end. */
  endsAt?: Date;
  description?: string;
}

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
  /**
   * Work a serving process starts in the background once it listens, such as loading a cache the
   * first visitor would otherwise wait for. Not awaited: readiness does not depend on it.
   */
  warmUp?: (ctx: ServiceContext) => Promise<void>;
  /** Counts shown on the home page, e.g. { resources: 160 } (keys name messages home.count.*). */
  stats?: (ctx: ServiceContext) => Promise<Record<string, number>>;
  /** Named jobs this module's work runs on (names "module.what", e.g. "catalogue.check-links"). */
  jobs?: Record<string, JobHandler>;
  /** Jobs enqueued at intervals by the job runner of whichever process gets there first. */
  schedules?: JobSchedule[];
  /** Searches people can save and be alerted about, by kind name (e.g. "catalogue"). */
  savedSearchKinds?: Record<string, SavedSearchKind>;
  /** Public pages for /sitemap.xml. */
  sitemap?(ctx: ServiceContext): AsyncIterable<SitemapEntry>;
  /**
   * Deadlines for calendars: public ones without `userId`; with it, also those that concern that
   * person (their applications, proposals, sessions). Never confidential data in public ones.
   */
  deadlines?(ctx: ServiceContext, options: { userId?: string }): Promise<Deadline[]>;
}
