/**
 * The reviewer pool of an event: who reviews, for which stakeholder group and organisation (the
 * assignment mixes groups and avoids organisations), their load in a call, and conflicts of
 * interest, whether declared by the reviewer or recorded by the organisers on their behalf.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, findUserByEmail, isAllowed } from '../accounts/index.ts';
import { isTerm } from '../reference/index.ts';
import * as repo from './events.repository.ts';
import { ConflictInput, ReviewerInput, ReviewerUpdateInput } from './events.schemas.ts';
import { eventScope, loadCall, loadEvent } from './events.service.ts';
import type { Call } from './events.present.ts';
import { grantEventReviewer } from './reviewer-grant.ts';

export interface Reviewer {
  userId: string;
  name: string;
  email: string;
  stakeholderGroup: string;
  organisation: string;
}

export async function reviewersOf(ctx: ServiceContext, eventId: string): Promise<Reviewer[]> {
  authorize(ctx, 'event.manage', eventScope(eventId));
  return (await repo.reviewersOf(ctx.readDb, eventId)).map((r) => ({
    userId: r.user_id,
    name: r.display_name,
    email: r.email,
    stakeholderGroup: r.stakeholder_group,
    organisation: r.organisation,
  }));
}

/**
 * Reviewing takes the `reviewer` role in the event and a place in its pool: taking someone out
 * of the pool ends their reviewing even though the role grant stays (see reviewer-grant.ts).
 */
export async function authorizeReviewer(ctx: ServiceContext, eventId: string): Promise<void> {
  authorize(ctx, 'proposal.review', eventScope(eventId));
  if (!ctx.actor.userId || !(await repo.isInPool(ctx.readDb, eventId, ctx.actor.userId))) {
    throw AppError.forbidden('You are not in this event’s reviewer pool.');
  }
}

/** Whether the actor reviews in this event (the role and a place in the pool), for links. */
export async function isReviewer(ctx: ServiceContext, eventId: string): Promise<boolean> {
  return (
    !!ctx.actor.userId &&
    isAllowed(ctx, 'proposal.review', eventScope(eventId)) &&
    (await repo.isInPool(ctx.readDb, eventId, ctx.actor.userId))
  );
}

function checkGroup(code: string): void {
  if (!isTerm('stakeholderGroup', code)) {
    throw AppError.validation([
      { path: '/stakeholderGroup', message: 'Choose a stakeholder group.' },
    ]);
  }
}

/** Adds a person with an account to the event's reviewer pool and grants them the role there. */
export async function addReviewer(ctx: ServiceContext, eventId: string, raw: unknown) {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const input = parseOrThrow(ReviewerInput, raw);
  const email = input.email.trim();
  const errors = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.push({ path: '/email', message: 'Enter an email address, like name@example.org.' });
  }
  if (!isTerm('stakeholderGroup', input.stakeholderGroup)) {
    errors.push({ path: '/stakeholderGroup', message: 'Choose a stakeholder group.' });
  }
  if (errors.length) throw AppError.validation(errors);
  const user = await findUserByEmail(ctx, email);
  if (!user) {
    throw AppError.validation([
      { path: '/email', message: 'No account has this address; ask them to sign up first.' },
    ]);
  }
  await grantEventReviewer(ctx, event.id, user.id);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.upsertReviewer(trx, {
      event_id: event.id,
      user_id: user.id,
      stakeholder_group: input.stakeholderGroup,
      organisation: (input.organisation ?? '').trim(),
    });
    await recordAudit(trx, ctx, {
      action: 'event.reviewer.add',
      entityType: 'event',
      entityId: event.id,
      after: { userId: user.id, stakeholderGroup: input.stakeholderGroup },
    });
  });
  return { userId: user.id };
}

async function poolMember(ctx: ServiceContext, eventId: string, userId: string) {
  const member = isUuid(userId)
    ? (await repo.reviewersOf(ctx.readDb, eventId)).find((r) => r.user_id === userId)
    : undefined;
  if (!member) throw AppError.notFound('The reviewer');
  return member;
}

export async function updateReviewer(
  ctx: ServiceContext,
  eventId: string,
  userId: string,
  raw: unknown,
): Promise<void> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const member = await poolMember(ctx, event.id, userId);
  const input = parseOrThrow(ReviewerUpdateInput, raw);
  checkGroup(input.stakeholderGroup);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.upsertReviewer(trx, {
      event_id: event.id,
      user_id: member.user_id,
      stakeholder_group: input.stakeholderGroup,
      organisation: (input.organisation ?? '').trim(),
    });
    await recordAudit(trx, ctx, {
      action: 'event.reviewer.update',
      entityType: 'event',
      entityId: event.id,
      before: { userId, stakeholderGroup: member.stakeholder_group },
      after: { userId, stakeholderGroup: input.stakeholderGroup },
    });
  });
}

/**
 * Takes a reviewer out of the pool: their open assignments go back to the pool for the next
 * assignment run; reviews they already gave stay in the ranking.
 */
