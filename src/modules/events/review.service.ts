import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, isAllowed } from '../accounts/index.ts';
import * as repo from './events.repository.ts';
import { currentPhase, weightedScore, type Phase, type ReviewAction } from './events.ts';
import { DecisionInput, ReviewInput } from './events.schemas.ts';
import { authorizeReviewer } from './pool.service.ts';
import { toProposal, type Call, type Proposal } from './events.present.ts';
import { eventScope, loadCall, loadEvent } from './events.service.ts';
import { assignReviewers, conflictKey, inConflict, normaliseOrganisation } from './assignment.ts';
import {
  calibrate,
  rankProposals,
  zScore,
  type RankedProposal,
  type ReviewerCalibration,
} from './scoring.ts';
import { proposalAccess } from './proposals.service.ts';

async function submittedProposals(ctx: ServiceContext, callId: string, db = ctx.readDb) {
  const rows = await repo.proposalsOfCall(db, callId, ['submitted']);
  const people = await repo.peopleOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toProposal(r, people));
}

/**
 * Assigns reviewers to every submitted proposal of a call up to its quota, balancing load, mixing
 * stakeholder groups and avoiding conflicts. Existing assignments are kept.
 */
export async function assignCall(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  return ctx.db.transaction().execute(async (trx) => {
    const [proposals, pool, current, conflicts] = await Promise.all([
      submittedProposals(ctx, call.id, trx),
      repo.reviewersOf(trx, call.eventId),
      repo.assignmentsOfCall(trx, call.id),
      repo.conflictsOfCall(trx, call.id),
    ]);
    const load = new Map<string, number>();
    const assigned = new Map<string, string[]>();
    for (const a of current) {
      load.set(a.reviewer_id, (load.get(a.reviewer_id) ?? 0) + 1);
      assigned.set(a.proposal_id, [...(assigned.get(a.proposal_id) ?? []), a.reviewer_id]);
    }
    const result = assignReviewers(
      proposals.map((p) => ({
        id: p.id,
        organisations: p.people.map((x) => x.organisation),
        stakeholderGroup: p.people.find((x) => x.role === 'proposer')?.stakeholderGroup ?? null,
        assigned: assigned.get(p.id) ?? [],
      })),
      pool.map((r) => ({
        id: r.user_id,
        organisation: r.organisation,
        stakeholderGroup: r.stakeholder_group,
        load: load.get(r.user_id) ?? 0,
      })),
      call.reviewsPerProposal,
      new Set(conflicts.map((c) => conflictKey(c.proposal_id, c.reviewer_id))),
    );
    await repo.insertAssignments(
      trx,
      result.assignments.map((a) => ({ proposal_id: a.proposalId, reviewer_id: a.reviewerId })),
      ctx.clock.now(),
    );
    await recordAudit(trx, ctx, {
      action: 'call.assign',
      entityType: 'call',
      entityId: call.id,
      after: { assigned: result.assignments.length, unfilled: result.unfilled.length },
    });
    return result;
  });
}

/** Declares a conflict of interest: the reviewer is taken off the proposal and never assigned it. */
export async function declareConflict(ctx: ServiceContext, proposalId: string, reason: string) {
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  await authorizeReviewer(ctx, call.eventId);
  const reviewerId = ctx.actor.userId!;
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertConflict(trx, {
      proposal_id: proposal.id,
      reviewer_id: reviewerId,
      reason: reason.slice(0, 500),
      declared_at: ctx.clock.now(),
    });
    await repo.deleteAssignment(trx, proposal.id, reviewerId);
    await recordAudit(trx, ctx, {
      action: 'review.conflict',
      entityType: 'proposal',
      entityId: proposal.id,
      after: { reviewerId },
    });
  });
}

function phaseOrThrow(call: Call, now: Date): Phase {
  const phase = currentPhase(call.phases, now);
  if (!phase || !phase.reviewersMayReview) {
    throw new AppError(
      'conflict',
      'Reviewing is not open at the moment (no review phase allows it).',
    );
  }
  return phase;
}

/**
 * The next proposal for this reviewer: among those assigned and not yet reviewed, the one with the
 * fewest reviews; when none is left, any other eligible proposal still short of its quota.
 */
