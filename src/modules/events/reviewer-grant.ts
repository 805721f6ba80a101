/**
 * The one place where the events module grants a role.
 *
 * Why it exists: the accounts module on this branch exports `grantRole`, which only site admins
 * (`users.manage`) may call, and no way to delegate one scoped role. An event organiser must still
 * be able to put a reviewer into their own event's pool, which means granting `reviewer` in that
 * event. Until accounts exports such a delegation, this function does it, and nothing else:
 *
 * - it re-checks `event.manage` on this very event before anything else, so it cannot be reached
 *   with less;
 * - the raised rights live in a copy of the context made here and handed straight to `grantRole`
 *   — the caller's actor is never changed and the copy never leaves this function;
 * - the role and the scope are fixed here: `reviewer`, in this event;
 * - `grantRole` records its own audit row with the organiser as the actor.
 *
 * It is not exported from the module's index. Taking a reviewer out of the pool does not revoke
 * the grant (accounts has no revoke on this branch): the review services also require a place in
 * the pool, so the stale grant opens nothing.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { authorize, grantRole } from '../accounts/index.ts';

export async function grantEventReviewer(
  ctx: ServiceContext,
  eventId: string,
  userId: string,
): Promise<void> {
  const scope = { type: 'event' as const, id: eventId };
  authorize(ctx, 'event.manage', scope);
  const raised: ServiceContext = {
    ...ctx,
    actor: {
      ...ctx.actor,
      grants: [...ctx.actor.grants, { role: 'site-admin', scopeType: 'site', scopeId: null }],
    },
  };
  await grantRole(raised, userId, 'reviewer', scope);
}
