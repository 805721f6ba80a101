import type { ServiceContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as users from './accounts.repository.ts';
import * as memberships from './memberships.repository.ts';
import { createUser, grantRole } from './accounts.service.ts';
import { organisationsIndex } from './links.ts';

/**
 * Demo accounts, invented and labelled as such. Their password is public (docs/accounts.md):
 * demo data is only loaded into an empty embedded database, never with DATABASE_URL.
 */
export const DEMO_PASSWORD = 'commons-demo-2026';
const DOMAIN = 'demo.capacity-commons.org';

export const DEMO_ACCOUNTS = [
  { email: `admin@${DOMAIN}`, name: 'Demo Administrator (demo account)', role: 'site-admin' },
  { email: `editor@${DOMAIN}`, name: 'Demo Editor (demo account)', role: 'editor' },
  { email: `rep@${DOMAIN}`, name: 'Demo Representative (demo account)', role: null },
  {
    email: `organiser@${DOMAIN}`,
    name: 'Demo Event Organiser (demo account)',
    role: 'event-organiser',
  },
  { email: `participant@${DOMAIN}`, name: 'Demo Participant (demo account)', role: null },
] as const;

/** The organisation the demo representative speaks for (a real one; the person is invented). */
const DEMO_ORGANISATION = 'gfce';

export async function seedDemoAccounts(ctx: ServiceContext): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    if (await users.findUserByEmail(ctx.db, account.email)) continue;
    const user = await createUser(ctx, {
      email: account.email,
      displayName: account.name,
      password: DEMO_PASSWORD,
      verified: true,
    });
    if (account.role) await grantRole(ctx, user.id, account.role);
  }
}

/** After the organisations are in: the demo representative, a member and a pending request. */
export async function seedDemoAccountLinks(ctx: ServiceContext): Promise<void> {
  const organisations = await organisationsIndex();
  const organisation = (await organisations.organisationsBySlug(ctx, [DEMO_ORGANISATION])).get(
    DEMO_ORGANISATION,
  );
  const rep = await users.findUserByEmail(ctx.db, `rep@${DOMAIN}`);
  const participant = await users.findUserByEmail(ctx.db, `participant@${DOMAIN}`);
  if (!organisation || !rep || !participant) return;
  await grantRole(ctx, rep.id, 'organisation-rep', { type: 'organisation', id: organisation.id });
  await ctx.db.transaction().execute(async (trx) => {
    for (const [user, status] of [
      [rep, 'accepted'],
      [participant, 'pending'],
    ] as const) {
      if (await memberships.openMembership(trx, organisation.id, user.id)) continue;
      const row = await memberships.insertMembership(trx, {
        id: newId(),
        organisation_id: organisation.id,
        user_id: user.id,
        status,
        message: status === 'pending' ? 'Demo request: I work on the capacity-building team.' : '',
        created_at: ctx.clock.now(),
        decided_at: status === 'accepted' ? ctx.clock.now() : null,
      });
      await recordAudit(trx, ctx, {
        action: status === 'accepted' ? 'membership.accept' : 'membership.request',
        entityType: 'organisation-membership',
        entityId: row.id,
        after: { organisationId: organisation.id, userId: user.id, status },
      });
    }
  });
}
