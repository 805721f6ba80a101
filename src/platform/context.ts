import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db, DatabaseKind } from '../db/database.ts';
import type { Clock } from './clock.ts';
import type { Mailer } from './mailer.ts';
import type { Bus } from './bus.ts';

/** Where a role applies: the whole site, or one process, event or organisation. */
export type ScopeType = 'site' | 'process' | 'event' | 'organisation';

export interface Grant {
  role: string;
  scopeType: ScopeType;
  /** null for site-wide grants. */
  scopeId: string | null;
}

/** Who is acting: resolved once per request (session cookie or API token) or by the CLI. */
export interface Actor {
  userId: string | null;
  label: string;
  grants: readonly Grant[];
  via: 'anonymous' | 'session' | 'token' | 'system';
  sessionId?: string;
  /** Token scopes narrow what a token may do; undefined for sessions. */
  tokenScopes?: readonly string[];
  /** Whether this session passed multi-factor authentication. */
  mfa?: boolean;
}

export const ANONYMOUS: Actor = Object.freeze({
  userId: null,
  label: 'anonymous',
  grants: [],
  via: 'anonymous' as const,
});

export const SYSTEM: Actor = Object.freeze({
  userId: null,
  label: 'system',
  grants: [{ role: 'site-admin', scopeType: 'site' as const, scopeId: null }],
  via: 'system' as const,
});

/** What long-lived dependencies every service may use. */
export interface Deps {
  config: Config;
  db: Db;
  readDb: Db;
  dbKind: DatabaseKind;
  clock: Clock;
  mailer: Mailer;
  bus: Bus;
  log: Logger;
}

/** What a use case gets: the dependencies plus who is asking and the request being served. */
export interface ServiceContext extends Deps {
  actor: Actor;
  requestId: string | null;
  locale: string;
  /** Client IP (after trusted-proxy resolution), for rate limits and audit. */
  ip: string | null;
  /**
   * True while the request holds an Idempotency-Key claim: `db`'s transactions are then fenced
   * by it, and a write that would otherwise run as one statement on its own (shorter locks) must
   * run in a transaction to be covered.
   */
  fenced?: boolean;
}

export function systemContext(deps: Deps, actor: Actor = SYSTEM): ServiceContext {
  return { ...deps, actor, requestId: null, locale: 'en', ip: null };
}
