import { Type } from 'typebox';
import { Body, Query } from '../../platform/http/schemas.ts';
import { HIDE_REASONS, MODERATION_ACTIONS } from './live.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const OriginSchema = Enum(['room', 'remote']);

export const SessionParams = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
export const QuestionParams = Type.Object({
  sessionId: Type.String({ format: 'uuid' }),
  questionId: Type.String({ format: 'uuid' }),
});

export const QuestionSchema = Type.Object({
  id: Type.String(),
  text: Type.String(),
  authorName: Nullable(Type.String()),
  anonymous: Type.Boolean(),
  origin: OriginSchema,
  status: Enum(['pending', 'approved', 'pinned', 'answered', 'hidden', 'merged']),
  votes: Type.Integer(),
  mergedCount: Type.Integer(),
  answer: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  answeredAt: Nullable(Type.String({ format: 'date-time' })),
  hideReason: Type.Optional(Nullable(Type.String())),
  hideNote: Type.Optional(Nullable(Type.String())),
  mergedInto: Type.Optional(Nullable(Type.String())),
  mine: Type.Optional(Type.Boolean()),
});

export const SpeakerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  stakeholderGroup: Type.String(),
  role: Enum(['panellist', 'moderator']),
  origin: OriginSchema,
});

export const SessionSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  eventId: Type.String(),
  scheduledSessionId: Nullable(Type.String()),
  title: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  timeZone: Type.String(),
  room: Nullable(Type.String()),
  status: Enum(['open', 'closed']),
  moderation: Type.Boolean(),
  remoteSegment: Type.Boolean(),
  lastSeq: Type.Integer(),
  speakers: Type.Array(SpeakerSchema),
});

export const CreateSessionBody = Body({
  eventId: Type.Optional(Type.String({ maxLength: 100 })),
  scheduledSessionId: Type.Optional(Type.String({ maxLength: 100 })),
  title: Type.Optional(Type.String({ maxLength: 400 })),
  startsAt: Type.Optional(Type.String({ format: 'date-time' })),
  endsAt: Type.Optional(Type.String({ format: 'date-time' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64 })),
  room: Type.Optional(Type.String({ maxLength: 200 })),
  moderation: Type.Optional(Type.Boolean()),
  speakers: Type.Optional(
    Type.Array(
      Body({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        stakeholderGroup: Type.String({ maxLength: 60 }),
        origin: Type.Optional(OriginSchema),
        role: Type.Optional(Enum(['panellist', 'moderator'])),
      }),
      { maxItems: 12 },
    ),
  ),
});

export const JoinBody = Body({
  origin: OriginSchema,
  name: Type.Optional(Type.String({ maxLength: 200 })),
});

export const ParticipantSchema = Type.Object({
  origin: OriginSchema,
  displayName: Nullable(Type.String()),
});

export const AskBody = Body({
  text: Type.String({ maxLength: 2000 }),
  anonymous: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  /** Joins on the way when the participant has not said yet where they are. */
  origin: Type.Optional(OriginSchema),
});

export const VoteBody = Body({});
export const VoteResult = Type.Object({ id: Type.String(), votes: Type.Integer() });

export const ModerationBody = Body({
  action: Enum(MODERATION_ACTIONS),
  reason: Type.Optional(Enum(HIDE_REASONS)),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
  into: Type.Optional(Type.String({ format: 'uuid' })),
  answer: Type.Optional(Type.String({ maxLength: 4000 })),
});

export const RevealBody = Body({ reason: Type.String({ maxLength: 1000 }) });
export const RevealResult = Type.Object({
  questionId: Type.String(),
  origin: OriginSchema,
  participantName: Nullable(Type.String()),
  accountName: Nullable(Type.String()),
});

export const SettingsBody = Body({
  moderation: Type.Optional(Type.Boolean()),
  remoteSegment: Type.Optional(Type.Boolean()),
  status: Type.Optional(Enum(['open', 'closed'])),
});

export const BackstageBody = Body({ body: Type.String({ maxLength: 2000 }) });
export const BackstageSchema = Type.Object({
  id: Type.String(),
  authorLabel: Type.String(),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const TurnBody = Body({ speaker: Type.String({ maxLength: 60 }) });
export const TurnResult = Type.Object({ speaker: Nullable(Type.String()) });

const Seconds = Type.Number({ minimum: 0 });
export const FiguresSchema = Type.Object({
  totalSeconds: Seconds,
  voices: Type.Integer(),
  fairShareSeconds: Seconds,
  speakers: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      stakeholderGroup: Type.String(),
      role: Type.String(),
      origin: OriginSchema,
      seconds: Seconds,
      share: Type.Number(),
      overFairShare: Type.Boolean(),
      speaking: Type.Boolean(),
    }),
  ),
  byGroup: Type.Array(
    Type.Object({ group: Type.String(), seconds: Seconds, share: Type.Number() }),
  ),
  byOrigin: Type.Object({ room: Seconds, remote: Seconds }),
  floor: Type.Object({ room: Seconds, remote: Seconds }),
  current: Nullable(Type.Object({ key: Type.String(), startedAt: Type.String() })),
  warnings: Type.Array(Type.String()),
});

export const SummarySchema = Type.Object({
  sessionId: Type.String(),
  title: Type.String(),
  status: Enum(['open', 'closed']),
  closedAt: Nullable(Type.String()),
  questions: Type.Object({
    total: Type.Integer(),
    fromRoom: Type.Integer(),
    fromRemote: Type.Integer(),
    published: Type.Integer(),
    answered: Type.Integer(),
    answeredFromRoom: Type.Integer(),
    answeredFromRemote: Type.Integer(),
    hidden: Type.Integer(),
    hiddenByReason: Type.Record(Type.String(), Type.Integer()),
    merged: Type.Integer(),
    pending: Type.Integer(),
  }),
  speakingTime: Type.Object({
    totalSeconds: Seconds,
    room: Seconds,
    remote: Seconds,
    byGroup: Type.Array(
      Type.Object({ group: Type.String(), seconds: Seconds, share: Type.Number() }),
    ),
  }),
});

export const ReportSchema = Type.Object({
  session: Type.Omit(SessionSchema, ['code', 'lastSeq']),
  summary: SummarySchema,
  questions: Type.Array(
    Type.Pick(QuestionSchema, [
      'id',
      'text',
      'authorName',
      'anonymous',
      'origin',
      'status',
      'votes',
      'mergedCount',
      'answer',
      'answeredAt',
    ]),
  ),
  speakingTime: FiguresSchema,
});

export const ListQuery = Query({ all: Type.Optional(Type.Boolean()) });
export const EventsQuery = Query({ after: Type.Optional(Type.Integer({ minimum: 0 })) });
