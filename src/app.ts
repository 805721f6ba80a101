import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
} from 'fastify';
import type { IncomingMessage } from 'node:http';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import compress from '@fastify/compress';
import etag from '@fastify/etag';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { parse as parseQuery } from 'node:querystring';
import type { Deps, ServiceContext } from './platform/context.ts';
import { ANONYMOUS } from './platform/context.ts';
import { loadCatalogue, type Catalogue } from './platform/i18n/index.ts';
import { AJV_OPTIONS } from './platform/validation.ts';
import { localePlugin, rewriteLocalePrefix } from './platform/http/locale.ts';
import { csrfPlugin } from './platform/http/csrf.ts';
import { responseCachePlugin } from './platform/http/response-cache.ts';
import { idempotencyPlugin, requestDb } from './platform/http/idempotency.ts';
import { errorPlugin } from './platform/http/errors.ts';
import { securityPlugin } from './platform/http/security.ts';
import { readRoutingPlugin, readsFromPrimary } from './platform/http/read-routing.ts';
import { operationsRoutes } from './platform/http/operations.ts';
import { renderErrorPage } from './web/error-page.tsx';
import { homePage } from './web/home.page.tsx';
import { MODULES } from './modules/registry.ts';
import './platform/http/types.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const LOCALES_DIR = fileURLToPath(new URL('./web/locales/', import.meta.url));

let sharedCatalogue: Catalogue | null = null;
/** Message catalogues are read once per process. */
export function messageCatalogue(): Catalogue {
  sharedCatalogue ??= loadCatalogue(LOCALES_DIR);
  return sharedCatalogue;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The whole platform as one Fastify app; used by main, the tests and the benchmarks. */
export async function buildApp(
  deps: Deps,
  options: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : deps.log,
    logger: options.logger === false ? false : undefined,
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    rewriteUrl: (req: IncomingMessage) => rewriteLocalePrefix(req),
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { ...AJV_OPTIONS } },
  } as never) as unknown as FastifyInstance;

  app.decorate('deps', deps);
  // Every route, for the route-walking tests (fuzzing, disclosure, permission matrices).
  const routeList: Array<{ method: string; url: string; schema?: unknown }> = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeList.push({ method, url: route.url, schema: route.schema });
    }
  });
  app.decorate('catalogue', messageCatalogue());
  app.decorateRequest('actor', null as never);
  // Every request starts anonymous; the accounts module's hook resolves who is signed in.
  app.addHook('onRequest', async (request) => {
    request.actor = ANONYMOUS;
  });
  app.decorateRequest('ctx', {
    getter(this: FastifyRequest): ServiceContext {
      return {
        ...deps,
        // Fenced by the request's Idempotency-Key claim, if it holds one.
        db: requestDb(deps.db, this),
        fenced: !!this.idempotency,
        readDb: readsFromPrimary(this) ? deps.db : deps.readDb,
        actor: this.actor,
        requestId: String(this.id),
        locale: this.locale,
        ip: this.ip ?? null,
      };
    },
  } as never);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', String(request.id));
  });

  await app.register(cookie, { secret: deps.config.sessionSecret });
  // Repeated form fields arrive as arrays (checkbox groups), like query strings.
  await app.register(formbody, { parser: (body) => parseQuery(body), bodyLimit: 256 * 1024 });
  // Before compression, so that it stores the answer as sent, not its compressed stream.
  await app.register(fp(idempotencyPlugin));
  // Also before compression and ETags: it keeps answers as made, and each send is encoded anew.
  await app.register(fp(responseCachePlugin), {
    maxBytes: deps.config.responseCacheMb * 1024 * 1024,
  });
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
  });
  await app.register(etag, { weak: true });
  await app.register(fp(securityPlugin), { https: deps.config.secureCookies });
  await app.register(fp(readRoutingPlugin), {
    enabled: deps.readDb !== deps.db,
    https: deps.config.secureCookies,
  });
  await app.register(fp(localePlugin));
  await app.register(fp(errorPlugin), { renderPage: renderErrorPage });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Capacity Commons API',
        version: '1',
        description:
          'Open data on cyber capacity building: training, initiatives, processes and events.',
      },
      servers: [{ url: deps.config.baseUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list' },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    wildcard: false,
    maxAge: '1h',
    index: false,
  });

  // Hooks every route needs (the signed-in actor) come before CSRF, which binds to the session.
  for (const module of MODULES) {
    if (module.globalHooks) await app.register(fp(module.globalHooks as FastifyPluginAsync));
  }
  await app.register(fp(csrfPlugin), {
    secret: deps.config.sessionSecret,
    secure: deps.config.secureCookies,
  });

  await app.register(operationsRoutes);
  await app.register(homePage(MODULES));
  for (const module of MODULES) {
    if (module.routes) await app.register(module.routes);
  }
  return app;
}
