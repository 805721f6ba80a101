import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, resolveSession, startSession } from './index.ts';

describe.each(databaseKinds())('sessions on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
  });
  afterAll(async () => env?.close());

  it('resolves a session cookie to its user, with the user’s grants', async () => {
    const user = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }]);
    const agent = await signedInAgent(env, user);
    const page = await agent.get('/');
    expect(page.body).toContain(user.actor.label);
    const actor = await resolveSession(env.deps, agent.cookie('cc_session')!);
    expect(actor?.userId).toBe(user.id);
    expect(actor?.grants).toEqual([{ role: 'editor', scopeType: 'site', scopeId: null }]);
  });

  it('ends a session after the idle time-out, and after the absolute time-out even when active', async () => {
    const user = await createTestUser(env);
    const idle = await startSession(env.ctx(), user.id);
    clock.advance(IDLE_TIMEOUT_MS - 1000);
    expect(await resolveSession(env.deps, idle)).not.toBeNull();
    clock.advance(IDLE_TIMEOUT_MS);
    expect(await resolveSession(env.deps, idle)).toBeNull();

    const busy = await startSession(env.ctx(), user.id);
    for (let t = 0; t < ABSOLUTE_TIMEOUT_MS - 60_000; t += 20 * 60 * 1000) {
      clock.advance(20 * 60 * 1000);
      if (clock.now().getTime() - new Date('2026-11-23T09:00:00Z').getTime() > 0)
        await resolveSession(env.deps, busy);
    }
    clock.advance(60 * 60 * 1000);
    expect(await resolveSession(env.deps, busy)).toBeNull();
  });

  it('ignores unknown and malformed tokens', async () => {
    expect(await resolveSession(env.deps, 'x'.repeat(43))).toBeNull();
    expect(await resolveSession(env.deps, "'; DROP TABLE users; --")).toBeNull();
  });
});
