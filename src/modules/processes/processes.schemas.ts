import { Type } from 'typebox';
import { Query, Paging } from '../../platform/http/schemas.ts';
import { MODALITIES, OBJECTOR_DISCLOSURE, OUTCOMES, PROCESS_KINDS } from './processes.ts';
import { CONSULTATION_KINDS, ELIGIBILITY } from './consultations.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const DateOnly = Type.String({ format: 'date' });
const Literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const ProcessParams = Type.Object({ processId: Type.String({ maxLength: 100 }) });
export const ApplicationParams = Type.Object({
  processId: Type.String({ maxLength: 100 }),
  applicationId: Type.String({ maxLength: 100 }),
});
export const DelegationParams = Type.Object({
  processId: Type.String({ maxLength: 100 }),
  userId: Type.String({ maxLength: 100 }),
});
export const ConsultationParams = Type.Object({
  consultationId: Type.String({ maxLength: 100 }),
});
export const ReceiptParams = Type.Object({ receipt: Type.String({ maxLength: 100 }) });

export const ProcessListQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  kind: Type.Optional(Literals(PROCESS_KINDS)),
  modality: Type.Optional(Literals(MODALITIES)),
  ...Paging,
});

export const RegisterQuery = Query({
  outcome: Type.Optional(Literals(OUTCOMES)),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const ReviewQuery = Query({ status: Type.Optional(Literals(OUTCOMES)) });

export const MeetingSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  startsOn: DateOnly,
  endsOn: DateOnly,
  location: Nullable(Type.String()),
  url: Nullable(Type.String()),
});

export const ProcessSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  shortName: Nullable(Type.String()),
  kind: Literals(PROCESS_KINDS),
  parent: Nullable(Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() })),
  description: Type.String(),
  mandate: Nullable(Type.String()),
  website: Nullable(Type.String()),
  modality: Literals(MODALITIES),
  ecosocExempt: Type.Boolean({
    description:
      'Organisations in ECOSOC consultative status are admitted without objection period',
  }),
  objectionPeriodDays: Type.Integer(),
  timeZone: Type.String({ description: 'IANA zone in which periods end at midnight' }),
  disclosure: Type.Object({
    objector: Literals(OBJECTOR_DISCLOSURE),
    reasonsPublic: Type.Boolean(),
  }),
  startsOn: Nullable(DateOnly),
  endsOn: Nullable(DateOnly),
  meetings: Type.Array(MeetingSchema),
  isDemo: Type.Boolean(),
});

const ObjectionsSchema = Type.Object({
  count: Type.Integer({ description: 'Standing objections' }),
  states: Nullable(Type.Array(Type.String(), { description: 'ISO 3166-1 alpha-2 codes' })),
  reasons: Nullable(Type.Array(Type.String())),
});

const applicationProperties = {
  id: Type.String(),
  organisation: Type.Object({
    id: Nullable(Type.String()),
    slug: Nullable(Type.String()),
    name: Type.String(),
    stakeholderGroup: Type.String(),
    country: Nullable(Type.String()),
    region: Type.String({ description: 'UN regional group, or "none"' }),
    ecosocStatus: Type.Boolean(),
  }),
  meeting: Type.Object({ id: Type.String(), title: Type.String(), startsOn: DateOnly }),
  statement: Type.String(),
  expertise: Type.Array(Type.String()),
  submittedAt: DateTime,
  objectionDeadline: DateTime,
  decidedAt: Nullable(DateTime),
  outcome: Literals(OUTCOMES),
  basis: Literals(['non-objection', 'ecosoc']),
  objections: ObjectionsSchema,
  isDemo: Type.Boolean(),
};

export const PublicApplicationSchema = Type.Object(applicationProperties);

export const ReviewApplicationSchema = Type.Object({
  ...applicationProperties,
  contacts: Nullable(
    Type.Object({ name: Type.String(), email: Type.String(), phone: Nullable(Type.String()) }),
  ),
  ownObjection: Nullable(Type.Object({ reason: Nullable(Type.String()) })),
  canObject: Type.Boolean(),
  canWithdraw: Type.Boolean(),
});

const StatRowSchema = Type.Object({
  value: Type.String(),
  applied: Type.Integer(),
  accredited: Type.Integer(),
  refused: Type.Integer(),
  pending: Type.Integer(),
});

export const RegisterSchema = Type.Object({
  process: Type.Object({
    id: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    disclosure: Type.Object({
      objector: Literals(OBJECTOR_DISCLOSURE),
      reasonsPublic: Type.Boolean(),
    }),
  }),
  items: Type.Array(PublicApplicationSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  statistics: Type.Object({
    byStakeholderGroup: Type.Array(StatRowSchema),
    byRegion: Type.Array(StatRowSchema),
    byEcosocStatus: Type.Array(StatRowSchema),
  }),
});

export const DelegationSchema = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  country: Type.String(),
  since: DateTime,
});

export const ConsultationSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  process: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
  title: Type.String(),
  kind: Literals(CONSULTATION_KINDS),
  introduction: Type.String(),
  paragraphs: Type.Array(Type.String(), {
    description:
      'The draft’s paragraphs or the questions; comments anchor to their number (1-based)',
  }),
  opensAt: DateTime,
  closesAt: DateTime,
  eligibility: Literals(ELIGIBILITY),
  phase: Literals(['upcoming', 'open', 'closed']),
  submissions: Type.Integer(),
  compilationPublished: Type.Boolean(),
  isDemo: Type.Boolean(),
});

export const ConsultationSummarySchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  kind: Literals(CONSULTATION_KINDS),
  opensAt: DateTime,
  closesAt: DateTime,
  eligibility: Literals(ELIGIBILITY),
  phase: Literals(['upcoming', 'open', 'closed']),
});

export const SubmissionReceiptSchema = Type.Object({
  id: Type.String(),
  receipt: Type.String({ description: 'SHA-256 (hex) of the canonical submission document' }),
  submittedAt: DateTime,
  author: Type.String(),
  consultation: Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String() }),
  verifyUrl: Type.String(),
});

export const CompilationSchema = Type.Object({
  consultation: Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String() }),
  published: Type.Boolean(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      author: Type.String(),
      organisation: Nullable(Type.Object({ id: Type.String(), slug: Nullable(Type.String()) })),
      submittedAt: DateTime,
      text: Type.String(),
      comments: Type.Array(Type.Object({ paragraph: Type.Integer(), text: Type.String() })),
      attachments: Type.Array(
        Type.Object({
          id: Type.String(),
          filename: Type.String(),
          mediaType: Type.String(),
          bytes: Type.Integer(),
          sha256: Type.String(),
          url: Type.String(),
        }),
      ),
      receipt: Type.String(),
      isDemo: Type.Boolean(),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const ReceiptCheckSchema = Type.Object({
  receipt: Type.String(),
  valid: Type.Boolean({ description: 'The stored submission still hashes to this receipt' }),
  submittedAt: DateTime,
  author: Type.String(),
  consultation: Type.Object({
    id: Type.String(),
    slug: Type.String(),
    title: Type.String(),
    processName: Type.String(),
  }),
  published: Type.Boolean(),
  document: Nullable(Type.String()),
});

export const DecisionRunSchema = Type.Object({
  decided: Type.Integer(),
  accredited: Type.Integer(),
  refused: Type.Integer(),
});
