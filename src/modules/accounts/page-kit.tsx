import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema, Static } from 'typebox';
import type { VNode } from 'preact';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { validate } from '../../platform/validation.ts';
import { useView } from '../../web/view.tsx';
import { SESSION_COOKIE } from './sessions.service.ts';

/** Shared pieces of the accounts pages. */

import { localPath } from '../../web/redirect.ts';

export { localPath, seeOther } from '../../web/redirect.ts';

/** Pages that show secrets or personal data are never cached. */
export function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store');
}

/** The values a form sent, as strings, to show again after an error (never passwords). */
export function formValues(body: unknown, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (omit.includes(key) || key === '_csrf') continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first.slice(0, 2000);
  }
  return out;
}

export type FormResult<T> =
  { ok: true; value: T } | { ok: false; status: number; errors: FieldError[] };

/**
 * Validates a form against its schema, then runs the service. Bad input (a validation error or a
 * conflict) comes back as field errors to show beside the fields; anything else is thrown.
 */
export async function runForm<S extends TSchema, T>(
  schema: S,
  body: unknown,
  work: (input: Static<S>) => Promise<T>,
): Promise<FormResult<T>> {
  const parsed = validate(schema, body);
  if (!parsed.ok) return { ok: false, status: 422, errors: parsed.errors };
  try {
    return { ok: true, value: await work(parsed.value) };
  } catch (error) {
    if (isAppError(error) && (error.code === 'validation' || error.code === 'conflict')) {
      return {
        ok: false,
        status: error.status,
        errors: error.errors.length ? error.errors : [{ path: '/', message: error.message }],
      };
    }
    throw error;
  }
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.server.deps.config.secureCookies,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** For pages that need someone signed in: sends them to sign in first, then back. */
export function redirectToSignIn(request: FastifyRequest, reply: FastifyReply) {
  const here = request.url.split('#')[0] ?? '/';
  return reply.redirect(
    `${localPath(request, '/sign-in')}?next=${encodeURIComponent(here.slice(0, 400))}`,
    303,
  );
}

export function signedIn(request: FastifyRequest): boolean {
  return !!request.actor.userId && request.actor.via === 'session';
}

/** A one-line confirmation after a redirect (`?done=key`), from a fixed list of messages. */
export function Notice(props: { done?: string; allowed: readonly string[] }): VNode | null {
  const { t } = useView();
  if (!props.done || !props.allowed.includes(props.done)) return null;
  return (
    <p class="notice ok" role="status">
      {t(`accounts.notice.${props.done}`)}
    </p>
  );
}

export function notFound(): never {
  throw AppError.notFound();
}
