import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DatabaseHandle, DatabaseKind } from '../../src/db/database.ts';
import { type ManualClock, systemClock, type Clock } from '../../src/platform/clock.ts';
import {
  systemContext,
  type Actor,
  type Deps,
  type ServiceContext,
} from '../../src/platform/context.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { inProcessBus } from '../../src/platform/bus.ts';
import { openTestDatabase } from './db.ts';

export interface TestEnv {
  kind: DatabaseKind;
  database: DatabaseHandle;
  deps: Deps;
  app: FastifyInstance;
  clock: Clock;
  /** A service context acting as `actor` (system by default). */
  ctx(actor?: Actor): ServiceContext;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  clock?: ManualClock;
  smtpUrl?: string | null;
  config?: Partial<Config>;
  /** A database opened by the test (e.g. with a replica); the environment closes it. */
  database?: DatabaseHandle;
}

/** A migrated database of `kind`, the dependencies over it, and the app built on them. */
export async function createTestEnv(
  kind: DatabaseKind,
  options: TestEnvOptions = {},
): Promise<TestEnv> {
  const database = options.database ?? (await openTestDatabase(kind));
  const config: Config = Object.freeze({
    ...loadConfig({
      SESSION_SECRET: 'test-secret-that-is-long-enough-0123456789',
      DATA_DIR: '.tmp/test-data',
      LOG_LEVEL: 'silent',
      // Tests make many API calls from one address; the rate-limit tests set the real figure.
      API_RATE_LIMIT: '1000000',
    }),
    ...options.config,
  });
  const mailer = createMailer({ smtpUrl: options.smtpUrl ?? null, from: config.mailFrom });
  const clock = options.clock ?? systemClock;
  const deps: Deps = {
    config,
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    clock,
    mailer,
    bus: inProcessBus(),
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    kind,
    database,
    deps,
    app,
    clock,
    ctx: (actor) => systemContext(deps, actor),
    async close() {
      await app.close();
      mailer.close();
      await deps.bus.close();
      await database.close();
    },
  };
}

/**
 * A browser-like client over app.inject: keeps cookies, and reads the CSRF token from the last
 * page so that form posts carry it as a real browser's would.
 */
export class TestAgent {
  private cookies = new Map<string, string>();
  csrf: string | null = null;

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies) {
      if (
        c.value === '' ||
        (c.maxAge !== undefined && c.maxAge <= 0) ||
        (c.expires && c.expires.getTime() < Date.now())
      ) {
        this.cookies.delete(c.name);
      } else {
        this.cookies.set(c.name, c.value);
      }
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match?.[1]) this.csrf = match[1];
  }

  async request(
    method: string,
    url: string,
    options: { headers?: Record<string, string>; payload?: string | object; json?: unknown } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let payload = options.payload;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      if (this.csrf) headers['x-csrf-token'] ??= this.csrf;
      payload = JSON.stringify(options.json);
    }
    const response = await this.app.inject({
      method: method as never,
      url,
      headers,
      payload: payload as never,
    });
    this.remember(response);
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request('GET', url, { headers: { accept: 'text/html', ...headers } });
  }

  /** Posts a form as a browser does, with the CSRF token from the last page seen. */
  async postForm(
    url: string,
    fields: Record<string, string | string[] | number | undefined>,
    options: { csrf?: string | null } = {},
  ) {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, String(item));
    }
    return this.request('POST', url, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: body.toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  clearCookies(): void {
    this.cookies.clear();
    this.csrf = null;
  }
}
