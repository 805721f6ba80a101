import { Type, type Static } from 'typebox';
import { Body } from '../../platform/http/schemas.ts';
import { GENDERS, PERSON_ROLES, REVIEW_ACTIONS } from './events.ts';

/** One of a list of strings, typed as their union. */
const OneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>(Type.String({ enum: [...values] }));

const Text = (max: number) => Type.String({ maxLength: max });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const CalendarDate = Type.String({ format: 'date' });

/** What an organiser edits about an event itself (rooms and slots have their own forms). */
const eventDetails = {
  slug: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 })),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  place: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Text(10000)),
  startsOn: CalendarDate,
  endsOn: CalendarDate,
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
};

export const EventDetailsInput = Body(eventDetails);
export type EventDetailsInput = Static<typeof EventDetailsInput>;

export const RoomInput = Body({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  capacity: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))),
});
export type RoomInput = Static<typeof RoomInput>;

export const EventInput = Body({
  ...eventDetails,
  rooms: Type.Array(RoomInput, { maxItems: 100 }),
  /** Time slots as instants (ISO 8601 with offset). */
  slots: Type.Optional(
    Type.Array(Body({ startsAt: DateTime, endsAt: DateTime }), { maxItems: 1000 }),
  ),
  isDemo: Type.Optional(Type.Boolean()),
});
export type EventInput = Static<typeof EventInput>;

export const PhaseInput = Body({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  startsAt: DateTime,
  endsAt: DateTime,
  reviewersMayReview: Type.Optional(Type.Boolean()),
  seeOthersScores: Type.Optional(Type.Boolean()),
  blind: Type.Optional(Type.Boolean()),
  proposersMayEdit: Type.Optional(Type.Boolean()),
});
export type PhaseInput = Static<typeof PhaseInput>;

export const CallInput = Body({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Text(10000)),
  opensAt: DateTime,
  closesAt: DateTime,
  reviewsPerProposal: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  formats: Type.Optional(
    Type.Array(
      Body({
        code: Type.String({ maxLength: 60 }),
        minutes: Type.Integer({ minimum: 5, maximum: 600 }),
      }),
      { minItems: 1, maxItems: 30 },
    ),
  ),
  criteria: Type.Optional(
    Body({
      minStakeholderGroups: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
      minRegionalGroups: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
      minDevelopingCountry: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
      genderDiversity: Type.Optional(Type.Boolean()),
      minFirstTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    }),
  ),
  screening: Type.Optional(
    Body({
      requiredFields: Type.Optional(Type.Boolean()),
      minConfirmedSpeakers: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
      genderDiversity: Type.Optional(Type.Boolean()),
      onsiteModerator: Type.Optional(Type.Boolean()),
      minOnsiteSpeakers: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
      previousReport: Type.Optional(Type.Boolean()),
    }),
  ),
  reviewCriteria: Type.Optional(
    Type.Array(
      Body({
        code: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
        weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
      }),
      { minItems: 1, maxItems: 12 },
    ),
  ),
  reportDueDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  phases: Type.Optional(Type.Array(PhaseInput, { maxItems: 10 })),
});
export type CallInput = Static<typeof CallInput>;

export const PersonInput = Body({
  id: Type.Optional(Uuid),
  role: OneOf(PERSON_ROLES),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  organisation: Type.Optional(Text(200)),
  stakeholderGroup: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  country: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  onsite: Type.Optional(Type.Boolean()),
});
export type PersonInput = Static<typeof PersonInput>;

export const ProposalInput = Body({
  title: Type.Optional(Text(200)),
  format: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
  content: Type.Optional(Text(10000)),
  relevance: Type.Optional(Text(5000)),
  policyQuestion: Type.Optional(Text(2000)),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 10 })),
  onlinePlan: Type.Optional(Text(5000)),
  facilitationPlan: Type.Optional(Text(5000)),
  previousWorkshop: Type.Optional(Type.Boolean()),
  previousReportUrl: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  people: Type.Optional(Type.Array(PersonInput, { maxItems: 20 })),
  /** Submit now (true) or keep as a draft. */
  submit: Type.Optional(Type.Boolean()),
});
export type ProposalInput = Static<typeof ProposalInput>;

export const InvitationResponse = Body({
  accept: Type.Boolean(),
  gender: Type.Optional(Nullable(OneOf(GENDERS))),
  firstTime: Type.Optional(Nullable(Type.Boolean())),
  onsite: Type.Optional(Type.Boolean()),
});
export type InvitationResponse = Static<typeof InvitationResponse>;

export const ReviewInput = Body({
  scores: Type.Record(Type.String({ maxLength: 40 }), Type.Integer({ minimum: 1, maximum: 5 })),
  comment: Type.Optional(Text(5000)),
  action: OneOf(REVIEW_ACTIONS),
  mergeWithId: Type.Optional(Nullable(Uuid)),
});
export type ReviewInput = Static<typeof ReviewInput>;

export const DecisionInput = Body({
  decision: OneOf(REVIEW_ACTIONS),
  note: Type.Optional(Text(5000)),
  mergeWithId: Type.Optional(Nullable(Uuid)),
});
export type DecisionInput = Static<typeof DecisionInput>;

export const ReportInput = Body({
  summary: Type.String({ minLength: 1, maxLength: 20000 }),
  keyTakeaways: Type.Optional(Text(10000)),
  callsToAction: Type.Optional(Text(10000)),
  onsiteAttendance: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1000000 }))),
  onlineAttendance: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1000000 }))),
  participation: Type.Optional(
    Body({
      speakers: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
      interventionsOnsite: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
      interventionsOnline: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
      questions: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    }),
  ),
});
export type ReportInput = Static<typeof ReportInput>;

export const PlacementInput = Body({
  proposalId: Type.Optional(Uuid),
  sessionId: Type.Optional(Uuid),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  roomId: Uuid,
  slotId: Uuid,
  durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 600 })),
});
export type PlacementInput = Static<typeof PlacementInput>;

export const ReviewerInput = Body({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  stakeholderGroup: Type.String({ maxLength: 40 }),
  organisation: Type.Optional(Text(200)),
});
export type ReviewerInput = Static<typeof ReviewerInput>;

/** A time slot as organisers enter it: a day of the event and wall-clock times in its zone. */
export const LocalSlotInput = Body({
  day: CalendarDate,
  start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
});
export type LocalSlotInput = Static<typeof LocalSlotInput>;

export const ReviewerUpdateInput = Body({
  stakeholderGroup: Type.String({ maxLength: 40 }),
  organisation: Type.Optional(Text(200)),
});
export type ReviewerUpdateInput = Static<typeof ReviewerUpdateInput>;

export const ConflictInput = Body({
  reviewerId: Uuid,
  proposalId: Uuid,
  reason: Type.Optional(Text(500)),
});
export type ConflictInput = Static<typeof ConflictInput>;

/** An organiser suggests that two similar proposals merge: both proposers are told. */
export const MergeSuggestionInput = Body({
  with: Uuid,
  note: Type.Optional(Text(2000)),
});
export type MergeSuggestionInput = Static<typeof MergeSuggestionInput>;
