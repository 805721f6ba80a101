import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase, type DatabaseHandle } from '../../db/database.ts';
import { systemClock } from '../clock.ts';
import { createMailer } from '../mailer.ts';
import { inProcessBus } from '../bus.ts';
import { TcpProxy } from '../../../test/helpers/tcp-proxy.ts';

// A database outage needs a server to lose: PostgreSQL only.
describe.runIf(!!inject('postgresTemplate'))('database outage on postgres', () => {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `cc_test_${inject('databaseNamespace')}_outage${Date.now()}`;
  const proxy = new TcpProxy(new URL(url).hostname, Number(new URL(url).port || 5432));
  let handle: DatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('postgresTemplate')}"`);
    await admin.end();
    const port = await proxy.start();
    const viaProxy = new URL(url);
    viaProxy.port = String(port);
    viaProxy.pathname = `/${name}`;
    handle = await openDatabase({ databaseUrl: viaProxy.toString(), poolSize: 4 });
    const config = loadConfig({
      SESSION_SECRET: 'x'.repeat(40),
      DATA_DIR: '.tmp/test-data',
      LOG_LEVEL: 'silent',
    });
    app = await buildApp({
      config,
      db: handle.db,
      readDb: handle.readDb,
      dbKind: 'postgres',
      clock: systemClock,
      mailer: createMailer({ smtpUrl: null, from: config.mailFrom }),
      bus: inProcessBus(),
      log: pino({ level: 'silent' }),
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await handle?.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('answers 503 within 2 s while the database is away, and recovers on its own within 5 s', async () => {
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    await proxy.cut();

    const started = performance.now();
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(performance.now() - started).toBeLessThan(2500);
    const page = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(503);
    expect(page.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const health = await app.inject('/healthz');
    expect(health.statusCode).toBe(200); // the process itself stays up

    await proxy.restore();
    const back = performance.now();
    let status = 0;
    while (performance.now() - back < 5000) {
      status = (await app.inject('/readyz')).statusCode;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
