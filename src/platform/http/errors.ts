import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import { fromPgError } from '../../db/pg-errors.ts';
import { describeAjvErrors } from '../validation.ts';

export interface ErrorPageRenderer {
  (request: FastifyRequest, error: AppError): string;
}

/** API clients get problem JSON; browsers on pages get an error page. */
export function wantsJson(request: FastifyRequest): boolean {
  const path = request.url;
  if (
    path.startsWith('/api/') ||
    path === '/openapi.json' ||
    path === '/healthz' ||
    path === '/readyz'
  )
    return true;
  if (request.routeOptions.config?.page) return false;
  const accept = request.headers.accept ?? '';
  return /json/.test(accept) && !/text\/html/.test(accept);
}

function fromFastifyError(error: FastifyError, request: FastifyRequest): AppError {
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    const errors: FieldError[] = describeAjvErrors(
      error.validation as never,
      where === 'body' ? '' : `/${where}`,
    );
    if (where === 'querystring') {
      const unknown = errors.filter((e) => e.message.startsWith('Unknown field'));
      if (unknown.length > 0) {
        return new AppError(
          'bad_request',
          `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.map((e) => e.path.split('/').pop()).join(', ')}.`,
          errors,
        );
      }
      return new AppError('bad_request', 'Some query parameters are not valid.', errors);
    }
    return new AppError(
      where === 'body' ? 'validation' : 'bad_request',
      'Some fields need your attention.',
      errors,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'unsupported_media_type',
        `Unsupported content type: ${request.headers['content-type'] ?? 'none'}.`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'The Content-Length header does not match the body.');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('bad_request', 'The request body is not valid JSON.');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code =
      error.statusCode === 404
        ? 'not_found'
        : error.statusCode === 413
          ? 'payload_too_large'
          : error.statusCode === 415
            ? 'unsupported_media_type'
            : error.statusCode === 429
              ? 'rate_limited'
              : 'bad_request';
    return new AppError(code, error.message);
  }
  return new AppError(
    'internal',
    'Something went wrong on our side. It has been logged; please try again.',
  );
}

export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  const pg = fromPgError(error);
  if (pg) return pg;
  return fromFastifyError(error as FastifyError, request);
}

export function sendProblem(reply: FastifyReply, error: AppError, instance?: string): FastifyReply {
  for (const [k, v] of Object.entries(error.headers)) void reply.header(k, v);
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: `about:blank#${error.code}`,
      title: error.code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      status: error.status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      errors: error.errors,
    });
}

/** The one place where errors become HTTP responses. */
export async function errorPlugin(
  app: FastifyInstance,
  options: { renderPage: ErrorPageRenderer },
): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, msg: appError.message }, 'request refused');
    }
    if (wantsJson(request)) return sendProblem(reply, appError, request.url.split('?')[0]);
    for (const [k, v] of Object.entries(appError.headers)) void reply.header(k, v);
    return reply
      .status(appError.status)
      .type('text/html; charset=utf-8')
      .send(options.renderPage(request, appError));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = AppError.notFound(
      wantsJson(request) ? `${request.method} ${request.url.split('?')[0]}` : 'This page',
    );
    if (wantsJson(request)) return sendProblem(reply, error, request.url.split('?')[0]);
    return reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(options.renderPage(request, error));
  });
}
