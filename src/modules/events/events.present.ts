import type { Selectable } from 'kysely';
import {
  DEFAULT_CRITERIA,
  DEFAULT_REVIEW_CRITERIA,
  DEFAULT_SCREENING,
  callState,
  type DiversityCriteria,
  type FormatOption,
  type Phase,
  type ReviewCriterion,
  type ScreeningConfig,
} from './events.ts';
import type {
  CallsTable,
  EventRoomsTable,
  EventsTable,
  EventSlotsTable,
  ProposalPeopleTable,
  ProposalsTable,
  ReviewPhasesTable,
} from './events.table.ts';

const json = <T>(value: unknown, fallback: T): T =>
  (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T)) ?? fallback;

export interface Room {
  id: string;
  name: string;
  capacity: number | null;
}

export interface Slot {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

export interface Call {
  id: string;
  eventId: string;
  title: string;
  description: string;
  opensAt: Date;
  closesAt: Date;
  reviewsPerProposal: number;
  formats: FormatOption[];
  criteria: DiversityCriteria;
  screening: ScreeningConfig;
  reviewCriteria: ReviewCriterion[];
  reportDueDays: number;
  phases: Phase[];
}

export interface EventRecord {
  id: string;
  slug: string;
  name: string;
  place: string;
  description: string;
  startsOn: string;
  endsOn: string;
  timeZone: string;
  isDemo: boolean;
  rooms: Room[];
  slots: Slot[];
  calls: Call[];
}

export function toPhase(row: Selectable<ReviewPhasesTable>): Phase {
  return {
    id: row.id,
    name: row.name,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reviewersMayReview: row.reviewers_may_review,
    seeOthersScores: row.see_others_scores,
    blind: row.blind,
    proposersMayEdit: row.proposers_may_edit,
  };
}

export function toCall(row: Selectable<CallsTable>, phases: Phase[] = []): Call {
  return {
    id: row.id,
    eventId: row.event_id,
    title: row.title,
    description: row.description,
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    reviewsPerProposal: row.reviews_per_proposal,
    formats: json<FormatOption[]>(row.formats, []),
    criteria: { ...DEFAULT_CRITERIA, ...json<Partial<DiversityCriteria>>(row.criteria, {}) },
    screening: { ...DEFAULT_SCREENING, ...json<Partial<ScreeningConfig>>(row.screening, {}) },
    reviewCriteria: json<ReviewCriterion[]>(row.review_criteria, DEFAULT_REVIEW_CRITERIA),
    reportDueDays: row.report_due_days,
    phases,
  };
}

export function toEvent(
  row: Selectable<EventsTable>,
  rooms: Selectable<EventRoomsTable>[] = [],
  slots: Selectable<EventSlotsTable>[] = [],
  calls: Call[] = [],
): EventRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    place: row.place,
    description: row.description,
    startsOn: String(row.starts_on),
    endsOn: String(row.ends_on),
    timeZone: row.time_zone,
    isDemo: row.is_demo,
    rooms: rooms.map((r) => ({ id: r.id, name: r.name, capacity: r.capacity })),
    slots: slots.map((s) => ({ id: s.id, startsAt: s.starts_at, endsAt: s.ends_at })),
    calls,
  };
}

/** Calls as the API shows them (ISO strings, the state at `now`). */
export function callJson(call: Call, now: Date) {
  return {
    id: call.id,
    title: call.title,
    description: call.description,
    opensAt: call.opensAt.toISOString(),
    closesAt: call.closesAt.toISOString(),
    state: callState(call, now),
    reviewsPerProposal: call.reviewsPerProposal,
    formats: call.formats,
    criteria: call.criteria,
    screening: call.screening,
    reviewCriteria: call.reviewCriteria,
  };
}

