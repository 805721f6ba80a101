import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import * as repo from './memberships.repository.ts';
import * as users from './accounts.repository.ts';
import { authorize, isAllowed, requireUser } from './accounts.service.ts';
import { organisationsIndex } from './links.ts';
import { deliverAfterCommit, queueAccountMail, siteLink } from './mail.ts';

const MESSAGE_MAX = 1000;
/** Control characters other than tab and line breaks. */
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

async function organisationBySlug(ctx: ServiceContext, slug: string) {
  if (slug.length > 200) throw AppError.notFound('The organisation');
  const organisations = await organisationsIndex();
  const found = (await organisations.organisationsBySlug(ctx, [slug])).get(slug);
  if (!found) throw AppError.notFound(`The organisation "${slug}"`);
  return found;
}

/**
 * The members page of an organisation: its representatives (and site admins) see members and
 * requests; anyone signed in sees their own standing and may ask to join.
 */
export async function membersPage(ctx: ServiceContext, slug: string) {
  const organisation = await organisationBySlug(ctx, slug);
  const scope = { type: 'organisation' as const, id: organisation.id };
  const canManage = isAllowed(ctx, 'organisation.members', scope);
  const own = ctx.actor.userId
    ? ((await repo.openMembership(ctx.db, organisation.id, ctx.actor.userId)) ?? null)
    : null;
  const list = canManage
    ? await repo.membershipsOfOrganisation(ctx.db, organisation.id, ['pending', 'accepted'])
    : [];
  const present = (m: (typeof list)[number]) => ({
    id: m.id,
    userId: m.user_id,
    displayName: m.display_name,
    email: m.email,
    message: m.message,
    requestedAt: m.created_at,
    decidedAt: m.decided_at,
  });
  return {
    organisation: { id: organisation.id, slug: organisation.slug, name: organisation.name },
    canManage,
    own: own ? { id: own.id, status: own.status } : null,
    members: list.filter((m) => m.status === 'accepted').map(present),
    pending: list.filter((m) => m.status === 'pending').map(present),
  };
}

/** Asks to join an organisation; its representatives are told by mail. */
export async function requestMembership(
  ctx: ServiceContext,
  slug: string,
  input: { message?: string },
) {
  authorize(ctx, 'organisation.join');
  const userId = requireUser(ctx);
  const message = (input.message ?? '').normalize('NFC').trim();
  if ([...message].length > MESSAGE_MAX || CONTROL.test(message)) {
    throw AppError.validation([
      { path: '/message', message: `Write at most ${MESSAGE_MAX} characters of plain text.` },
    ]);
  }
  const organisation = await organisationBySlug(ctx, slug);
  const reps = await users.usersWithRole(
    ctx.db,
    'organisation-rep',
    'organisation',
    organisation.id,
  );
  const requester = await users.findUserById(ctx.db, userId);
  const membership = await ctx.db.transaction().execute(async (trx) => {
    if (await repo.openMembership(trx, organisation.id, userId)) {
      throw new AppError('conflict', 'You have already asked to join, or you are a member.');
    }
    const row = await repo.insertMembership(trx, {
      id: newId(),
      organisation_id: organisation.id,
      user_id: userId,
      status: 'pending',
      message,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'membership.request',
      entityType: 'organisation-membership',
      entityId: row.id,
      after: { organisationId: organisation.id, userId, status: 'pending' },
    });
    for (const rep of reps) {
      await queueAccountMail(trx, ctx, {
        to: rep.email,
        locale: rep.locale,
        kind: 'membershipRequest',
        values: {
          name: rep.display_name,
          requester: requester?.display_name ?? '',
          organisation: organisation.name,
          link: siteLink(ctx, rep.locale, `/organisations/${organisation.slug}/members`),
        },
      });
    }
    return row;
  });
  await deliverAfterCommit(ctx);
  return membership;
}

export type MembershipDecision = 'accept' | 'refuse' | 'remove';

