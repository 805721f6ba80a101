import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type AppError, type FieldError } from '../platform/errors.ts';

/** The wait a "too many attempts" refusal asks for, in whole seconds (at least one). */
export function retryAfterSeconds(error: AppError): number {
  return Math.max(1, Number(error.headers['retry-after']) || 1);
}

/**
 * A "too many attempts" refusal (429 from `checkRateLimit`) as an error at the top of the form it
 * came from, in the reader's language, so that what they typed is kept. The response keeps the
 * 429 status and Retry-After header. Null for any other error.
 */
export function rateLimitedForm(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FieldError[] | null {
  if (!isAppError(error) || error.code !== 'rate_limited') return null;
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  const seconds = retryAfterSeconds(error);
  const message =
    seconds < 120
      ? request.t('form.rateLimitedSeconds', { seconds })
      : request.t('form.rateLimitedMinutes', { minutes: Math.ceil(seconds / 60) });
  return [{ path: '/_form', message }];
}
