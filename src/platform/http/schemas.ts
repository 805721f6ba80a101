import { Type, type TProperties, type TSchema } from 'typebox';

/** A query string schema that refuses unknown parameters (the API answers 400 naming them). */
export function Query<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** A request body schema that refuses unknown fields. */
export function Body<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  },
  { $id: undefined },
);

/** The shape of every list the API answers. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

/** Standard error responses to document on a route. */
export const ProblemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  422: Problem,
  429: Problem,
};

export function problems(...statuses: Array<keyof typeof ProblemResponses>) {
  return Object.fromEntries(statuses.map((s) => [s, Problem]));
}
