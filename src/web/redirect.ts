import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A path on this site in the reader's language: a reader who came by /fr/… stays on /fr/…; one
 * who came by the unprefixed address (language negotiated) stays there.
 */
export function localPath(request: FastifyRequest, path: string): string {
  if (!request.localeInPath) return path;
  return `/${request.locale}${path === '/' ? '' : path}`;
}

/** POST → redirect → GET: 303 to `path` in the reader's language. */
export function seeOther(request: FastifyRequest, reply: FastifyReply, path: string) {
  return reply.redirect(localPath(request, path), 303);
}
