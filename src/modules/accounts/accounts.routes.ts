import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ListOf, Paging, Query, problems } from '../../platform/http/schemas.ts';
import { browseAudit, publicHistory } from './audit.service.ts';
import { rolesIn } from './permissions.ts';

const Me = Type.Object({
  userId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  via: Type.String(),
  roles: Type.Array(
    Type.Object({
      role: Type.String(),
      scopeType: Type.String(),
      scopeId: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  tokenScopes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  /** Site-wide roles that count now (a role waiting on two-step verification does not). */
  siteRolesInForce: Type.Array(Type.String()),
});

const Json = Type.Unknown();

const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    id: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()]),
    erased: Type.Boolean(),
  }),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Json,
  after: Json,
  isPublic: Type.Boolean(),
  requestId: Type.Union([Type.String(), Type.Null()]),
});

const HistoryEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  fields: Type.Array(Type.String()),
  before: Json,
  after: Json,
});

/** The accounts module's JSON API. */
export async function accountsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Who the request acts as: a session, an API token (with its scopes) or anonymous',
        security: [{ bearer: [] }],
        querystring: Query({}),
        response: { 200: Me, ...problems(400, 401, 429) },
      },
    },
    async (request) => {
      const actor = request.actor;
      return {
        userId: actor.userId,
        name: actor.userId ? actor.label : 'anonymous',
        via: actor.via,
        roles: actor.grants.map((g) => ({
          role: g.role,
          scopeType: g.scopeType,
          scopeId: g.scopeId,
        })),
        tokenScopes: actor.tokenScopes ? [...actor.tokenScopes] : null,
        siteRolesInForce: [...rolesIn(actor)].sort(),
      };
    },
  );

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The audit log (site administrators; a token needs the read scope)',
        security: [{ bearer: [] }],
        querystring: Query({
          entityType: Type.Optional(Type.String({ maxLength: 100 })),
          entityId: Type.Optional(Type.String({ maxLength: 200 })),
          action: Type.Optional(Type.String({ maxLength: 100 })),
          actor: Type.Optional(Type.String({ maxLength: 254 })),
          from: Type.Optional(Type.String({ format: 'date' })),
          to: Type.Optional(Type.String({ format: 'date' })),
          ...Paging,
        }),
        response: { 200: ListOf(AuditEntry), ...problems(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const q = request.query as Record<string, string | undefined> & {
        page?: number;
        pageSize?: number;
      };
      return browseAudit(request.ctx, { ...q, page: q.page ?? 1, pageSize: q.pageSize ?? 20 });
    },
  );

  app.get(
    '/api/v1/history/:entityType/:entityId',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The public history of an entity (what changed and when; people are not named)',
        params: Type.Object({
          entityType: Type.String({ maxLength: 100 }),
          entityId: Type.String({ maxLength: 200 }),
        }),
        querystring: Query({}),
        response: { 200: ListOf(HistoryEntry), ...problems(400, 429) },
      },
    },
    async (request) => {
      const { entityType, entityId } = request.params as { entityType: string; entityId: string };
      const items = await publicHistory(request.ctx, entityType, entityId);
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );
}
