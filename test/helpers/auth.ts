import type { Actor, Grant } from '../../src/platform/context.ts';
import {
  actorFor,
  createUser,
  grantRole,
  startSession,
  SESSION_COOKIE,
} from '../../src/modules/accounts/index.ts';
import { TestAgent, type TestEnv } from './app.ts';
import { newId } from '../../src/platform/ids.ts';

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

/** The newest message queued to `to` (from the outbox table, as an admin page would show it). */
export async function lastMailTo(env: TestEnv, to: string) {
  return env.deps.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The path (with query) of the first link in `text` that goes to `path`, e.g. "/verify-email". */
export function linkIn(text: string, path: string): string | null {
  const match = new RegExp(
    `https?://[^\\s/]+((?:/[a-z]{2})?${path.replace(/[/.]/g, '\\$&')}\\?[^\\s]+)`,
  ).exec(text);
  return match?.[1] ?? null;
}

/** Signs in through the real form, as a browser would; returns the agent (signed in or not). */
export async function signInThroughForm(
  env: TestEnv,
  email: string,
  password: string,
  agent: TestAgent = new TestAgent(env.app),
) {
  await agent.get('/sign-in');
  const response = await agent.postForm('/sign-in', { email, password });
  return { agent, response };
}

/** An organisation row for tests (the organisations module owns the real ones). */
export async function insertTestOrganisation(
  env: TestEnv,
  slug: string,
  name = slug.toUpperCase(),
) {
  const existing = await env.deps.db
    .selectFrom('organisations')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (existing) return existing;
  return env.deps.db
    .insertInto('organisations')
    .values({
      id: newId(),
      slug,
      name,
      stakeholder_group: 'civil-society',
      kind: 'ngo',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
