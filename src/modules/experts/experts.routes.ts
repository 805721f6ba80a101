import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ListOf, problems } from '../../platform/http/schemas.ts';
import { ExpertQuery, ExpertSchema } from './experts.schemas.ts';
import { getExpert, searchExperts } from './experts.service.ts';
import { presentExpert } from './experts.present.ts';
import { expertPages } from './experts.pages.tsx';

const HIDDEN_NOTE =
  'Each field has its own visibility chosen by the person: a field you may not see is null. ' +
  'Filters and words match only fields you may see.';

export async function expertsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/experts',
    {
      schema: {
        tags: ['experts'],
        summary: 'Search expert profiles',
        description: `Text search with filters. ${HIDDEN_NOTE}`,
        querystring: ExpertQuery,
        response: { 200: ListOf(ExpertSchema), ...problems(400) },
      },
    },
    async (request) => {
      const result = await searchExperts(request.ctx, request.query as ExpertQuery);
      return { ...result, items: result.items.map(presentExpert) };
    },
  );
  app.get(
    '/api/v1/experts/:id',
    {
      schema: {
        tags: ['experts'],
        summary: 'One expert profile',
        description: HIDDEN_NOTE,
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: ExpertSchema, ...problems(404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return presentExpert(await getExpert(request.ctx, id));
    },
  );
  await app.register(expertPages);
}
