import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ListOf, problems } from '../../platform/http/schemas.ts';
import {
  createInitiative,
  exportInitiatives,
  getInitiative,
  listInitiatives,
  transition,
  updateInitiative,
} from './initiatives.service.ts';
import { decideOverlap, listOverlaps } from './overlap.service.ts';
import { toApi } from './initiatives.present.ts';
import { serialiseInitiatives } from './initiatives.csv.ts';
import { overlapApi } from './labels.ts';
import { exportIati } from './iati/iati.service.ts';
import {
  CreatedResponse,
  DecisionBody,
  InitiativeBody,
  InitiativeExportQuery,
  InitiativeListQuery,
  InitiativeSchema,
  OverlapListQuery,
  OverlapSchema,
  WorkflowBody,
} from './initiatives.schemas.ts';

const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const EXPORT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

export async function initiativesApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/initiatives',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Published capacity-building initiatives, filtered by words, theme, beneficiary country or region, organisation, status and period',
        querystring: InitiativeListQuery,
        response: { 200: ListOf(InitiativeSchema), ...problems(400) },
      },
    },
    async (request) => {
      const result = await listInitiatives(
        request.ctx,
        request.query as Static<typeof InitiativeListQuery>,
      );
      return { ...result, items: result.items.map(toApi) };
    },
  );

  app.get(
    '/api/v1/initiatives/export.:format',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Published initiatives as CSV, JSON, NDJSON or IATI activity XML (2.03), with the search filters',
        params: Type.Object({
          format: Type.Union(Object.keys(EXPORT_TYPES).map((f) => Type.Literal(f))),
        }),
        querystring: InitiativeExportQuery,
      },
    },
    async (request, reply) => {
      const { format } = request.params as { format: string };
      const query = request.query as Static<typeof InitiativeExportQuery>;
      const body =
        format === 'xml'
          ? await exportIati(request.ctx, query)
          : serialiseInitiatives(
              await exportInitiatives(request.ctx, query),
              format as 'csv' | 'json' | 'ndjson',
            );
      return reply
        .type(EXPORT_TYPES[format]!)
        .header('content-disposition', `attachment; filename="initiatives.${format}"`)
        .send(body);
    },
  );

  app.get(
    '/api/v1/initiatives/:id',
    {
      schema: {
        tags: ['initiatives'],
        summary: 'One initiative, by id or slug',
        params: IdParams,
        response: { 200: InitiativeSchema, ...problems(404) },
      },
    },
    async (request) =>
      toApi(await getInitiative(request.ctx, (request.params as { id: string }).id)),
  );

  app.post(
    '/api/v1/initiatives',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Register an initiative (a draft, or submitted for review with "submit": true); answers with its likely overlaps',
        security: [{ bearer: [] }],
        body: InitiativeBody,
        response: { 201: CreatedResponse, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { submit, ...raw } = request.body as Static<typeof InitiativeBody>;
      const { initiative, overlaps } = await createInitiative(request.ctx, raw, { submit });
      return reply.status(201).send({
        initiative: toApi(initiative),
        overlaps: overlaps.map((o) => overlapApi(o, request.t, request.locale)),
      });
    },
  );

  app.patch(
    '/api/v1/initiatives/:id',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Change an initiative (all fields are given again); answers with its likely overlaps',
        security: [{ bearer: [] }],
        params: IdParams,
        body: InitiativeBody,
        response: { 200: CreatedResponse, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { submit: _submit, ...raw } = request.body as Static<typeof InitiativeBody>;
      const { initiative, overlaps } = await updateInitiative(
        request.ctx,
        (request.params as { id: string }).id,
        raw,
      );
      return {
        initiative: toApi(initiative),
        overlaps: overlaps.map((o) => overlapApi(o, request.t, request.locale)),
      };
    },
  );

  app.post(
    '/api/v1/initiatives/:id/workflow',
    {
      schema: {
        tags: ['initiatives'],
        summary: 'Submit, publish, return (with a note), archive or restore an initiative',
        security: [{ bearer: [] }],
        params: IdParams,
        body: WorkflowBody,
        response: { 200: InitiativeSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof WorkflowBody>;
      return toApi(
        await transition(
          request.ctx,
          (request.params as { id: string }).id,
          body.action as never,
          body.note ?? null,
        ),
      );
    },
  );

  app.get(
    '/api/v1/overlaps',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Overlapping pairs of published initiatives with their score, reasons and the coordinators\' decision. Without "decision", dismissed (unrelated) pairs are left out.',
        querystring: OverlapListQuery,
        response: { 200: ListOf(OverlapSchema), ...problems(400) },
      },
    },
    async (request) => {
      const result = await listOverlaps(
        request.ctx,
        request.query as Static<typeof OverlapListQuery>,
      );
      return {
        ...result,
        items: result.items.map((o) => overlapApi(o, request.t, request.locale)),
      };
    },
  );

  app.post(
    '/api/v1/overlaps/:id/decision',
    {
      schema: {
        tags: ['initiatives'],
        summary: "Record a coordinator's decision on a pair: duplicate, complementary or unrelated",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: DecisionBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof DecisionBody>;
      await decideOverlap(
        request.ctx,
        (request.params as { id: string }).id,
        body.decision,
        body.note ?? null,
      );
      return reply.status(204).send();
    },
  );
}
