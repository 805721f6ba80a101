import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { renderRobots, renderSitemap } from './discovery.service.ts';
import { searchFeed } from './feeds.service.ts';
import { ATOM_TYPE } from './feeds.ts';
import {
  CALENDAR_SECTIONS,
  privateCalendar,
  publicDeadlines,
  renderCalendar,
} from './calendar.service.ts';
import { translatorFor } from './messages.ts';

const ICS_TYPE = 'text/calendar; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';

/** Pages of the site shell that the sitemap lists when they exist (modules list their own). */
const STATIC_CANDIDATES = [
  '/',
  '/catalogue',
  '/initiatives',
  '/organisations',
  '/overlaps',
  '/coverage',
  '/processes',
  '/events',
  '/experts',
  '/discussions',
];

function localePrefix(request: FastifyRequest): string {
  return request.localeInPath ? `/${request.locale}` : '';
}

export async function awarenessRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/robots.txt',
    { schema: { tags: ['discovery'], summary: 'Crawling rules and where the sitemap is' } },
    async (request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(renderRobots(request.server.deps.config.baseUrl)),
  );

  const staticPaths = () => STATIC_CANDIDATES.filter((url) => app.hasRoute({ method: 'GET', url }));

  app.get(
    '/sitemap.xml',
    {
      schema: {
        tags: ['discovery'],
        summary:
          'Every public page with its language versions (hreflang); an index past 50,000 pages',
      },
    },
    async (request, reply) =>
      reply
        .type(XML_TYPE)
        .header('cache-control', 'public, max-age=3600')
        .send(await renderSitemap(request.ctx, staticPaths())),
  );

  app.get(
    '/sitemap-:page.xml',
    {
      schema: {
        tags: ['discovery'],
        summary: 'One file of a sitemap index',
        params: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
      },
    },
    async (request, reply) => {
      const { page } = request.params as { page: number };
      const body = await renderSitemap(request.ctx, staticPaths(), page);
      if (!body) throw AppError.notFound('This sitemap');
      return reply.type(XML_TYPE).header('cache-control', 'public, max-age=3600').send(body);
    },
  );

  app.get(
    '/feeds/:kind.atom',
    {
      schema: {
        tags: ['discovery'],
        summary:
          'Atom feed of any saveable search (kind: catalogue, initiatives, processes, events…) with the search’s own query parameters',
        params: Type.Object({ kind: Type.String({ pattern: '^[a-z][a-z0-9-]{0,59}$' }) }),
      },
    },
    async (request, reply) => {
      const { kind } = request.params as { kind: string };
      const query = request.url.includes('?')
        ? request.url.slice(request.url.indexOf('?') + 1)
        : '';
      const body = await searchFeed(request.ctx, kind, query, {
        localePrefix: localePrefix(request),
      });
      return reply.type(ATOM_TYPE).header('cache-control', 'public, max-age=600').send(body);
    },
  );

  app.get(
    '/calendar/deadlines.ics',
    { schema: { tags: ['discovery'], summary: 'iCalendar of every public deadline' } },
    async (request, reply) => {
      const t = translatorFor(request.locale);
      const body = renderCalendar(request.ctx, {
        name: t('awareness.calendar.publicName'),
        deadlines: await publicDeadlines(request.ctx),
        locale: request.locale,
        url: `${request.server.deps.config.baseUrl}/calendar/deadlines.ics`,
      });
      return reply.type(ICS_TYPE).header('cache-control', 'public, max-age=600').send(body);
    },
  );

  app.get(
    '/calendar/:section/:slug.ics',
    {
      schema: {
        tags: ['discovery'],
        summary: 'iCalendar of the public deadlines of one process or event',
        params: Type.Object({
          section: Type.Union(CALENDAR_SECTIONS.map((s) => Type.Literal(s))),
          slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,99}$' }),
        }),
      },
    },
    async (request, reply) => {
      const { section, slug } = request.params as { section: string; slug: string };
      const t = translatorFor(request.locale);
      const body = renderCalendar(request.ctx, {
        name: t('awareness.calendar.scopedName', { slug }),
        deadlines: await publicDeadlines(request.ctx, `/${section}/${slug}`),
        locale: request.locale,
        url: `${request.server.deps.config.baseUrl}/${section}/${slug}`,
      });
      return reply.type(ICS_TYPE).header('cache-control', 'public, max-age=600').send(body);
    },
  );

  app.get(
    '/calendar/:token.ics',
    {
      schema: {
        tags: ['discovery'],
        summary: 'A person’s private calendar, through the secret token of its URL',
        params: Type.Object({ token: Type.String({ maxLength: 100 }) }),
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const body = await privateCalendar(request.ctx, token);
      return reply
        .type(ICS_TYPE)
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .header('referrer-policy', 'no-referrer')
        .send(body);
    },
  );
}
