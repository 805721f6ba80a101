import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { sql } from 'kysely';

const Health = Type.Object({
  status: Type.String(),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

/** Liveness and readiness for load balancers and orchestrators. */
export async function operationsRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  app.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Health } },
    },
    async () => ({ status: 'ok', database: deps.dbKind }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers',
        response: {
          200: Health,
          503: Type.Object({
            status: Type.String(),
            database: Type.String(),
            detail: Type.String(),
          }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await Promise.race([
          sql`SELECT 1`.execute(deps.db),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref(),
          ),
        ]);
        return { status: 'ready', database: deps.dbKind };
      } catch (error) {
        void reply.header('retry-after', '5');
        return reply.status(503).send({
          status: 'unavailable',
          database: deps.dbKind,
          detail: String((error as Error).message),
        });
      }
    },
  );
}
