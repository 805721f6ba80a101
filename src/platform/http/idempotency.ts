import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { INSTANCE_NAME } from '../../db/instance.ts';
import { AppError } from '../errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\w.:-]{8,100}$/;
const FORM_FIELD = '_idempotencyKey';

interface Claim {
  owner: string;
  key: string;
  token: string;
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
 * Whether the process that holds a claim still runs. The embedded database has one process per
 * data directory, so a claim of another process is an interrupted one; on PostgreSQL a process
 * killed with SIGKILL loses its connections, and with them its application_name.
 */
async function holderRuns(db: Db, kind: string | undefined, holder: string | null) {
  if (holder === INSTANCE_NAME) return true;
  if (kind !== 'postgres' || !holder) return false;
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${holder}`.execute(db);
  return rows[0]!.n > 0;
}

/**
 * Checks, inside a transaction of the request and just before it commits, that the request still
 * holds its claim, and marks the claim applied: the write and the mark commit together, so after
 * a crash a retry knows whether the write happened. A claim taken over by a retry (its holder was
 * thought dead) makes the old holder's transaction roll back instead of writing twice.
 */
async function fence(trx: Transaction<Database>, claim: Claim): Promise<void> {
  const held = await trx
    .updateTable('idempotency_keys')
    .set({ state: 'applied' })
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .where('claim_token', '=', claim.token)
    .where('state', 'in', ['started', 'applied'])
    .returning('key')
    .executeTakeFirst();
  if (!held) {
    throw new AppError(
      'conflict',
      'Another request with this Idempotency-Key took over; this one was not carried out.',
    );
  }
}

/** `db` whose transactions each run `fence` before they commit. */
function fencedDb(db: Db, claim: Claim): Db {
  const wrapBuilder = (builder: object): object =>
    new Proxy(builder, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property === 'execute') {
          return <T>(run: (trx: Transaction<Database>) => Promise<T>) =>
            (value as (run: (trx: Transaction<Database>) => Promise<T>) => Promise<T>).call(
              target,
              async (trx) => {
                const result = await run(trx);
                await fence(trx, claim);
                return result;
              },
            );
        }
        // setIsolationLevel() and friends return a new builder: keep fencing it.
        return (...args: unknown[]) => {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          return out && typeof out === 'object' && 'execute' in out ? wrapBuilder(out) : out;
        };
      },
    });
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'transaction') return () => wrapBuilder(target.transaction());
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * The database a request's services write through: while the request holds an Idempotency-Key
 * claim, its transactions are fenced by it (see `fence`). Writes outside a transaction are not.
 */
export function requestDb(db: Db, request: FastifyRequest): Db {
  return request.idempotency ? fencedDb(db, request.idempotency) : db;
}

/**
 * `Idempotency-Key` on writes (header, or a hidden form field for plain forms): the first request
 * claims the key before it runs; a retry after success gets the stored answer; a retry while the
 * first is running gets 409; the same key with another body 422. A retry of a request whose
 * process died takes the claim over and runs it — unless its write had committed, which the claim
 * records in the same transaction (409 then, saying so: the answer itself was lost).
 * A claim whose request failed with a server error before writing is released.
 */
export async function idempotencyPlugin(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;
  const kind = (app.deps as { dbKind?: string }).dbKind;

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
    const token = randomUUID();
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({
        owner,
        key,
        request_hash: requestHash,
        state: 'started',
        claimed_by: INSTANCE_NAME,
        claim_token: token,
      })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) {
      request.idempotency = { owner, key, token };
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
    const inProgress = () =>
      new AppError(
        'conflict',
        'A request with this Idempotency-Key is in progress; try again when it has finished.',
        [],
        { 'idempotency-status': 'in-progress' },
      );
    if (existing.state === 'applied') {
      if (await holderRuns(db, kind, existing.claimed_by)) throw inProgress();
      throw new AppError(
        'conflict',
        'The request with this Idempotency-Key was carried out, but its answer was lost when the server stopped; look up its result instead of retrying.',
        [],
        { 'idempotency-status': 'applied' },
      );
    }
    if (existing.state === 'started') {
      // Taken over only from a holder that no longer runs, and only if no one else took it first.
      const takenOver =
        !(await holderRuns(db, kind, existing.claimed_by)) &&
        (await db
          .updateTable('idempotency_keys')
          .set({ claimed_by: INSTANCE_NAME, claim_token: token, created_at: new Date() })
          .where('owner', '=', owner)
          .where('key', '=', key)
          .where('state', '=', 'started')
          .where((eb) =>
            existing.claim_token === null
              ? eb('claim_token', 'is', null)
              : eb('claim_token', '=', existing.claim_token),
          )
          .returning('key')
          .executeTakeFirst());
      if (takenOver) {
        request.idempotency = { owner, key, token };
        return;
      }
      throw inProgress();
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
    const held = db
      .updateTable('idempotency_keys')
      .where('owner', '=', claim.owner)
      .where('key', '=', claim.key)
      .where('claim_token', '=', claim.token);
    if (reply.statusCode >= 500) {
      // Released only if nothing committed; a write that did stays recorded as applied.
      await db
        .deleteFrom('idempotency_keys')
        .where('owner', '=', claim.owner)
        .where('key', '=', claim.key)
        .where('claim_token', '=', claim.token)
        .where('state', '=', 'started')
        .execute();
      // A write that did commit stays recorded as applied, held by no one: a retry is told so.
      await held.set({ claimed_by: null }).execute();
      return payload;
    }
    const location = reply.getHeader('location');
    const type = reply.getHeader('content-type');
    await held
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
      .execute();
    return payload;
  });
}
