/**
 * The one error type services throw. The HTTP layer maps it, in one place, to RFC 9457 problem
 * JSON for the API or to an error page; services never know about HTTP.
 */
export const ERROR_CODES = {
  bad_request: 400,
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON-pointer-like path of the field, e.g. "/title" or "/rows/3/url". */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }

  static validation(errors: FieldError[], message = 'Some fields need your attention.'): AppError {
    return new AppError('validation', message, errors);
  }

  static notFound(what = 'The page or item'): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }

  static forbidden(message = 'You do not have permission to do this.'): AppError {
    return new AppError('forbidden', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
