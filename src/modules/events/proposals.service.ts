import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ServiceContext } from '../../platform/context.ts';
import type { Db } from '../../db/database.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, isAllowed } from '../accounts/index.ts';
import { countryMap, isDevelopingPriority, isTerm } from '../reference/index.ts';
import * as repo from './events.repository.ts';
import { callState, currentPhase, proposerMayEdit, type PersonRole } from './events.ts';
import { InvitationResponse, ProposalInput, type PersonInput } from './events.schemas.ts';
import { toProposal, type Call, type Proposal } from './events.present.ts';
import type { ProposalsTable } from './events.table.ts';
import { eventScope, loadCall, loadEvent } from './events.service.ts';
import {
  assessDiversity,
  genderDiverse,
  summarisePrivate,
  type CountryFacts,
  type DiversityAssessment,
} from './diversity.ts';
import { screen, type ScreeningResult } from './screening.ts';
import { refreshSimilarities } from './similar.service.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const SINGLE_ROLES: readonly PersonRole[] = [
  'proposer',
  'co-proposer',
  'onsite-moderator',
  'online-moderator',
  'rapporteur',
];
export const MAX_SPEAKERS = 10;

let countryFactsCache: Promise<CountryFacts> | null = null;
/** Countries reduced to what the diversity assessment needs (also sent to the editor's island). */
export function countryFacts(ctx: Pick<ServiceContext, 'readDb'>): Promise<CountryFacts> {
  countryFactsCache ??= countryMap(ctx).then((map) => {
    const facts: CountryFacts = {};
    for (const [iso2, c] of map)
      facts[iso2] = { group: c.unGroup, developing: isDevelopingPriority(c) };
    return facts;
  });
  countryFactsCache.catch(() => (countryFactsCache = null));
  return countryFactsCache;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function loadProposal(db: Db, id: string): Promise<Proposal> {
  if (!isUuid(id)) throw AppError.notFound('The proposal');
  const row = await repo.findProposal(db, id);
  if (!row) throw AppError.notFound('The proposal');
  return toProposal(row, await repo.peopleOf(db, [id]));
}

export type ProposalAccess = 'owner' | 'organiser' | 'reviewer';

/** Who may see a proposal: its owner, the event's organisers and its reviewers. */
export async function proposalAccess(
  ctx: ServiceContext,
  proposalId: string,
): Promise<{ proposal: Proposal; call: Call; access: ProposalAccess }> {
  const proposal = await loadProposal(ctx.readDb, proposalId);
  const call = await loadCall(ctx, proposal.callId);
  const scope = eventScope(call.eventId);
  if (isAllowed(ctx, 'event.manage', scope)) return { proposal, call, access: 'organiser' };
  if (ctx.actor.userId && proposal.ownerId === ctx.actor.userId)
    return { proposal, call, access: 'owner' };
  if (
    isAllowed(ctx, 'proposal.review', scope) &&
    proposal.status === 'submitted' &&
    ctx.actor.userId &&
    (await repo.isInPool(ctx.readDb, call.eventId, ctx.actor.userId))
  ) {
    return { proposal, call, access: 'reviewer' };
  }
  if (!ctx.actor.userId) throw new AppError('unauthenticated', 'Please sign in to do this.');
  throw AppError.notFound('The proposal');
}

export async function getProposal(ctx: ServiceContext, id: string) {
  return proposalAccess(ctx, id);
}

export async function myProposals(ctx: ServiceContext): Promise<Proposal[]> {
  if (!ctx.actor.userId) return [];
  const rows = await repo.proposalsOfOwner(ctx.readDb, ctx.actor.userId);
  const people = await repo.peopleOf(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toProposal(r, people));
}

function formatLocal(date: Date, timeZone: string): string {
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date)} (${timeZone})`;
}

/** Checks the people and content against the call; collects every problem, not the first. */
function checkInput(
  input: ProposalInput,
  call: Call,
  countries: CountryFacts,
): { errors: FieldError[]; minutes: number | null } {
  const errors: FieldError[] = [];
  let minutes: number | null = null;
  if (input.format) {
    const format = call.formats.find((f) => f.code === input.format);
    if (!format)
      errors.push({ path: '/format', message: 'Choose one of the formats this call offers.' });
    else minutes = format.minutes;
  }
  (input.tags ?? []).forEach((tag, i) => {
    if (!isTerm('theme', tag))
      errors.push({ path: `/tags/${i}`, message: 'Choose themes from the list.' });
  });
  if (input.previousReportUrl && !/^https?:\/\/\S+$/i.test(input.previousReportUrl)) {
    errors.push({
      path: '/previousReportUrl',
      message: 'Enter a web address starting with https://.',
    });
  }
  const counts = new Map<string, number>();
  (input.people ?? []).forEach((p, i) => {
    counts.set(p.role, (counts.get(p.role) ?? 0) + 1);
    if (p.email && !EMAIL.test(p.email.trim())) {
      errors.push({ path: `/people/${i}/email`, message: 'Enter a valid email address.' });
    }
    if (p.stakeholderGroup && !isTerm('stakeholderGroup', p.stakeholderGroup)) {
      errors.push({
        path: `/people/${i}/stakeholderGroup`,
        message: 'Choose a stakeholder group.',
      });
    }
    if (p.country && !countries[p.country.toUpperCase()]) {
      errors.push({ path: `/people/${i}/country`, message: 'Choose a country from the list.' });
    }
  });
  for (const role of SINGLE_ROLES) {
    if ((counts.get(role) ?? 0) > 1) {
      errors.push({ path: '/people', message: `Name one ${role.replace('-', ' ')} only.` });
    }
  }
  if ((counts.get('speaker') ?? 0) > MAX_SPEAKERS) {
    errors.push({ path: '/people', message: `Name at most ${MAX_SPEAKERS} speakers.` });
  }
  return { errors, minutes };
}

/** What a submission needs at least; screening later checks the whole template. */
function checkSubmittable(input: ProposalInput): FieldError[] {
  const errors: FieldError[] = [];
  const required: Array<[keyof ProposalInput, string]> = [
    ['title', 'Give your session a title.'],
    ['format', 'Choose a session format.'],
    ['content', 'Describe the content of the session.'],
    ['relevance', 'Explain the relevance of the session.'],
  ];
  for (const [field, message] of required) {
    const v = input[field];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      errors.push({ path: `/${field}`, message });
    }
  }
  const proposer = (input.people ?? []).find((p) => p.role === 'proposer');
  if (!proposer) errors.push({ path: '/proposer.name', message: 'Name the proposer.' });
  return errors;
}

interface Invitation {
  to: string;
  name: string;
  role: string;
  token: string;
}

async function syncPeople(
  trx: Db,
  ctx: ServiceContext,
  proposalId: string,
  people: readonly PersonInput[],
  ownerEmail: string | null,
): Promise<Invitation[]> {
  const existing = await repo.peopleOf(trx, [proposalId]);
  const byId = new Map(existing.map((p) => [p.id, p]));
  const keep = new Set<string>();
  const toInvite: Array<{ id: string; email: string; name: string; role: string }> = [];
  const now = ctx.clock.now();
  const positions = new Map<string, number>();
  const inserts: Parameters<typeof repo.insertPeople>[1] = [];
  for (const p of people) {
    const position = positions.get(p.role) ?? 0;
    positions.set(p.role, position + 1);
    const email = p.email?.trim() || null;
    // The proposer signed in is confirmed already: nobody needs to invite themself.
    const isOwner = !!email && !!ownerEmail && email.toLowerCase() === ownerEmail.toLowerCase();
    const base = {
      role: p.role,
      position,
      name: p.name.trim(),
      email,
      organisation: (p.organisation ?? '').trim(),
      stakeholder_group: p.stakeholderGroup || null,
      country: p.country ? p.country.toUpperCase() : null,
      onsite: p.onsite ?? true,
    };
    const prior = p.id ? byId.get(p.id) : undefined;
    if (prior) {
      keep.add(prior.id);
      const emailChanged = (prior.email ?? '').toLowerCase() !== (email ?? '').toLowerCase();
      // A new address is a new person to ask: the earlier answer does not carry over.
      const reset = emailChanged
        ? {
            status: isOwner ? ('confirmed' as const) : ('pending' as const),
            gender: null,
            first_time: null,
            invite_token_hash: null,
            invited_at: null,
            responded_at: isOwner ? now : null,
            user_id: null,
          }
        : {};
      await repo.updatePerson(trx, prior.id, { ...base, ...reset });
      if (emailChanged && email && !isOwner)
        toInvite.push({ id: prior.id, email, name: base.name, role: base.role });
    } else {
      const id = newId();
      inserts.push({
        id,
        proposal_id: proposalId,
        ...base,
        status: isOwner ? 'confirmed' : 'pending',
        responded_at: isOwner ? now : null,
        user_id: null,
      });
      if (email && !isOwner) toInvite.push({ id, email, name: base.name, role: base.role });
    }
  }
  await repo.deletePeople(
    trx,
    existing.filter((p) => !keep.has(p.id)).map((p) => p.id),
  );
  await repo.insertPeople(trx, inserts);
  const invitations: Invitation[] = [];
  for (const x of toInvite) invitations.push(await invite(trx, x.id, x.email, x, now));
  return invitations;
}

async function invite(
  trx: Db,
  personId: string,
  email: string,
  person: { name: string; role: string },
  now: Date,
): Promise<Invitation> {
  const token = randomBytes(24).toString('base64url');
  await repo.updatePerson(trx, personId, { invite_token_hash: hashToken(token), invited_at: now });
  return { to: email, name: person.name, role: person.role, token };
}

async function queueInvitations(
  trx: Db,
  ctx: ServiceContext,
  invitations: readonly Invitation[],
  proposalTitle: string,
  eventName: string,
) {
  for (const inv of invitations) {
    const link = `${ctx.config.baseUrl}/invitations/${inv.token}`;
    await ctx.mailer.queue(trx, {
      to: inv.to,
      subject: `Please confirm your role: ${proposalTitle || 'a session proposal'} (${eventName})`,
      text:
        `Dear ${inv.name},\n\n` +
        `You are named as ${inv.role.replace('-', ' ')} on the session proposal "${proposalTitle || 'untitled'}" ` +
        `for ${eventName}.\n\nPlease confirm or decline here (the link works once):\n${link}\n\n` +
        `When you confirm you may also tell us, privately and only if you wish, your gender and whether ` +
        `this is your first time speaking. These answers are never shown with your name.\n`,
      category: 'events.invitation',
    });
  }
}

/**
 * Creates (callId) or updates (proposalId) a proposal; `submit` in the input submits it. Drafts
 * save while the call is open; submissions close at the deadline; edits are allowed until then,
 * or later only while a review phase lets proposers edit.
 */
export async function saveProposal(
  ctx: ServiceContext,
  target: { callId: string } | { proposalId: string },
  raw: unknown,
): Promise<Proposal> {
  authorize(ctx, 'proposal.submit');
  const input = parseOrThrow(ProposalInput, raw);
  const existing = 'proposalId' in target ? await loadProposal(ctx.db, target.proposalId) : null;
  const call = await loadCall(
    ctx,
    existing ? existing.callId : (target as { callId: string }).callId,
    ctx.db,
  );
  const event = await loadEvent(ctx, call.eventId, ctx.db);
  const now = ctx.clock.now();
  if (existing) {
    if (
      existing.ownerId !== ctx.actor.userId &&
      !isAllowed(ctx, 'event.manage', eventScope(event.id))
    ) {
      throw AppError.notFound('The proposal');
    }
    if (existing.status === 'withdrawn') {
      throw new AppError('conflict', 'This proposal was withdrawn and can no longer be changed.');
    }
  }
  const state = callState(call, now);
  if (state === 'upcoming') {
    throw new AppError(
      'conflict',
      `This call opens on ${formatLocal(call.opensAt, event.timeZone)}.`,
    );
  }
  const phase = currentPhase(call.phases, now);
  if (!proposerMayEdit(call, phase, now)) {
    throw new AppError(
      'conflict',
      `The call closed on ${formatLocal(call.closesAt, event.timeZone)}. ` +
        (input.submit && existing?.status !== 'submitted'
          ? 'Late submissions are not accepted.'
          : 'Proposals can no longer be changed.'),
    );
  }
  if (input.submit && state === 'closed' && existing?.status !== 'submitted') {
    throw new AppError(
      'conflict',
      `The call closed on ${formatLocal(call.closesAt, event.timeZone)}. Late submissions are not accepted.`,
    );
  }
  const countries = await countryFacts(ctx);
  const { errors, minutes } = checkInput(input, call, countries);
  const submitting = input.submit === true || existing?.status === 'submitted';
  if (submitting) errors.push(...checkSubmittable(input));
  if (errors.length) throw AppError.validation(errors);

  const owner = ctx.actor.userId ? await repo.findUserEmail(ctx.db, ctx.actor.userId) : undefined;
  const values = {
    title: (input.title ?? '').trim(),
    format: input.format || null,
    duration_minutes: minutes,
    content: input.content ?? '',
    relevance: input.relevance ?? '',
    policy_question: input.policyQuestion ?? '',
    tags: input.tags ?? [],
    online_plan: input.onlinePlan ?? '',
    facilitation_plan: input.facilitationPlan ?? '',
    previous_workshop: input.previousWorkshop ?? false,
    previous_report_url: input.previousReportUrl?.trim() || null,
    updated_at: now,
  } satisfies Partial<Selectable<ProposalsTable>>;
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      let id: string;
      let before: Proposal | null = null;
      if (existing) {
        const locked = await repo.lockProposal(trx, existing.id);
        if (!locked || locked.status === 'withdrawn') {
          throw new AppError(
            'conflict',
            'This proposal was withdrawn and can no longer be changed.',
          );
        }
        before = existing;
        id = existing.id;
        await repo.updateProposal(trx, id, {
          ...values,
          ...(input.submit && locked.status === 'draft'
            ? { status: 'submitted', submitted_at: now }
            : {}),
        });
      } else {
        id = newId();
        await repo.insertProposal(trx, {
          id,
          call_id: call.id,
          owner_id: ctx.actor.userId,
          ...values,
          status: input.submit ? 'submitted' : 'draft',
          submitted_at: input.submit ? now : null,
          created_at: now,
        });
      }
      const invitations = input.people
        ? await syncPeople(trx, ctx, id, input.people, owner?.email ?? null)
        : [];
      await queueInvitations(trx, ctx, invitations, values.title, event.name);
      const after = await loadProposal(trx, id);
      // Organisers see similar proposals as soon as one is submitted or edited.
      await refreshSimilarities(trx, ctx, after);
      await recordAudit(trx, ctx, {
        action: existing
          ? input.submit && before?.status === 'draft'
            ? 'proposal.submit'
            : 'proposal.update'
          : input.submit
            ? 'proposal.submit'
            : 'proposal.create',
        entityType: 'proposal',
        entityId: id,
        before: before ? { status: before.status, title: before.title } : undefined,
        after: { status: after.status, title: after.title, people: after.people.length },
      });
      return after;
    })
    .then(async (proposal) => {
      await ctx.mailer.deliverPending(ctx.db);
      return proposal;
    });
}

/** Withdrawal is allowed at any time, before or after the deadline. */
export async function withdrawProposal(ctx: ServiceContext, proposalId: string): Promise<Proposal> {
  authorize(ctx, 'proposal.submit');
  const proposal = await loadProposal(ctx.db, proposalId);
  const call = await loadCall(ctx, proposal.callId, ctx.db);
  if (
    proposal.ownerId !== ctx.actor.userId &&
    !isAllowed(ctx, 'event.manage', eventScope(call.eventId))
  ) {
    throw AppError.notFound('The proposal');
  }
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockProposal(trx, proposalId);
    if (!locked) throw AppError.notFound('The proposal');
    if (locked.status === 'withdrawn')
      throw new AppError('conflict', 'This proposal is already withdrawn.');
    const now = ctx.clock.now();
    await repo.updateProposal(trx, proposalId, {
      status: 'withdrawn',
      withdrawn_at: now,
      updated_at: now,
    });
    await refreshSimilarities(trx, ctx, {
      id: proposalId,
      callId: locked.call_id,
      status: 'withdrawn',
    });
    await recordAudit(trx, ctx, {
      action: 'proposal.withdraw',
      entityType: 'proposal',
      entityId: proposalId,
      before: { status: locked.status },
      after: { status: 'withdrawn' },
    });
    return loadProposal(trx, proposalId);
  });
}

// Invitations --------------------------------------------------------------------------------

export interface InvitationView {
  personName: string;
  role: string;
  status: 'pending' | 'confirmed' | 'declined';
  proposalTitle: string;
  eventName: string;
  onsite: boolean;
}

async function personByToken(ctx: ServiceContext, token: string, db: Db) {
  if (!/^[\w-]{20,64}$/.test(token))
    throw new AppError('gone', 'This invitation link is not valid or was already used.');
  const person = await repo.findPersonByToken(db, hashToken(token));
  if (!person) throw new AppError('gone', 'This invitation link is not valid or was already used.');
  return person;
}

export async function getInvitation(ctx: ServiceContext, token: string): Promise<InvitationView> {
  const person = await personByToken(ctx, token, ctx.readDb);
  const proposal = await loadProposal(ctx.readDb, person.proposal_id);
  const call = await loadCall(ctx, proposal.callId);
  const event = await loadEvent(ctx, call.eventId);
  return {
    personName: person.name,
    role: person.role,
    status: person.status,
    proposalTitle: proposal.title,
    eventName: event.name,
    onsite: person.onsite,
  };
}

/** Confirms or declines a role through the emailed link; the link then stops working. */
export async function respondToInvitation(ctx: ServiceContext, token: string, raw: unknown) {
  const input = parseOrThrow(InvitationResponse, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const person = await personByToken(ctx, token, trx);
    const proposal = await repo.lockProposal(trx, person.proposal_id);
    if (!proposal || proposal.status === 'withdrawn') {
      throw new AppError('gone', 'This proposal was withdrawn; there is nothing to confirm.');
    }
    const now = ctx.clock.now();
    await repo.updatePerson(trx, person.id, {
      status: input.accept ? 'confirmed' : 'declined',
      gender: input.accept ? (input.gender ?? null) : null,
      first_time: input.accept ? (input.firstTime ?? null) : null,
      onsite: input.onsite ?? person.onsite,
      user_id: ctx.actor.userId,
      invite_token_hash: null,
      responded_at: now,
    });
    // The audit names the answer, never the declared attributes.
    await recordAudit(trx, ctx, {
      action: input.accept ? 'proposal.person.confirm' : 'proposal.person.decline',
      entityType: 'proposal',
      entityId: person.proposal_id,
      after: { personId: person.id, role: person.role },
    });
    return { status: input.accept ? ('confirmed' as const) : ('declined' as const) };
  });
}

// Diversity and screening --------------------------------------------------------------------

async function privateFacts(db: Db, proposalId: string) {
  const rows = await repo.peopleOf(db, [proposalId]);
  return rows.map((r) => ({
    role: r.role as PersonRole,
    status: r.status,
    gender: r.gender,
    firstTime: r.first_time,
  }));
}

export async function diversityOf(
  ctx: ServiceContext,
  proposal: Proposal,
  call: Call,
): Promise<DiversityAssessment> {
  const countries = await countryFacts(ctx);
  const summary = summarisePrivate(await privateFacts(ctx.readDb, proposal.id));
  return assessDiversity(
    proposal.people.map((p) => ({
      role: p.role as PersonRole,
      stakeholderGroup: p.stakeholderGroup,
      country: p.country,
      status: p.status,
    })),
    countries,
    call.criteria,
    summary,
  );
}

/** GET /proposals/{id}/diversity: counts and a checklist, never a person's attributes. */
export async function proposalDiversity(ctx: ServiceContext, proposalId: string) {
  const { proposal, call } = await proposalAccess(ctx, proposalId);
  return { proposal, call, assessment: await diversityOf(ctx, proposal, call) };
}

export interface Screening extends ScreeningResult {
  /** Whether the gender rule's outcome may be shown to this viewer (see DESIGN.md privacy rule). */
  genderDisclosed: boolean;
}

export async function screeningOf(
  ctx: ServiceContext,
  proposal: Proposal,
  call: Call,
  viewer: ProposalAccess,
): Promise<Screening> {
  const facts = await privateFacts(ctx.readDb, proposal.id);
  const emails = proposal.people
    .filter((p) => (p.role === 'proposer' || p.role === 'co-proposer') && p.email)
    .map((p) => p.email!);
  const earlier = await repo.earlierSessionsOf(ctx.readDb, {
    emails,
    ownerId: proposal.ownerId,
    beforeEventId: call.eventId,
  });
  const now = ctx.clock.now();
  const result = screen(call.screening, {
    proposal,
    people: proposal.people.map((p) => ({ ...p, role: p.role as PersonRole })),
    genderDiverse: genderDiverse(facts),
    overdueReports: earlier.filter((s) => !s.filed_at && s.report_due_at && s.report_due_at < now)
      .length,
    filedReports: earlier.filter((s) => s.filed_at).length,
  });
  // Organisers screen with the true outcome; a proposer sees it only where the group is large
  // enough that it says nothing about one person.
  const genderDisclosed =
    viewer === 'organiser' || summarisePrivate(facts).distinctGenders !== null;
  return { ...result, genderDisclosed };
}

export async function proposalScreening(ctx: ServiceContext, proposalId: string) {
  const { proposal, call, access } = await proposalAccess(ctx, proposalId);
  if (access === 'reviewer') throw AppError.forbidden();
  return { proposal, call, access, screening: await screeningOf(ctx, proposal, call, access) };
}
