import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; request logs carry the request id. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'capacity-commons' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
      remove: true,
    },
  });
}