export async function nextProposal(ctx: ServiceContext, callId: string): Promise<string | null> {
  const call = await loadCall(ctx, callId);
  await authorizeReviewer(ctx, call.eventId);
  const me = ctx.actor.userId!;
  const [proposals, assignments, reviews, conflicts, pool] = await Promise.all([
    submittedProposals(ctx, call.id),
    repo.assignmentsOfCall(ctx.readDb, call.id),
    repo.reviewsOfCall(ctx.readDb, call.id),
    repo.conflictsOfCall(ctx.readDb, call.id),
    repo.reviewersOf(ctx.readDb, call.eventId),
  ]);
  const count = new Map<string, number>();
  const mine = new Set<string>();
  for (const r of reviews) {
    count.set(r.proposal_id, (count.get(r.proposal_id) ?? 0) + 1);
    if (r.reviewer_id === me) mine.add(r.proposal_id);
  }
  const declared = new Set(conflicts.map((c) => conflictKey(c.proposal_id, c.reviewer_id)));
  const self = pool.find((r) => r.user_id === me);
  const eligible = proposals.filter(
    (p) =>
      !mine.has(p.id) &&
      !inConflict(
        { id: p.id, organisations: p.people.map((x) => x.organisation) },
        { id: me, organisation: self?.organisation ?? '' },
        declared,
      ),
  );
  const assignedToMe = new Set(
    assignments.filter((a) => a.reviewer_id === me).map((a) => a.proposal_id),
  );
  const byFewest = (a: Proposal, b: Proposal) =>
    (count.get(a.id) ?? 0) - (count.get(b.id) ?? 0) || a.id.localeCompare(b.id);
  const first = eligible.filter((p) => assignedToMe.has(p.id)).sort(byFewest)[0];
  if (first) return first.id;
  const extra = eligible
    .filter((p) => (count.get(p.id) ?? 0) < call.reviewsPerProposal)
    .sort(byFewest)[0];
  return extra?.id ?? null;
}

export interface ReviewView {
  proposal: Proposal;
  call: Call;
  phase: Phase | null;
  blind: boolean;
  own: {
    scores: Record<string, number>;
    comment: string;
    action: ReviewAction;
    mergeWithId: string | null;
  } | null;
  /** Other reviewers' scores, when the phase shows them; never their names. */
  others: Array<{ weighted: number; action: ReviewAction; scores: Record<string, number> }> | null;
  assigned: boolean;
}

