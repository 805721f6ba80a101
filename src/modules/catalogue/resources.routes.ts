/** The catalogue's JSON API under /api/v1/resources (names in CONTRACT.md). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem, problems } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import {
  CreateBody,
  IdParams,
  ImportQuery,
  ImportReportSchema,
  PatchBody,
  ResourceItem,
  SearchQuery,
  SearchResponse,
} from './resources.schemas.ts';
import { searchParamsFrom, searchResources } from './search.service.ts';
import {
  createResource,
  getResourceById,
  getResourceBySlug,
  transition,
  updateResource,
} from './resources.service.ts';
import { toJson } from './resources.present.ts';
import { exportResources, importFile } from './transfer.service.ts';
import { FORMATS, formatOf, type FileFormat } from './transfer.ts';
import type { WorkflowAction } from './workflow.ts';
import type { ResourceStatus } from './resources.ts';
import { catalogueCache } from './catalogue.cache.ts';

const ACTION_FOR_STATUS: Record<ResourceStatus, WorkflowAction> = {
  submitted: 'submit',
  draft: 'withdraw',
  changes_requested: 'request-changes',
  published: 'publish',
  archived: 'archive',
};

const CONTENT_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

async function byIdOrSlug(request: FastifyRequest, id: string) {
  return isUuid(id) ? getResourceById(request.ctx, id) : getResourceBySlug(request.ctx, id);
}

export async function catalogueRoutes(app: FastifyInstance): Promise<void> {
  // Import files arrive as CSV or NDJSON text as well as JSON.
  app.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/api/v1/resources',
    {
      config: { responseCache: catalogueCache },
      schema: {
        tags: ['catalogue'],
        summary: 'Search training, tools and publications',
        description:
          'Full-text search in the resource languages (accents and typos tolerated), filters, facet counts given the other filters, sorting and pages.',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...problems(400) },
      },
    },
    async (request) => {
      const params = searchParamsFrom(request.query as Record<string, unknown>);
      const result = await searchResources(request.ctx, params);
      return {
        items: result.items,
        total: result.total,
        page: result.page,
        pageSize: result.pageSize,
        facets: result.facets,
        correctedQuery: result.correctedQuery,
      };
    },
  );

  for (const format of FORMATS) {
    app.get(
      `/api/v1/resources/export.${format}`,
      {
        schema: {
          tags: ['catalogue'],
          summary: `Export the resources a search finds as ${format.toUpperCase()}`,
          description:
            'Same parameters as the search; every match is exported (page and pageSize are ignored). Columns and fields: docs/catalogue.md.',
          querystring: SearchQuery,
          response: { ...problems(400) },
        },
      },
      async (request, reply) => {
        const params = searchParamsFrom(request.query as Record<string, unknown>);
        let body = '';
        for await (const chunk of exportResources(request.ctx, params, format)) body += chunk;
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="resources.${format}"`)
          .send(body);
      },
    );
  }

  app.get(
    '/api/v1/resources/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One resource (by id or slug)',
        params: IdParams,
        response: { 200: ResourceItem, ...problems(404), 410: Problem },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return toJson(await byIdOrSlug(request, id), request.locale);
    },
  );

  app.post(
    '/api/v1/resources',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Add a resource (a draft unless said otherwise)',
        description:
          'Organisation representatives give their organisationId and may submit at once; editors may publish at once.',
        body: CreateBody,
        response: { 201: ResourceItem, ...problems(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { organisationId, status, ...fields } = request.body as Record<string, unknown> & {
        organisationId?: string | null;
        status?: 'draft' | 'submitted' | 'published';
      };
      const resource = await createResource(request.ctx, fields, { organisationId, status });
      return reply.status(201).send(toJson(resource, request.locale));
    },
  );

  app.patch(
    '/api/v1/resources/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Change a resource, or move it through the workflow with "status"',
        params: IdParams,
        body: PatchBody,
        response: { 200: ResourceItem, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { status, note, ...fields } = request.body as Record<string, unknown> & {
        status?: ResourceStatus;
        note?: string;
      };
      let resource = await byIdOrSlug(request, id);
      if (Object.keys(fields).length)
        resource = await updateResource(request.ctx, resource.id, fields);
      if (status && status !== resource.status)
        resource = await transition(
          request.ctx,
          resource.id,
          ACTION_FOR_STATUS[status],
          note ?? null,
        );
      return toJson(resource, request.locale);
    },
  );

  app.post(
    '/api/v1/resources/import',
    {
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        tags: ['catalogue'],
        summary: 'Import resources from CSV, JSON or NDJSON (editors)',
        description:
          'Every row is checked and every problem reported with its row and field. Nothing is written if any row is bad, unless skipInvalid=true. Rows update the resource with the same externalId, else the same url.',
        querystring: ImportQuery,
        body: Type.Union([Type.String(), Type.Array(Type.Unknown()), Type.Object({})]),
        response: { 200: ImportReportSchema, ...problems(400, 401, 403, 422), 415: Problem },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const query = request.query as { skipInvalid?: boolean; format?: FileFormat };
      const format = query.format ?? formatOf('', request.headers['content-type']);
      if (!format) {
        throw new AppError(
          'unsupported_media_type',
          'Send text/csv, application/json or application/x-ndjson.',
        );
      }
      const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      const report = await importFile(request.ctx, text, format, {
        skipInvalid: query.skipInvalid ?? false,
      });
      return reply.send(report);
    },
  );
}
