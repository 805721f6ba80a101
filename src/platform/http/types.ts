import type { Actor, Deps, ServiceContext } from '../context.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import type { Catalogue } from '../i18n/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
    catalogue: Catalogue;
    /** Every registered route (method, URL pattern, schema). */
    routeList: ReadonlyArray<{ method: string; url: string; schema?: unknown }>;
  }
  interface FastifyRequest {
    locale: Locale;
    /** Whether the locale came from the URL prefix (/fr/…), so links keep it. */
    localeInPath: boolean;
    t: Translate;
    actor: Actor;
    /** The service context for this request: dependencies, actor, request id, locale. */
    ctx: ServiceContext;
    csrfToken(): string;
    /** Path without the locale prefix, e.g. "/catalogue". */
    pathWithoutLocale: string;
  }
  interface FastifyContextConfig {
    /** Routes that render HTML answer errors with a page instead of problem JSON. */
    page?: boolean;
    /** Skip the CSRF check (only for requests that carry no ambient credentials). */
    csrf?: false;
  }
}

export {};