/** The proposal as a reviewer sees it: names hidden in a blind phase. */
export async function reviewView(ctx: ServiceContext, proposalId: string): Promise<ReviewView> {
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  await authorizeReviewer(ctx, call.eventId);
  const phase = currentPhase(call.phases, ctx.clock.now());
  const blind = phase ? phase.blind : true;
  const reviews = await repo.reviewsOfProposal(ctx.readDb, proposal.id);
  const mineRow = reviews.find((r) => r.reviewer_id === ctx.actor.userId);
  const assignments = await repo.assignmentsOfCall(ctx.readDb, call.id);
  const scoresOf = (v: unknown) =>
    (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, number>;
  return {
    proposal: blind ? anonymise(proposal) : proposal,
    call,
    phase,
    blind,
    own: mineRow
      ? {
          scores: scoresOf(mineRow.scores),
          comment: mineRow.comment,
          action: mineRow.action,
          mergeWithId: mineRow.merge_with_id,
        }
      : null,
    others: phase?.seeOthersScores
      ? reviews
          .filter((r) => r.reviewer_id !== ctx.actor.userId)
          .map((r) => ({ weighted: r.weighted, action: r.action, scores: scoresOf(r.scores) }))
      : null,
    assigned: assignments.some(
      (a) => a.proposal_id === proposal.id && a.reviewer_id === ctx.actor.userId,
    ),
  };
}

/** Blind review: names, emails and organisations go; stakeholder groups and countries stay. */
export function anonymise(p: Proposal): Proposal {
  return {
    ...p,
    ownerId: null,
    people: p.people.map((x, i) => ({
      ...x,
      name: `${x.role} ${i + 1}`,
      email: null,
      organisation: '',
    })),
  };
}

export async function submitReview(ctx: ServiceContext, proposalId: string, raw: unknown) {
  const input = parseOrThrow(ReviewInput, raw);
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  await authorizeReviewer(ctx, call.eventId);
  if (proposal.status !== 'submitted')
    throw new AppError('conflict', 'Only submitted proposals are reviewed.');
  phaseOrThrow(call, ctx.clock.now());
  const me = ctx.actor.userId!;
  const errors = call.reviewCriteria
    .filter((c) => input.scores[c.code] === undefined)
    .map((c) => ({ path: `/scores/${c.code}`, message: 'Give a score from 1 to 5.' }));
  for (const code of Object.keys(input.scores)) {
    if (!call.reviewCriteria.some((c) => c.code === code)) {
      errors.push({ path: `/scores/${code}`, message: 'This call has no such criterion.' });
    }
  }
  if (input.action === 'merge' && !input.mergeWithId) {
    errors.push({ path: '/mergeWithId', message: 'Choose the proposal to merge with.' });
  }
  if (errors.length) throw AppError.validation(errors);
  const [conflicts, pool] = await Promise.all([
    repo.conflictsOfCall(ctx.readDb, call.id),
    repo.reviewersOf(ctx.readDb, call.eventId),
  ]);
  const self = pool.find((r) => r.user_id === me);
  if (
    inConflict(
      { id: proposal.id, organisations: proposal.people.map((x) => x.organisation) },
      { id: me, organisation: self?.organisation ?? '' },
      new Set(conflicts.map((c) => conflictKey(c.proposal_id, c.reviewer_id))),
    )
  ) {
    throw new AppError(
      'conflict',
      'You have a conflict of interest with this proposal and cannot review it.',
    );
  }
  if (input.mergeWithId) {
    const other = await repo.findProposal(ctx.readDb, input.mergeWithId);
    if (!other || other.call_id !== call.id || other.id === proposal.id) {
      throw AppError.validation([
        { path: '/mergeWithId', message: 'Choose another proposal of this call.' },
      ]);
    }
  }
  const weighted = weightedScore(input.scores, call.reviewCriteria);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row = await repo.upsertReview(trx, {
      id: newId(),
      proposal_id: proposal.id,
      reviewer_id: me,
      scores: JSON.stringify(input.scores),
      weighted,
      comment: input.comment ?? '',
      action: input.action,
      merge_with_id: input.action === 'merge' ? (input.mergeWithId ?? null) : null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'review.submit',
      entityType: 'proposal',
      entityId: proposal.id,
      after: { weighted, action: input.action },
    });
    return { id: row.id, weighted };
  });
}

export interface RankingRow extends RankedProposal {
  title: string;
  decision: Proposal['decision'];
  decisionStatus: Proposal['decisionStatus'];
}

/** Ranking with raw and normalised scores, and each reviewer's calibration (organisers). */
export async function callRanking(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const [proposals, reviews, assignments] = await Promise.all([
    submittedProposals(ctx, call.id),
    repo.reviewsOfCall(ctx.readDb, call.id),
    repo.assignmentsOfCall(ctx.readDb, call.id),
  ]);
  const live = new Set(proposals.map((p) => p.id));
  const scored = reviews
    .filter((r) => live.has(r.proposal_id))
    .map((r) => ({
      proposalId: r.proposal_id,
      reviewerId: r.reviewer_id,
      weighted: r.weighted,
      action: r.action,
    }));
  const ranked = rankProposals(scored);
  const byId = new Map(proposals.map((p) => [p.id, p]));
  const rows: RankingRow[] = ranked.map((r) => {
    const p = byId.get(r.proposalId)!;
    return { ...r, title: p.title, decision: p.decision, decisionStatus: p.decisionStatus };
  });
  // Proposals nobody reviewed yet come last, unranked.
  const unreviewed = proposals.filter((p) => !ranked.some((r) => r.proposalId === p.id));
  const names = new Map(reviews.map((r) => [r.reviewer_id, r.reviewer_name]));
  const calibration: Array<ReviewerCalibration & { name: string; assigned: number }> = [
    ...calibrate(scored).values(),
  ].map((c) => ({
    ...c,
    name: names.get(c.reviewerId) ?? '',
    assigned: assignments.filter((a) => a.reviewer_id === c.reviewerId).length,
  }));
  return { call, rows, unreviewed, calibration };
}

