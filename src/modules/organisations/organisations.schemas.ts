import { Type } from 'typebox';
import { Paging, Query } from '../../platform/http/schemas.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const OrganisationSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  acronym: Nullable(Type.String()),
  stakeholderGroup: Type.String(),
  kind: Type.String(),
  country: Nullable(Type.String()),
  website: Nullable(Type.String()),
  description: Type.String(),
  ecosocStatus: Type.Boolean(),
  memberStates: Type.Array(Type.String()),
});

export const OrganisationListQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  stakeholderGroup: Type.Optional(Type.String({ maxLength: 40 })),
  kind: Type.Optional(Type.String({ maxLength: 40 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  memberState: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  ...Paging,
});
