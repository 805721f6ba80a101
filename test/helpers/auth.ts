import type { Actor, Grant } from '../../src/platform/context.ts';
import {
  actorFor,
  createUser,
  grantRole,
  startSession,
  SESSION_COOKIE,
} from '../../src/modules/accounts/index.ts';
import { TestAgent, type TestEnv } from './app.ts';

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  actor: Actor;
}

/** A verified user holding `grants`, and their actor (for calling services directly). */
export async function createTestUser(
  env: TestEnv,
  grants: Array<Omit<Grant, 'scopeId'> & { scopeId?: string | null }> = [],
  name?: string,
): Promise<TestUser> {
  counter += 1;
  const email = `user${counter}-${Date.now()}@example.org`;
  const password = 'correct horse battery staple';
  const user = await createUser(env.ctx(), {
    email,
    displayName: name ?? `Test User ${counter}`,
    password,
    verified: true,
  });
  for (const g of grants)
    await grantRole(env.ctx(), user.id, g.role, { type: g.scopeType, id: g.scopeId ?? null });
  return { id: user.id, email, password, actor: await actorFor(env.ctx(), user.id) };
}

/** A browser-like agent already signed in as `user` (a real session row and cookie). */
export async function signedInAgent(env: TestEnv, user: TestUser): Promise<TestAgent> {
  const agent = new TestAgent(env.app);
  const token = await startSession(env.ctx(), user.id, { mfaPassed: true });
  agent.setCookie(SESSION_COOKIE, token);
  return agent;
}
