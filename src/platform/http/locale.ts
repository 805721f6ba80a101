import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, type Locale } from '../i18n/index.ts';

const PREFIX = /^\/(ar|zh|en|fr|ru|es)(?=\/|\?|$)/;
const LOCALE_COOKIE = 'cc_locale';

/**
 * Every page is reachable under /{locale}/…: the prefix is taken off before routing (Fastify's
 * rewriteUrl) and remembered on the raw request.
 */
export function rewriteLocalePrefix(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const match = PREFIX.exec(url);
  if (!match) return url;
  (req as IncomingMessage & { urlLocale?: Locale }).urlLocale = match[1] as Locale;
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function cookieLocale(request: FastifyRequest): Locale | null {
  const value = request.cookies?.[LOCALE_COOKIE];
  return isLocale(value) ? value : null;
}

/** Locale from the URL, then a cookie, then Accept-Language, then English. */
export async function localePlugin(app: FastifyInstance): Promise<void> {
  app.decorateRequest('locale', DEFAULT_LOCALE);
  app.decorateRequest('localeInPath', false);
  app.decorateRequest('pathWithoutLocale', '/');
  app.decorateRequest('t', null as never);
  app.addHook('onRequest', async (request, reply) => {
    const fromUrl = (request.raw as IncomingMessage & { urlLocale?: Locale }).urlLocale;
    request.localeInPath = !!fromUrl;
    request.locale =
      fromUrl ??
      cookieLocale(request) ??
      negotiateLocale(request.headers['accept-language']) ??
      DEFAULT_LOCALE;
    request.pathWithoutLocale = request.url.split('?')[0] ?? '/';
    request.t = app.catalogue.translator(request.locale);
    if (fromUrl && cookieLocale(request) !== fromUrl) {
      // Choosing a language by URL (the switcher) remembers it for unprefixed links.
      void reply.setCookie(LOCALE_COOKIE, fromUrl, {
        path: '/',
        sameSite: 'lax',
        httpOnly: true,
        maxAge: 60 * 60 * 24 * 365,
      });
    }
    // Pages vary by these; caches must know.
    void reply.header('vary', 'accept-language, cookie');
  });
}
