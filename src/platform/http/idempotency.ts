import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\w.:-]{8,100}$/;
const FORM_FIELD = '_idempotencyKey';

interface Claim {
  owner: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

function ownerOf(request: FastifyRequest): string {
  return request.actor.userId ? `user:${request.actor.userId}` : `ip:${request.ip}`;
}

function hashRequest(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * `Idempotency-Key` on writes (header, or a hidden form field for plain forms): the first request
 * claims the key before it runs; a retry after success gets the stored answer; a retry while the
 * first is running — or after it was interrupted — gets 409; the same key with another body 422.
 * A claim whose request failed with a server error is released, so the client may retry.
 */
export async function idempotencyPlugin(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;

  app.addHook('preValidation', async (request) => {
    if (!UNSAFE.has(request.method)) return;
    const body = request.body as Record<string, unknown> | null | undefined;
    let key = request.headers['idempotency-key'];
    if (body && typeof body === 'object' && typeof body[FORM_FIELD] === 'string') {
      key ??= body[FORM_FIELD] as string;
      delete body[FORM_FIELD];
    }
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new AppError(
        'bad_request',
        'Idempotency-Key must be 8 to 100 letters, digits, ".", ":", "_" or "-".',
      );
    }
    (request as FastifyRequest & { idempotencyKey?: string }).idempotencyKey = key;
  });

  app.addHook('preHandler', async (request, reply) => {
    const key = (request as FastifyRequest & { idempotencyKey?: string }).idempotencyKey;
    if (!key) return;
    const owner = ownerOf(request);
    const requestHash = hashRequest(request);
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ owner, key, request_hash: requestHash, state: 'started' })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) {
      request.idempotency = { owner, key };
      return;
    }
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('owner', '=', owner)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing)
      throw new AppError('conflict', 'This request is being processed. Try again in a moment.');
    if (existing.request_hash !== requestHash) {
      throw new AppError(
        'validation',
        'This Idempotency-Key was already used for a different request.',
      );
    }
    if (existing.state !== 'done') {
      throw new AppError(
        'conflict',
        'A request with this Idempotency-Key is in progress or was interrupted; check its result before retrying with a new key.',
      );
    }
    void reply.header('idempotent-replayed', 'true');
    if (existing.response_location) void reply.header('location', existing.response_location);
    if (existing.response_type) void reply.type(existing.response_type);
    return reply.status(existing.response_status ?? 200).send(existing.response_body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await db
        .deleteFrom('idempotency_keys')
        .where('owner', '=', claim.owner)
        .where('key', '=', claim.key)
        .execute();
      return payload;
    }
    const location = reply.getHeader('location');
    const type = reply.getHeader('content-type');
    await db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: reply.statusCode,
        response_type: typeof type === 'string' ? type : null,
        response_location: typeof location === 'string' ? location : null,
        response_body:
          typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString('utf8')
              : null,
      })
      .where('owner', '=', claim.owner)
      .where('key', '=', claim.key)
      .execute();
    return payload;
  });
}
