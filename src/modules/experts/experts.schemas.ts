import { Type, type Static } from 'typebox';
import { Body, Paging, Query } from '../../platform/http/schemas.ts';
import { termCodes } from '../reference/index.ts';
import { AVAILABILITY, LINK_KINDS, PROFILE_FIELDS, VISIBILITIES } from './experts.ts';

/** One of a list of codes, typed as their union (TypeBox unions of mapped literals lose it). */
const Code = <T extends string>(codes: readonly T[]) =>
  Type.Unsafe<T>(Type.Union(codes.map((c) => Type.Literal(c))));
const VisibilitySchema = Code(VISIBILITIES);

/** What a person saves as their profile (the service validates it; pages map the form onto it). */
export const ProfileInput = Body({
  listed: Type.Boolean(),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  about: Type.String({ maxLength: 2000 }),
  themes: Type.Array(Code(termCodes('theme')), { maxItems: 10, uniqueItems: true }),
  cmmDimensions: Type.Array(Code(termCodes('cmmDimension')), { maxItems: 5, uniqueItems: true }),
  /** ISO 639-1 codes or language names ("French"). */
  languages: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 15 }),
  /** UN M49 region slugs. */
  regions: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 10 }),
  /** ISO 3166-1 codes or country names. */
  countries: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 30 }),
  stakeholderGroup: Type.Union([Code(termCodes('stakeholderGroup')), Type.Null()]),
  /** An organisation in the index (its identifier or name) or any other organisation's name. */
  organisation: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
  availableFor: Type.Array(Code(AVAILABILITY), { maxItems: 2, uniqueItems: true }),
  availabilityNote: Type.String({ maxLength: 300 }),
  links: Type.Array(
    Type.Object(
      {
        kind: Code(LINK_KINDS),
        label: Type.String({ minLength: 1, maxLength: 120 }),
        href: Type.String({ minLength: 1, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
    { maxItems: 10 },
  ),
  visibility: Type.Object(
    Object.fromEntries(PROFILE_FIELDS.map((f) => [f, VisibilitySchema])) as Record<
      (typeof PROFILE_FIELDS)[number],
      typeof VisibilitySchema
    >,
    { additionalProperties: false },
  ),
});
export type ProfileInput = Static<typeof ProfileInput>;

export const AVAILABLE_FILTER = ['any', 'missions', 'mentoring'] as const;

export const ExpertQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  theme: Type.Optional(Code(termCodes('theme'))),
  cmmDimension: Type.Optional(Code(termCodes('cmmDimension'))),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })),
  region: Type.Optional(Type.String({ pattern: '^[a-z-]{2,60}$' })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  stakeholderGroup: Type.Optional(Code(termCodes('stakeholderGroup'))),
  available: Type.Optional(Code(AVAILABLE_FILTER)),
  ...Paging,
});
export type ExpertQuery = Static<typeof ExpertQuery>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ExpertSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String({ description: 'The profile page on this platform' }),
  isDemo: Type.Boolean({ description: 'A fictional person of the demo data set' }),
  name: Nullable(Type.String()),
  about: Nullable(Type.String()),
  themes: Nullable(Type.Array(Type.String())),
  cmmDimensions: Nullable(Type.Array(Type.String())),
  languages: Nullable(Type.Array(Type.String())),
  regions: Nullable(Type.Array(Type.String())),
  countries: Nullable(Type.Array(Type.String())),
  stakeholderGroup: Nullable(Type.String()),
  organisation: Nullable(
    Type.Object({
      id: Nullable(Type.String()),
      slug: Nullable(Type.String()),
      name: Type.String(),
    }),
  ),
  availableFor: Nullable(Type.Array(Type.String())),
  availabilityNote: Nullable(Type.String()),
  links: Nullable(
    Type.Array(Type.Object({ kind: Type.String(), label: Type.String(), href: Type.String() })),
  ),
  updatedAt: Type.String({ format: 'date-time' }),
});