export { zScore };

function letter(
  proposal: Proposal,
  decision: ReviewAction,
  note: string,
  comments: string[],
  eventName: string,
): { subject: string; body: string } {
  const outcome: Record<ReviewAction, string> = {
    accept: 'has been accepted',
    reject: 'could not be accepted this time',
    merge: 'is invited to merge with a related proposal',
    revise: 'is invited for revision',
  };
  const lines = [
    `Dear proposers,`,
    ``,
    `Your proposal "${proposal.title}" for ${eventName} ${outcome[decision]}.`,
    ...(note ? [``, note] : []),
    ``,
    `Comments from the reviewers (shown without their names):`,
    ...(comments.length ? comments.map((c, i) => `${i + 1}. ${c}`) : ['(no comments)']),
  ];
  return { subject: `Decision on your proposal: ${proposal.title}`, body: lines.join('\n') };
}

/** Records a decision as pending and prepares its letter, held in the outbox until release. */
export async function setDecision(ctx: ServiceContext, proposalId: string, raw: unknown) {
  const input = parseOrThrow(DecisionInput, raw);
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  if (proposal.status !== 'submitted')
    throw new AppError('conflict', 'Only submitted proposals get decisions.');
  if (proposal.decisionStatus === 'released') {
    throw new AppError('conflict', 'This decision was already released and cannot change.');
  }
  if (input.decision === 'merge' && !input.mergeWithId) {
    throw AppError.validation([
      { path: '/mergeWithId', message: 'Choose the proposal to merge with.' },
    ]);
  }
  if (input.decision === 'merge' && input.mergeWithId) {
    const other = await repo.findProposal(ctx.readDb, input.mergeWithId);
    if (!other || other.call_id !== call.id || other.id === proposal.id) {
      throw AppError.validation([
        { path: '/mergeWithId', message: 'Choose another proposal of this call.' },
      ]);
    }
  }
  const event = await loadEvent(ctx, call.eventId);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await repo.updateProposal(trx, proposal.id, {
      decision: input.decision,
      decision_note: input.note ?? '',
      merge_with_id: input.decision === 'merge' ? (input.mergeWithId ?? null) : null,
      decision_status: 'pending',
      decided_at: now,
    });
    const reviews = await repo.reviewsOfProposal(trx, proposal.id);
    const comments = reviews.map((r) => r.comment.trim()).filter(Boolean);
    const { subject, body } = letter(
      proposal,
      input.decision,
      input.note ?? '',
      comments,
      event.name,
    );
    const owner = proposal.ownerId ? await repo.findUserEmail(trx, proposal.ownerId) : undefined;
    const recipients = new Set<string>();
    if (owner) recipients.add(owner.email.toLowerCase());
    for (const p of proposal.people) {
      if ((p.role === 'proposer' || p.role === 'co-proposer') && p.email)
        recipients.add(p.email.toLowerCase());
    }
    await repo.replaceHeldLetters(
      trx,
      proposal.id,
      [...recipients].map((to) => ({
        id: newId(),
        event_id: event.id,
        to_address: to,
        subject,
        body,
        created_at: now,
      })),
    );
    await recordAudit(trx, ctx, {
      action: 'proposal.decide',
      entityType: 'proposal',
      entityId: proposal.id,
      after: { decision: input.decision, status: 'pending' },
    });
  });
}

