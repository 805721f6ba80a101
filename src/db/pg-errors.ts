import { AppError } from '../platform/errors.ts';

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
  column?: string;
}

/** SQLSTATE → AppError, so that a constraint the database enforces reads as a person's error. */
export function fromPgError(error: unknown): AppError | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as PgLikeError & { message?: string };
  const code = e.code;
  if (typeof code !== 'string' || code.length !== 5) {
    if (
      e.message &&
      /ECONNREFUSED|Connection terminated|timeout exceeded when trying to connect|ECONNRESET/i.test(
        e.message,
      )
    ) {
      return new AppError(
        'unavailable',
        'The database is not available right now. Please try again shortly.',
        [],
        {
          'retry-after': '5',
        },
      );
    }
    return null;
  }
  const where = e.constraint ? ` (${e.constraint})` : '';
  switch (code) {
    case '23505':
      return new AppError('conflict', `This already exists${where}.`);
    case '23503':
      return new AppError(
        'validation',
        `A referenced item does not exist or is still in use${where}.`,
      );
    case '23514':
    case '23502':
    case '22001':
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22021': // a character text cannot hold, e.g. a NUL byte
      return new AppError('validation', `A value is not acceptable${where}.`);
    case '40001':
    case '40P01':
      return new AppError(
        'conflict',
        'Someone else changed this at the same time. Please try again.',
      );
    case '42501':
      return new AppError('forbidden', 'This change is not allowed.');
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
      return new AppError(
        'unavailable',
        'The database is not available right now. Please try again shortly.',
        [],
        {
          'retry-after': '5',
        },
      );
    default:
      if (code.startsWith('08')) {
        return new AppError(
          'unavailable',
          'The database is not available right now. Please try again shortly.',
          [],
          {
            'retry-after': '5',
          },
        );
      }
      return null;
  }
}
