import type { FastifyRequest } from 'fastify';

/**
 * A preValidation hook for pages whose filter forms send every field, filled or not
 * ("?q=&country=GH&from="): empty values mean "any", so they are dropped before the query schema
 * sees them.
 */
export async function dropEmptyQuery(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined;
  if (!query || typeof query !== 'object') return;
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      const kept = value.filter((v) => v !== '');
      if (kept.length) clean[key] = kept;
    } else if (value !== '') clean[key] = value;
  }
  request.query = clean;
}