export function eventJson(event: EventRecord, now: Date) {
  return {
    id: event.id,
    slug: event.slug,
    name: event.name,
    place: event.place,
    description: event.description,
    startsOn: event.startsOn,
    endsOn: event.endsOn,
    timeZone: event.timeZone,
    isDemo: event.isDemo,
    rooms: event.rooms,
    calls: event.calls.map((c) => callJson(c, now)),
  };
}

export interface Person {
  id: string;
  role: string;
  position: number;
  name: string;
  email: string | null;
  organisation: string;
  stakeholderGroup: string | null;
  country: string | null;
  onsite: boolean;
  status: 'pending' | 'confirmed' | 'declined';
  invited: boolean;
}

/** A person as the proposer and organisers see them: never the self-declared attributes. */
export function toPerson(row: Selectable<ProposalPeopleTable>): Person {
  return {
    id: row.id,
    role: row.role,
    position: row.position,
    name: row.name,
    email: row.email,
    organisation: row.organisation,
    stakeholderGroup: row.stakeholder_group,
    country: row.country,
    onsite: row.onsite,
    status: row.status,
    invited: row.invited_at !== null,
  };
}

export interface Proposal {
  id: string;
  callId: string;
  ownerId: string | null;
  status: 'draft' | 'submitted' | 'withdrawn';
  title: string;
  format: string | null;
  durationMinutes: number | null;
  content: string;
  relevance: string;
  policyQuestion: string;
  tags: string[];
  onlinePlan: string;
  facilitationPlan: string;
  previousWorkshop: boolean;
  previousReportUrl: string | null;
  decision: 'accept' | 'reject' | 'merge' | 'revise' | null;
  decisionStatus: 'pending' | 'released' | null;
  decisionNote: string;
  mergeWithId: string | null;
  submittedAt: Date | null;
  withdrawnAt: Date | null;
  updatedAt: Date;
  isDemo: boolean;
  people: Person[];
}

export function toProposal(
  row: Selectable<ProposalsTable>,
  people: Selectable<ProposalPeopleTable>[],
): Proposal {
  return {
    id: row.id,
    callId: row.call_id,
    ownerId: row.owner_id,
    status: row.status,
    title: row.title,
    format: row.format,
    durationMinutes: row.duration_minutes,
    content: row.content,
    relevance: row.relevance,
    policyQuestion: row.policy_question,
    tags: row.tags,
    onlinePlan: row.online_plan,
    facilitationPlan: row.facilitation_plan,
    previousWorkshop: row.previous_workshop,
    previousReportUrl: row.previous_report_url,
    decision: row.decision,
    decisionStatus: row.decision_status,
    decisionNote: row.decision_note,
    mergeWithId: row.merge_with_id,
    submittedAt: row.submitted_at,
    withdrawnAt: row.withdrawn_at,
    updatedAt: row.updated_at,
    isDemo: row.is_demo,
    people: people.filter((p) => p.proposal_id === row.id).map(toPerson),
  };
}

/** The proposal in API JSON. Decisions show to proposers only once released. */
export function proposalJson(p: Proposal, options: { showDecision: boolean }) {
  return {
    id: p.id,
    callId: p.callId,
    status: p.status,
    title: p.title,
    format: p.format,
    durationMinutes: p.durationMinutes,
    content: p.content,
    relevance: p.relevance,
    policyQuestion: p.policyQuestion,
    tags: p.tags,
    onlinePlan: p.onlinePlan,
    facilitationPlan: p.facilitationPlan,
    previousWorkshop: p.previousWorkshop,
    previousReportUrl: p.previousReportUrl,
    decision: options.showDecision ? p.decision : null,
    submittedAt: p.submittedAt?.toISOString() ?? null,
    withdrawnAt: p.withdrawnAt?.toISOString() ?? null,
    updatedAt: p.updatedAt.toISOString(),
    people: p.people.map((x) => ({
      id: x.id,
      role: x.role,
      name: x.name,
      email: x.email,
      organisation: x.organisation,
      stakeholderGroup: x.stakeholderGroup,
      country: x.country,
      onsite: x.onsite,
      status: x.status,
    })),
  };
}