/** Releases every pending decision of a call together and sends the held letters. */
export async function releaseDecisions(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const released = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const pending = (await repo.proposalsOfCall(trx, call.id, ['submitted'])).filter(
      (p) => p.decision_status === 'pending',
    );
    const ids = new Set(pending.map((p) => p.id));
    const letters = (await repo.outboxOf(trx, call.eventId, 'held')).filter((l) =>
      ids.has(l.proposal_id),
    );
    for (const p of pending) {
      await repo.updateProposal(trx, p.id, { decision_status: 'released', released_at: now });
    }
    for (const l of letters) {
      await ctx.mailer.queue(trx, {
        to: l.to_address,
        subject: l.subject,
        text: l.body,
        category: 'events.decision',
      });
    }
    await repo.markLettersSent(
      trx,
      letters.map((l) => l.id),
      now,
    );
    await recordAudit(trx, ctx, {
      action: 'call.release-decisions',
      entityType: 'call',
      entityId: call.id,
      after: { decisions: pending.length, letters: letters.length },
      isPublic: true,
    });
    return { decisions: pending.length, letters: letters.length };
  });
  await ctx.mailer.deliverPending(ctx.db);
  return released;
}

export async function eventOutbox(ctx: ServiceContext, eventId: string) {
  authorize(ctx, 'event.manage', eventScope(eventId));
  return repo.outboxOf(ctx.readDb, eventId);
}

/** Proposals assigned to the signed-in reviewer in a call, with whether they reviewed each. */
export async function myAssignments(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  if (!isAllowed(ctx, 'proposal.review', eventScope(call.eventId)) || !ctx.actor.userId) return [];
  if (!(await repo.isInPool(ctx.readDb, call.eventId, ctx.actor.userId))) return [];
  const me = ctx.actor.userId;
  const [assignments, reviews, proposals] = await Promise.all([
    repo.assignmentsOfCall(ctx.readDb, call.id),
    repo.reviewsOfCall(ctx.readDb, call.id),
    submittedProposals(ctx, call.id),
  ]);
  const titles = new Map(proposals.map((p) => [p.id, p.title]));
  return assignments
    .filter((a) => a.reviewer_id === me && titles.has(a.proposal_id))
    .map((a) => ({
      proposalId: a.proposal_id,
      title: titles.get(a.proposal_id)!,
      reviewed: reviews.some((r) => r.proposal_id === a.proposal_id && r.reviewer_id === me),
    }));
}

export { normaliseOrganisation };

/** One proposal as the organisers decide on it: its reviews with comments, and where it may merge. */
export async function decisionView(ctx: ServiceContext, proposalId: string) {
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const [reviews, others, letters] = await Promise.all([
    repo.reviewsOfProposal(ctx.readDb, proposal.id),
    repo.proposalsOfCall(ctx.readDb, call.id, ['submitted']),
    repo.outboxOf(ctx.readDb, call.eventId),
  ]);
  return {
    proposal,
    call,
    reviews: reviews.map((r) => ({
      reviewer: r.reviewer_name,
      weighted: Number(r.weighted),
      action: r.action,
      comment: r.comment,
      mergeWithId: r.merge_with_id,
    })),
    mergeTargets: others
      .filter((p) => p.id !== proposal.id)
      .map((p) => ({ id: p.id, title: p.title })),
    letters: letters.filter((l) => l.proposal_id === proposal.id),
  };
}

/** A call's decisions: those pending release, and its letters, held or sent. */
export async function decisionsOverview(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const [proposals, letters] = await Promise.all([
    repo.proposalsOfCall(ctx.readDb, call.id, ['submitted']),
    repo.outboxOf(ctx.readDb, call.eventId),
  ]);
  const ids = new Set(proposals.map((p) => p.id));
  const mine = letters.filter((l) => ids.has(l.proposal_id));
  const titles = new Map(proposals.map((p) => [p.id, p.title]));
  const decided = proposals.filter((p) => p.decision);
  return {
    call,
    pending: decided
      .filter((p) => p.decision_status === 'pending')
      .map((p) => ({ id: p.id, title: p.title, decision: p.decision! })),
    released: decided.filter((p) => p.decision_status === 'released').length,
    undecided: proposals.length - decided.length,
    held: mine
      .filter((l) => l.status === 'held')
      .map((l) => ({ ...l, title: titles.get(l.proposal_id) ?? '' })),
    sent: mine
      .filter((l) => l.status === 'sent')
      .map((l) => ({ ...l, title: titles.get(l.proposal_id) ?? '' })),
  };
}
