import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ListOf, Query, problems } from '../../platform/http/schemas.ts';
import * as service from './reference.service.ts';

const CountrySchema = Type.Object({
  iso2: Type.String(),
  iso3: Type.String(),
  m49: Type.String(),
  name: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  subRegion: Type.Union([Type.String(), Type.Null()]),
  intermediateRegion: Type.Union([Type.String(), Type.Null()]),
  unMember: Type.Boolean(),
  unGroup: Type.Union([Type.String(), Type.Null()]),
  ldc: Type.Boolean(),
  lldc: Type.Boolean(),
  sids: Type.Boolean(),
  languages: Type.Array(Type.String()),
});

const LanguageSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nativeName: Type.String(),
  dir: Type.String(),
});

const Term = Type.Object({
  code: Type.String(),
  label: Type.String(),
  extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export async function referenceRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/reference/countries',
    {
      schema: {
        tags: ['reference'],
        summary:
          'Every ISO 3166-1 country with its UN M49 region, UN regional group and LDC/LLDC/SIDS flags',
        querystring: Query({
          region: Type.Optional(Type.String({ maxLength: 60 })),
          unGroup: Type.Optional(Type.String({ maxLength: 60 })),
        }),
        response: { 200: ListOf(CountrySchema), ...problems(400) },
      },
    },
    async (request) => {
      const query = request.query as { region?: string; unGroup?: string };
      const items = (await service.countries(request.ctx)).filter(
        (c) =>
          (!query.region ||
            c.region === query.region ||
            c.subRegion === query.region ||
            c.intermediateRegion === query.region) &&
          (!query.unGroup || c.unGroup === query.unGroup),
      );
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );
  app.get(
    '/api/v1/reference/languages',
    {
      schema: {
        tags: ['reference'],
        summary: 'ISO 639-1 languages',
        querystring: Query({}),
        response: { 200: ListOf(LanguageSchema), ...problems(400) },
      },
    },
    async (request) => {
      const items = await service.languages(request.ctx);
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );
  app.get(
    '/api/v1/reference/taxonomies',
    {
      schema: {
        tags: ['reference'],
        summary:
          'The controlled vocabularies: themes, stakeholder groups, CMM dimensions, norms, formats…',
        querystring: Query({}),
        response: { 200: Type.Record(Type.String(), Type.Array(Term)), ...problems(400) },
      },
    },
    async () => service.taxonomies(),
  );
}