/** A representative accepts or refuses a request, or removes a member. */
export async function decideMembership(
  ctx: ServiceContext,
  membershipId: string,
  decision: MembershipDecision,
) {
  requireUser(ctx);
  if (!isUuid(membershipId)) throw AppError.notFound('The request');
  if (!['accept', 'refuse', 'remove'].includes(decision)) {
    throw AppError.validation([{ path: '/decision', message: 'Choose accept or refuse.' }]);
  }
  const result = await ctx.db.transaction().execute(async (trx) => {
    const membership = await repo.lockMembership(trx, membershipId);
    if (!membership) throw AppError.notFound('The request');
    authorize(ctx, 'organisation.members', {
      type: 'organisation',
      id: membership.organisation_id,
    });
    const from = membership.status;
    const allowed =
      (decision === 'remove' && from === 'accepted') ||
      (decision !== 'remove' && from === 'pending');
    if (!allowed) throw new AppError('conflict', 'This request has already been decided.');
    const status = decision === 'accept' ? 'accepted' : decision === 'refuse' ? 'refused' : 'left';
    const updated = await repo.setMembershipStatus(
      trx,
      membershipId,
      status,
      ctx.actor.userId,
      ctx.clock.now(),
    );
    await recordAudit(trx, ctx, {
      action: `membership.${decision}`,
      entityType: 'organisation-membership',
      entityId: membershipId,
      before: { status: from },
      after: { status },
    });
    const member = await users.findUserById(trx, membership.user_id);
    if (member && member.status === 'active' && decision !== 'remove') {
      const organisations = await organisationsIndex();
      // Read through the transaction: PGlite has one connection, which the transaction holds.
      const organisation = await organisations.getOrganisationById(
        { readDb: trx },
        membership.organisation_id,
      );
      await queueAccountMail(trx, ctx, {
        to: member.email,
        locale: member.locale,
        kind: decision === 'accept' ? 'membershipAccepted' : 'membershipRefused',
        values: { name: member.display_name, organisation: organisation?.name ?? '' },
      });
    }
    return updated;
  });
  await deliverAfterCommit(ctx);
  return result;
}

/** One's own memberships and requests, with the organisations' names. */
export async function myMemberships(ctx: ServiceContext) {
  const userId = requireUser(ctx);
  const rows = await repo.membershipsOfUser(ctx.db, userId);
  const organisations = await organisationsIndex();
  const byId = await organisations.organisationsById(
    ctx,
    rows.map((r) => r.organisation_id),
  );
  return rows
    .filter((r) => r.status !== 'left')
    .map((r) => ({
      id: r.id,
      status: r.status,
      requestedAt: r.created_at,
      decidedAt: r.decided_at,
      organisation: byId.get(r.organisation_id)
        ? { slug: byId.get(r.organisation_id)!.slug, name: byId.get(r.organisation_id)!.name }
        : null,
    }));
}

/** Leaves an organisation, or withdraws a request. */
export async function leaveOrganisation(ctx: ServiceContext, membershipId: string) {
  authorize(ctx, 'organisation.join');
  const userId = requireUser(ctx);
  if (!isUuid(membershipId)) throw AppError.notFound('The membership');
  await ctx.db.transaction().execute(async (trx) => {
    const membership = await repo.lockMembership(trx, membershipId);
    if (!membership || membership.user_id !== userId) throw AppError.notFound('The membership');
    if (!['pending', 'accepted'].includes(membership.status)) return;
    await repo.setMembershipStatus(trx, membershipId, 'left', userId, ctx.clock.now());
    await recordAudit(trx, ctx, {
      action: 'membership.leave',
      entityType: 'organisation-membership',
      entityId: membershipId,
      before: { status: membership.status },
      after: { status: 'left' },
    });
  });
}

/** Organisation ids a person is an accepted member of (for other modules). */
export async function organisationsOfUser(ctx: Pick<ServiceContext, 'db'>, userId: string) {
  const rows = await repo.membershipsOfUser(ctx.db, userId);
  return rows.filter((r) => r.status === 'accepted').map((r) => r.organisation_id);
}
