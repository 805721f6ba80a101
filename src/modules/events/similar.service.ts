/**
 * Similar proposals of a call, kept as proposals are saved, shown to organisers, who may suggest
 * that two proposers merge their sessions (both are told by mail; the suggestion is audited).
 */
import type { ServiceContext } from '../../platform/context.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './events.repository.ts';
import { eventScope, loadCall, loadEvent } from './events.service.ts';
import { MergeSuggestionInput } from './events.schemas.ts';
import { pairKey, similarProposals } from './similar.ts';

/**
 * Recomputes the similar pairs of one proposal against the other submitted proposals of its call,
 * inside the transaction that saved it. Drafts and withdrawn proposals have no pairs.
 */
export async function refreshSimilarities(
  trx: Db,
  ctx: Pick<ServiceContext, 'clock'>,
  proposal: { id: string; callId: string; status: string },
): Promise<void> {
  await repo.lockCallSimilarities(trx, proposal.callId);
  if (proposal.status !== 'submitted') {
    await repo.deleteSimilaritiesOf(trx, proposal.id);
    return;
  }
  const texts = (await repo.submittedTextsOfCall(trx, proposal.callId)).map((r) => ({
    id: r.id,
    title: r.title,
    content: r.content,
    policyQuestion: r.policy_question,
  }));
  const target = texts.find((t) => t.id === proposal.id);
  if (!target) return;
  const pairs = similarProposals(target, texts).map((s) => ({
    ...pairKey(proposal.id, s.id),
    similarity: s.similarity,
    sharedTerms: s.sharedTerms,
  }));
  await repo.replaceSimilarities(trx, proposal.callId, proposal.id, pairs, ctx.clock.now());
}

export interface SimilarPairView {
  a: { id: string; title: string };
  b: { id: string; title: string };
  similarity: number;
  sharedTerms: string[];
  mergeSuggestedAt: Date | null;
}

function toView(row: Awaited<ReturnType<typeof repo.similaritiesOf>>[number]): SimilarPairView {
  return {
    a: { id: row.proposal_a, title: row.title_a },
    b: { id: row.proposal_b, title: row.title_b },
    similarity: Number(row.similarity),
    sharedTerms: row.shared_terms,
    mergeSuggestedAt: row.merge_suggested_at,
  };
}

/** Every similar pair of a call's submitted proposals, most similar first (organisers). */
export async function similarPairsOfCall(ctx: ServiceContext, callId: string) {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  return { call, pairs: (await repo.similaritiesOf(ctx.readDb, call.id)).map(toView) };
}

/** The proposals similar to one proposal, as seen from it (organisers). */
export async function similarToProposal(
  ctx: ServiceContext,
  callId: string,
  proposalId: string,
): Promise<Array<SimilarPairView & { other: { id: string; title: string } }>> {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  if (!isUuid(proposalId)) throw AppError.notFound('The proposal');
  const rows = await repo.similaritiesOf(ctx.readDb, call.id, proposalId.toLowerCase());
  return rows.map(toView).map((v) => ({ ...v, other: v.a.id === proposalId ? v.b : v.a }));
}

/** Who hears about a proposal: its owner's account and the proposer named in it. */
async function proposersOf(db: Db, proposal: { id: string; owner_id: string | null }) {
  const addresses = new Map<string, string>();
  const people = await repo.peopleOf(db, [proposal.id]);
  const proposer = people.find((p) => p.role === 'proposer');
  if (proposer?.email) addresses.set(proposer.email.toLowerCase(), proposer.name);
  if (proposal.owner_id) {
    const owner = await repo.findUserEmail(db, proposal.owner_id);
    if (owner && !addresses.has(owner.email.toLowerCase()))
      addresses.set(owner.email.toLowerCase(), owner.display_name);
  }
  return { addresses, proposer };
}

export interface MergeSuggestion {
  a: string;
  b: string;
  suggestedAt: Date;
  /** How many people were written to. */
  notified: number;
}

/**
 * An organiser suggests that two similar proposals of a call merge. Both proposers get a mail
 * naming the other proposal, its proposer and the shared words; the pair is marked so that it is
 * not suggested twice.
 */
export async function suggestMerge(
  ctx: ServiceContext,
  proposalId: string,
  raw: unknown,
  /** Pages name the call in their address: a proposal of another call is not found there. */
  where: { callId?: string } = {},
): Promise<MergeSuggestion> {
  const input = parseOrThrow(MergeSuggestionInput, raw);
  if (!isUuid(proposalId)) throw AppError.notFound('The proposal');
  const proposal = await repo.findProposal(ctx.db, proposalId);
  if (!proposal || (where.callId && proposal.call_id !== where.callId))
    throw AppError.notFound('The proposal');
  const call = await loadCall(ctx, proposal.call_id, ctx.db);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const event = await loadEvent(ctx, call.eventId, ctx.db);
  const { a, b } = pairKey(proposal.id, input.with);
  const note = (input.note ?? '').trim();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const pair = await repo.lockSimilarity(trx, a, b);
    const [pa, pb] = await Promise.all([repo.findProposal(trx, a), repo.findProposal(trx, b)]);
    if (!pair || !pa || !pb || pa.status !== 'submitted' || pb.status !== 'submitted') {
      throw AppError.validation([
        {
          path: '/with',
          message: 'These two proposals are not flagged as similar; choose one from the list.',
        },
      ]);
    }
    if (pair.merge_suggested_at) {
      throw new AppError(
        'conflict',
        'A merge was already suggested to the proposers of these two proposals.',
      );
    }
    const now = ctx.clock.now();
    const sides = [
      { mine: pa, other: pb, ...(await proposersOf(trx, pa)) },
      { mine: pb, other: pa, ...(await proposersOf(trx, pb)) },
    ];
    let notified = 0;
    for (const [k, side] of sides.entries()) {
      const otherSide = sides[1 - k]!;
      const otherProposer = otherSide.proposer
        ? `${otherSide.proposer.name}${otherSide.proposer.organisation ? ` (${otherSide.proposer.organisation})` : ''}`
        : 'its proposer';
      for (const [to, name] of side.addresses) {
        await ctx.mailer.queue(trx, {
          to,
          subject: `A similar proposal to "${side.mine.title}" (${event.name})`,
          text:
            `Dear ${name},\n\n` +
            `The organisers of ${event.name} found that your proposal "${side.mine.title}" is close ` +
            `to another one in the same call: "${side.other.title}", proposed by ${otherProposer}.\n\n` +
            `Words both proposals share: ${pair.shared_terms.join(', ') || '(none listed)'}.\n\n` +
            `They suggest that you consider merging the two into one session. Merging is your ` +
            `choice: you may also keep your proposal as it is, or change it until the call closes.` +
            (note ? `\n\nA note from the organisers:\n${note}` : '') +
            `\n\nYour proposal: ${ctx.config.baseUrl}/proposals/${side.mine.id}\n`,
          category: 'events.merge-suggestion',
        });
        notified++;
      }
    }
    await repo.markMergeSuggested(trx, a, b, now, ctx.actor.userId);
    await recordAudit(trx, ctx, {
      action: 'proposal.merge-suggest',
      entityType: 'proposal',
      entityId: proposal.id,
      after: {
        proposals: [a, b],
        similarity: Number(pair.similarity),
        sharedTerms: pair.shared_terms,
        notified,
        note: note || undefined,
      },
    });
    return { a, b, suggestedAt: now, notified };
  });
  await ctx.mailer.deliverPending(ctx.db);
  return result;
}
