/** The services' dependencies over an open database, for benchmarks that call services directly. */
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Deps } from '../../src/platform/context.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { inProcessBus } from '../../src/platform/bus.ts';

export function benchDeps(database: DatabaseHandle): Deps {
  const config = loadConfig({
    SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    DATA_DIR: '.tmp/bench-data',
    LOG_LEVEL: 'silent',
  });
  return {
    config,
    db: database.db,
    readDb: database.readDb,
    dbKind: database.kind,
    clock: systemClock,
    // No SMTP: mail stays in the outbox.
    mailer: createMailer({ smtpUrl: null, from: config.mailFrom }),
    bus: inProcessBus(),
    log: pino({ level: 'silent' }),
  };
}
