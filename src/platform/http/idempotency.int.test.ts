import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import { databaseKinds, openTestDatabase } from '../../../test/helpers/db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { ANONYMOUS } from '../context.ts';
import pg from 'pg';
import { idempotencyPlugin, requestDb } from './idempotency.ts';
import { errorPlugin } from './errors.ts';
import './types.ts';

describe.each(databaseKinds())('Idempotency-Key on %s', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let release: (() => void) | null = null;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    app = Fastify();
    app.decorate('deps', { db: handle.db, dbKind: kind } as never);
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
    // The same write through the request's database in a transaction, as services do.
    app.post('/fenced', async (request, reply) => {
      const body = request.body as { name: string; wait?: boolean; fail?: 'inside' | 'after' };
      // Waits before its transaction: PGlite's one connection stays free meanwhile.
      if (body.wait) await new Promise<void>((resolve) => (release = resolve));
      await requestDb(handle.db, request)
        .transaction()
        .execute(async (trx) => {
          await sql`INSERT INTO meta (key, value) VALUES (${`thing:${body.name}:${Math.random()}`}, '1'::jsonb)`.execute(
            trx,
          );
          if (body.fail === 'inside') throw new Error('failed before commit');
        });
      if (body.fail === 'after') throw new Error('failed after commit');
      return reply.status(201).send({ created: body.name });
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

  const fenced = (body: object, key: string) =>
    app.inject({
      method: 'POST',
      url: '/fenced',
      payload: body,
      headers: { 'idempotency-key': key },
    });
  /** The claim row a request of a process that died would have left behind. */
  const leaveClaim = async (key: string, body: object, state: 'started' | 'applied') => {
    // The hash of the same request, taken from a first request's own claim row.
    await fenced({ ...body }, `${key}-probe`);
    const probe = await handle.db
      .selectFrom('idempotency_keys')
      .select('request_hash')
      .where('key', '=', `${key}-probe`)
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('idempotency_keys')
      .values({
        owner: 'ip:127.0.0.1',
        key,
        request_hash: probe.request_hash,
        state,
        claimed_by: 'commons-0-deadbeef0000',
        claim_token: 'token-of-a-dead-process',
      })
      .execute();
  };

  it('lets a retry take over the claim of a request whose process died before its write committed', async () => {
    await leaveClaim('key-ffffffff', { name: 'f' }, 'started');
    const before = await count('f');
    const retry = await fenced({ name: 'f' }, 'key-ffffffff');
    expect(retry.statusCode).toBe(201);
    expect(await count('f')).toBe(before + 1);
    const replay = await fenced({ name: 'f' }, 'key-ffffffff');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await count('f')).toBe(before + 1);
  });

  it('does not run again a request whose write committed before its process died (409, applied)', async () => {
    await leaveClaim('key-gggggggg', { name: 'g' }, 'applied');
    const before = await count('g');
    const retry = await fenced({ name: 'g' }, 'key-gggggggg');
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['idempotency-status']).toBe('applied');
    expect(await count('g')).toBe(before);
  });

  it('keeps the claim of a write that committed before a server error, and releases one that did not', async () => {
    const after = await fenced({ name: 'h', fail: 'after' }, 'key-hhhhhhhh');
    expect(after.statusCode).toBe(500);
    expect(await count('h')).toBe(1);
    const retryAfter = await fenced({ name: 'h', fail: 'after' }, 'key-hhhhhhhh');
    expect(retryAfter.statusCode).toBe(409);
    expect(retryAfter.headers['idempotency-status']).toBe('applied');
    expect(await count('h')).toBe(1);

    const inside = await fenced({ name: 'k', fail: 'inside' }, 'key-kkkkkkkk');
    expect(inside.statusCode).toBe(500);
    expect(await count('k')).toBe(0);
    const claim = await handle.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', 'key-kkkkkkkk')
      .executeTakeFirst();
    expect(claim).toBeUndefined();
  });

  it('rolls back the write of a request whose claim was taken over meanwhile', async () => {
    const first = fenced({ name: 'i', wait: true }, 'key-iiiiiiii');
    await new Promise((r) => setTimeout(r, 200));
    await handle.db
      .updateTable('idempotency_keys')
      .set({ claimed_by: 'commons-1-otherprocess', claim_token: 'token-of-the-new-holder' })
      .where('key', '=', 'key-iiiiiiii')
      .execute();
    release?.();
    const answer = await first;
    expect(answer.statusCode).toBe(409);
    expect(await count('i')).toBe(0);
  });

  if (kind === 'postgres') {
    it('refuses (409) a retry while the process holding the claim still runs', async () => {
      const other = new pg.Client({
        connectionString: handle.connectionString,
        application_name: 'commons-2-stillrunning',
      });
      await other.connect();
      try {
        await leaveClaim('key-jjjjjjjj', { name: 'j' }, 'started');
        await handle.db
          .updateTable('idempotency_keys')
          .set({ claimed_by: 'commons-2-stillrunning' })
          .where('key', '=', 'key-jjjjjjjj')
          .execute();
        const retry = await fenced({ name: 'j' }, 'key-jjjjjjjj');
        expect(retry.statusCode).toBe(409);
        expect(retry.headers['idempotency-status']).toBe('in-progress');
      } finally {
        await other.end();
      }
      // Once that process is gone, the retry takes over.
      const retry = await fenced({ name: 'j' }, 'key-jjjjjjjj');
      expect(retry.statusCode).toBe(201);
    });
  }
});