export async function removeReviewer(
  ctx: ServiceContext,
  eventId: string,
  userId: string,
): Promise<void> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  await poolMember(ctx, event.id, userId);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteOpenAssignments(trx, event.id, userId);
    await repo.deleteReviewer(trx, event.id, userId);
    await recordAudit(trx, ctx, {
      action: 'event.reviewer.remove',
      entityType: 'event',
      entityId: event.id,
      before: { userId },
    });
  });
}

export interface PoolRow extends Reviewer {
  assigned: number;
  reviewed: number;
  conflicts: number;
}

export interface PoolOverview {
  call: Call;
  reviewers: PoolRow[];
  conflicts: Array<{
    proposalId: string;
    title: string;
    reviewerId: string;
    reviewer: string;
    reason: string;
    declaredAt: Date;
  }>;
  proposals: Array<{ id: string; title: string; reviews: number; assigned: number }>;
  /** Reviewers per stakeholder group, to see whether the pool is mixed enough. */
  groups: Record<string, number>;
}

/** The pool as the organisers manage it for one call: load per reviewer and conflicts. */
export async function poolOverview(ctx: ServiceContext, callId: string): Promise<PoolOverview> {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const [pool, assignments, reviews, conflicts, proposals] = await Promise.all([
    repo.reviewersOf(ctx.readDb, call.eventId),
    repo.assignmentsOfCall(ctx.readDb, call.id),
    repo.reviewsOfCall(ctx.readDb, call.id),
    repo.conflictDetailsOfCall(ctx.readDb, call.id),
    repo.proposalsOfCall(ctx.readDb, call.id, ['submitted']),
  ]);
  const count = <T>(rows: readonly T[], key: (r: T) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return m;
  };
  const assignedBy = count(assignments, (a) => a.reviewer_id);
  const reviewedBy = count(reviews, (r) => r.reviewer_id);
  const conflictsBy = count(conflicts, (c) => c.reviewer_id);
  const reviewsOf = count(reviews, (r) => r.proposal_id);
  const assignedTo = count(assignments, (a) => a.proposal_id);
  const groups: Record<string, number> = {};
  for (const r of pool) groups[r.stakeholder_group] = (groups[r.stakeholder_group] ?? 0) + 1;
  return {
    call,
    reviewers: pool.map((r) => ({
      userId: r.user_id,
      name: r.display_name,
      email: r.email,
      stakeholderGroup: r.stakeholder_group,
      organisation: r.organisation,
      assigned: assignedBy.get(r.user_id) ?? 0,
      reviewed: reviewedBy.get(r.user_id) ?? 0,
      conflicts: conflictsBy.get(r.user_id) ?? 0,
    })),
    conflicts: conflicts.map((c) => ({
      proposalId: c.proposal_id,
      title: c.title,
      reviewerId: c.reviewer_id,
      reviewer: c.display_name,
      reason: c.reason,
      declaredAt: c.declared_at,
    })),
    proposals: proposals.map((p) => ({
      id: p.id,
      title: p.title,
      reviews: reviewsOf.get(p.id) ?? 0,
      assigned: assignedTo.get(p.id) ?? 0,
    })),
    groups,
  };
}

async function conflictTarget(ctx: ServiceContext, callId: string, raw: unknown) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const input = parseOrThrow(ConflictInput, raw);
  const [proposal, pool] = await Promise.all([
    repo.findProposal(ctx.readDb, input.proposalId),
    repo.reviewersOf(ctx.readDb, call.eventId),
  ]);
  const errors = [
    ...(pool.some((r) => r.user_id === input.reviewerId)
      ? []
      : [{ path: '/reviewerId', message: 'Choose a reviewer of this event.' }]),
    ...(proposal && proposal.call_id === call.id
      ? []
      : [{ path: '/proposalId', message: 'Choose a proposal of this call.' }]),
  ];
  if (errors.length) throw AppError.validation(errors);
  return { call, input };
}

/**
 * Records a conflict of interest a reviewer told the organisers about: they are taken off the
 * proposal and never assigned it again.
 */
export async function recordConflict(
  ctx: ServiceContext,
  callId: string,
  raw: unknown,
): Promise<void> {
  const { input } = await conflictTarget(ctx, callId, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertConflict(trx, {
      proposal_id: input.proposalId,
      reviewer_id: input.reviewerId,
      reason: (input.reason ?? '').trim(),
      declared_at: ctx.clock.now(),
    });
    await repo.deleteAssignment(trx, input.proposalId, input.reviewerId);
    await recordAudit(trx, ctx, {
      action: 'review.conflict.record',
      entityType: 'proposal',
      entityId: input.proposalId,
      after: { reviewerId: input.reviewerId },
    });
  });
}

/** Withdraws a conflict recorded by mistake: the reviewer may be assigned the proposal again. */
export async function removeConflict(
  ctx: ServiceContext,
  callId: string,
  raw: unknown,
): Promise<void> {
  const { input } = await conflictTarget(ctx, callId, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteConflict(trx, input.proposalId, input.reviewerId);
    await recordAudit(trx, ctx, {
      action: 'review.conflict.remove',
      entityType: 'proposal',
      entityId: input.proposalId,
      before: { reviewerId: input.reviewerId },
    });
  });
}
