import type { FastifyInstance } from 'fastify';
import { authPages } from './auth.pages.tsx';
import { accountPages } from './account.pages.tsx';
import { membersPages } from './members.pages.tsx';
import { adminPages } from './admin.pages.tsx';

/** Every page of the accounts module, each group in its own plugin (own hooks). */
export async function accountsPages(app: FastifyInstance): Promise<void> {
  await app.register(authPages);
  await app.register(accountPages);
  await app.register(membersPages);
  await app.register(adminPages);
}
