import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestEnv, TestAgent, type TestEnv } from '../helpers/app.ts';
import { createTestUser, signedInAgent } from '../helpers/auth.ts';
import { databaseKinds } from '../helpers/db.ts';
import { createLiveSession } from '../../src/modules/live/index.ts';
import { INSTANCE_NAME } from '../../src/db/instance.ts';

/**
 * The Idempotency-Key rules on plain form posts (the key in a hidden `_idempotencyKey` field),
 * through the whole app: CSRF, the form parser, a real service and its redirect.
 */
describe.each(databaseKinds())('Idempotency-Key on form posts on %s', (kind) => {
  let env: TestEnv;
  let sessionId: string;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    const session = await createLiveSession(env.ctx(), {
      eventId: 'idempotent-forms',
      title: 'Idempotent forms',
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 3600_000),
      moderation: false,
    });
    sessionId = session.id;
  });
  afterAll(async () => env?.close());

  const questions = async (text: string) =>
    (
      await env.deps.db
        .selectFrom('live_questions')
        .select('id')
        .where('session_id', '=', sessionId)
        .where('body', '=', text)
        .execute()
    ).length;

  /** A participant who has joined through the join form. */
  const participant = async (agent = new TestAgent(env.app)) => {
    await agent.get(`/live/${sessionId}`);
    const joined = await agent.postForm(`/live/${sessionId}/join`, { origin: 'remote' });
    expect(joined.statusCode).toBe(303);
    await agent.get(`/live/${sessionId}`);
    return agent;
  };
  const ask = (agent: TestAgent, text: string, key: string) =>
    agent.postForm(`/live/${sessionId}/ask`, { text, identity: 'anonymous', _idempotencyKey: key });

  it('replays the stored redirect to a retry after success, with a fresh CSRF token, writing once', async () => {
    const agent = await participant();
    const text = 'What does the first norm ask of states?';
    const first = await ask(agent, text, 'form-key-0001');
    expect(first.statusCode).toBe(303);
    // The browser reloads the page (a new CSRF token) and sends the same form again.
    await agent.get(`/live/${sessionId}`);
    const retry = await ask(agent, text, 'form-key-0001');
    expect(retry.statusCode).toBe(303);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await questions(text)).toBe(1);
  });

  it('refuses the same key with another form body (422), writing nothing', async () => {
    const agent = await participant();
    await ask(agent, 'Who reviews the national strategy?', 'form-key-0002');
    const other = await ask(agent, 'Who funds the national CERT?', 'form-key-0002');
    expect(other.statusCode).toBe(422);
    expect(other.body).toContain('already used for a different request');
    expect(await questions('Who funds the national CERT?')).toBe(0);
  });

  it('keeps keys apart per signed-in user: the same key from two people runs twice', async () => {
    const text = 'How are remote participants counted?';
    const alice = await participant(await signedInAgent(env, await createTestUser(env)));
    const bob = await participant(await signedInAgent(env, await createTestUser(env)));
    expect((await ask(alice, text, 'form-key-0003')).statusCode).toBe(303);
    const second = await ask(bob, text, 'form-key-0003');
    expect(second.statusCode).toBe(303);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await questions(text)).toBe(2);
  });

  it('refuses (409) a duplicate while the first request still runs', async () => {
    const agent = await participant();
    const text = 'Is the session recorded?';
    // The first request's claim, as a running request of this process holds it: same owner
    // (anonymous, by address), same request (its hash taken from a finished twin).
    await ask(agent, text, 'form-key-twin');
    const twin = await env.deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('key', '=', 'form-key-twin')
      .executeTakeFirstOrThrow();
    await env.deps.db
      .insertInto('idempotency_keys')
      .values({
        owner: twin.owner,
        key: 'form-key-0004',
        request_hash: twin.request_hash,
        state: 'started',
        claimed_by: INSTANCE_NAME,
        claim_token: 'held-by-a-running-request',
      })
      .execute();
    await agent.get(`/live/${sessionId}`);
    const duplicate = await ask(agent, text, 'form-key-0004');
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.headers['idempotency-status']).toBe('in-progress');
    expect(await questions(text)).toBe(1);
  });

  if (kind === 'postgres') {
    it('refuses (409) a truly concurrent duplicate, and the first one completes', async () => {
      const agent = await participant();
      const text = 'Will the slides be shared?';
      // Hold the session's row, which asking locks last: the first request waits in its
      // transaction, claim taken, while the duplicate arrives.
      const holder = new pg.Client({ connectionString: env.database.connectionString });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM live_sessions WHERE id = $1 FOR UPDATE', [sessionId]);
        const first = ask(agent, text, 'form-key-0005');
        for (let i = 0; i < 50; i++) {
          const claim = await env.deps.db
            .selectFrom('idempotency_keys')
            .select('state')
            .where('key', '=', 'form-key-0005')
            .executeTakeFirst();
          if (claim) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const duplicate = await ask(agent, text, 'form-key-0005');
        expect(duplicate.statusCode).toBe(409);
        await holder.query('COMMIT');
        expect((await first).statusCode).toBe(303);
      } finally {
        await holder.end();
      }
      expect(await questions(text)).toBe(1);
    });
  }
});
