import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ListOf, problems } from '../../platform/http/schemas.ts';
import { getOrganisation, listOrganisations } from './organisations.service.ts';
import { OrganisationListQuery, OrganisationSchema } from './organisations.schemas.ts';

export async function organisationsApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary:
          'The directory of organisations: governments, regional and international organisations, civil society, private sector, technical community, academia',
        querystring: OrganisationListQuery,
        response: { 200: ListOf(OrganisationSchema), ...problems(400) },
      },
    },
    async (request) =>
      listOrganisations(request.ctx, request.query as Static<typeof OrganisationListQuery>),
  );
  app.get(
    '/api/v1/organisations/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'One organisation (by id or slug), with its member states',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: OrganisationSchema, ...problems(404) },
      },
    },
    async (request) => getOrganisation(request.ctx, (request.params as { id: string }).id),
  );
}
