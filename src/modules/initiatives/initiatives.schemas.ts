import { Type } from 'typebox';
import { Body, Paging, Query } from '../../platform/http/schemas.ts';

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);
const Strings = Type.Array(Type.String());
const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const ParticipantSchema = Type.Object({
  role: Str,
  organisation: NullableStr,
  name: Str,
  ref: NullableStr,
});

export const InitiativeSchema = Type.Object({
  id: Str,
  slug: Str,
  externalId: NullableStr,
  title: Str,
  description: Str,
  language: Str,
  translations: Type.Record(
    Type.String(),
    Type.Object({ title: Type.Optional(Str), description: Type.Optional(Str) }),
  ),
  implementers: Strings,
  funders: Strings,
  partners: Strings,
  participants: Type.Array(ParticipantSchema),
  countries: Strings,
  regions: Strings,
  themes: Strings,
  cmm: Strings,
  startsOn: NullableStr,
  endsOn: NullableStr,
  status: Str,
  budget: Type.Union([Type.Number(), Type.Null()]),
  currency: NullableStr,
  outputs: Strings,
  links: Strings,
  workflow: Str,
  publishedAt: NullableStr,
  updatedAt: Str,
});

const Ref = Type.Object({ id: Str, slug: Str, title: Str });
export const OverlapSchema = Type.Object({
  id: NullableStr,
  a: Ref,
  b: Ref,
  score: Type.Number(),
  likelyDuplicate: Type.Boolean(),
  reasons: Strings,
  decision: NullableStr,
  decisionNote: NullableStr,
});

const List = Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 }));

export const InitiativeListQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  theme: List,
  country: List,
  region: List,
  organisation: Type.Optional(Type.String({ maxLength: 100 })),
  status: List,
  from: Type.Optional(DateStr),
  to: Type.Optional(DateStr),
  ...Paging,
});

export const InitiativeExportQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  theme: List,
  country: List,
  region: List,
  organisation: Type.Optional(Type.String({ maxLength: 100 })),
  status: List,
  from: Type.Optional(DateStr),
  to: Type.Optional(DateStr),
});

const Text = (max: number) => Type.String({ maxLength: max });
const Codes = Type.Array(Type.String({ maxLength: 300 }), { maxItems: 300 });

export const InitiativeBody = Body({
  externalId: Type.Optional(Type.Union([Text(200), Type.Null()])),
  slug: Type.Optional(Type.Union([Text(100), Type.Null()])),
  title: Text(300),
  description: Text(10000),
  language: Type.Optional(Text(2)),
  translations: Type.Optional(
    Type.Record(
      Type.String({ maxLength: 2 }),
      Type.Object({ title: Type.Optional(Text(300)), description: Type.Optional(Text(10000)) }),
    ),
  ),
  implementers: Type.Optional(Codes),
  funders: Type.Optional(Codes),
  partners: Type.Optional(Codes),
  countries: Type.Optional(Codes),
  regions: Type.Optional(Codes),
  themes: Type.Optional(Codes),
  cmm: Type.Optional(Codes),
  startsOn: Type.Optional(Type.Union([Text(10), Type.Null()])),
  endsOn: Type.Optional(Type.Union([Text(10), Type.Null()])),
  status: Type.Optional(Text(30)),
  budget: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  currency: Type.Optional(Type.Union([Text(3), Type.Null()])),
  outputs: Type.Optional(Type.Array(Text(500), { maxItems: 100 })),
  links: Type.Optional(Type.Array(Text(2000), { maxItems: 50 })),
  submit: Type.Optional(Type.Boolean()),
});

export const WorkflowBody = Body({
  action: Type.Union(
    ['submit', 'publish', 'return', 'archive', 'restore'].map((a) => Type.Literal(a)),
  ),
  note: Type.Optional(Text(2000)),
});

export const OverlapListQuery = Query({
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  theme: Type.Optional(Type.String({ maxLength: 40 })),
  minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  decision: Type.Optional(
    Type.Union(
      ['none', 'any', 'duplicate', 'complementary', 'unrelated'].map((d) => Type.Literal(d)),
    ),
  ),
  initiative: Type.Optional(Type.String({ maxLength: 100 })),
  ...Paging,
});

export const DecisionBody = Body({
  decision: Type.Union(['duplicate', 'complementary', 'unrelated'].map((d) => Type.Literal(d))),
  note: Type.Optional(Text(2000)),
});

export const CreatedResponse = Type.Object({
  initiative: InitiativeSchema,
  overlaps: Type.Array(OverlapSchema),
});
