import { Type } from 'typebox';

const Frequency = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('off')]);

/** The "save this search" form. */
export const SaveSearchBody = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 60 }),
    query: Type.Optional(Type.String({ maxLength: 1000 })),
    alertLabel: Type.Optional(Type.String({ maxLength: 120 })),
    alertFrequency: Frequency,
  },
  { additionalProperties: false },
);

/** A saved search's row on /account/alerts. */
export const UpdateSavedSearchBody = Type.Object(
  { alertFrequency: Frequency, alertLabel: Type.Optional(Type.String({ maxLength: 120 })) },
  { additionalProperties: false },
);

export const CalendarActionBody = Type.Object(
  { action: Type.Union([Type.Literal('reset'), Type.Literal('revoke')]) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
