import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { databaseKinds, openTestDatabase } from '../../../test/helpers/db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { ANONYMOUS } from '../context.ts';
import { idempotencyPlugin } from './idempotency.ts';
import { errorPlugin } from './errors.ts';
import './types.ts';

describe.each(databaseKinds())('Idempotency-Key on %s', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let release: (() => void) | null = null;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    app = Fastify();
    app.decorate('deps', { db: handle.db } as never);
    app.decorateRequest('actor', null as never);
    app.addHook('onRequest', async (request) => {
      request.actor = ANONYMOUS;
    });
    await app.register(fp(errorPlugin), { renderPage: () => 'error' });
    await app.register(fp(idempotencyPlugin));
    // A write that counts how often it really ran.
    app.post('/things', async (request, reply) => {
      const body = request.body as { name: string; wait?: boolean };
      if (body.wait) await new Promise<void>((resolve) => (release = resolve));
      await sql`INSERT INTO meta (key, value) VALUES (${`thing:${body.name}:${Math.random()}`}, '1'::jsonb)`.execute(
        handle.db,
      );
      return reply
        .status(201)
        .header('location', `/things/${body.name}`)
        .send({ created: body.name });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  const count = async (name: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`SELECT count(*) AS n FROM meta WHERE key LIKE ${`thing:${name}:%`}`.execute(handle.db)
      ).rows[0]!.n,
    );
  const post = (body: object, key?: string) =>
    app.inject({
      method: 'POST',
      url: '/things',
      payload: body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('replays the stored answer to a retry after success, without running the write again', async () => {
    const first = await post({ name: 'a' }, 'key-aaaaaaaa');
    expect(first.statusCode).toBe(201);
    const retry = await post({ name: 'a' }, 'key-aaaaaaaa');
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual({ created: 'a' });
    expect(retry.headers.location).toBe('/things/a');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await count('a')).toBe(1);
  });

  it('refuses the same key with another body (422)', async () => {
    await post({ name: 'b' }, 'key-bbbbbbbb');
    const other = await post({ name: 'other' }, 'key-bbbbbbbb');
    expect(other.statusCode).toBe(422);
    expect(await count('other')).toBe(0);
  });

  it('refuses a concurrent duplicate (409) while the first runs', async () => {
    const first = post({ name: 'c', wait: true }, 'key-cccccccc');
    await new Promise((r) => setTimeout(r, 200));
    const duplicate = await post({ name: 'c', wait: true }, 'key-cccccccc');
    expect(duplicate.statusCode).toBe(409);
    release?.();
    expect((await first).statusCode).toBe(201);
    expect(await count('c')).toBe(1);
  });

  it('runs writes without a key as usual, and refuses malformed keys', async () => {
    await post({ name: 'd' });
    await post({ name: 'd' });
    expect(await count('d')).toBe(2);
    expect((await post({ name: 'e' }, 'bad key!')).statusCode).toBe(400);
  });
});
