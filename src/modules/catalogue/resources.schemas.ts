/** TypeBox schemas of the catalogue API (they validate requests and document /openapi.json). */
import { Type } from 'typebox';
import { Body, Paging, Query } from '../../platform/http/schemas.ts';
import {
  AUDIENCES,
  COSTS,
  FORMATS,
  KINDS,
  LEVELS,
  REGIONS,
  REGISTRATIONS,
  STATUSES,
  THEMES,
} from './resources.ts';
import { SORTS } from './search-params.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const list = (description: string) =>
  Type.Optional(
    Type.Array(Type.String({ maxLength: 400 }), {
      maxItems: 30,
      description: `${description} Several values: comma-separated or repeated; any of them matches.`,
    }),
  );

/** The search parameters of CONTRACT.md; values are checked again by the service. */
export const SearchQuery = Query({
  q: Type.Optional(
    Type.String({ maxLength: 200, description: 'Free text, in any language; "quotes", or, -not.' }),
  ),
  kind: list(`Kinds: ${KINDS.join(', ')}.`),
  theme: list(`Themes: ${THEMES.join(', ')}.`),
  audience: list(`Audiences: ${AUDIENCES.join(', ')}.`),
  level: list(`Levels: ${LEVELS.join(', ')}.`),
  format: list(`Formats: ${FORMATS.join(', ')}.`),
  cost: list(`Costs: ${COSTS.join(', ')} (e.g. "free,scholarships").`),
  language: list('ISO 639-1 codes of the languages a resource is offered in.'),
  region: list(`UN M49 regions: ${REGIONS.join(', ')}.`),
  country: list('ISO 3166-1 alpha-2 codes; resources naming the country or its region.'),
  maxHours: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 10000, description: 'At most this many hours.' }),
  ),
  enrolmentOpen: Type.Optional(
    Type.Boolean({ description: 'Only what one can still enrol in (deadline not passed).' }),
  ),
  sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))),
  ...Paging,
});

const ProviderSchema = Type.Object({ name: Type.String(), organisation: Nullable(Type.String()) });

export const ResourceItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  path: Type.String(),
  externalId: Nullable(Type.String()),
  status: Type.Union(STATUSES.map((s) => Type.Literal(s))),
  kind: Type.String(),
  title: Type.String({ description: "In the reader's language when available." }),
  titleLanguage: Nullable(Type.String()),
  summary: Type.String(),
  texts: Type.Record(
    Type.String(),
    Type.Object({ title: Nullable(Type.String()), summary: Nullable(Type.String()) }),
    { description: 'Title and summary in every language given.' },
  ),
  description: Type.String({ description: 'Markdown.' }),
  url: Type.String(),
  providers: Type.Array(ProviderSchema),
  themes: Type.Array(Type.String()),
  audiences: Type.Array(Type.String()),
  level: Nullable(Type.String()),
  format: Type.String(),
  registration: Type.String(),
  cost: Type.String(),
  price: Nullable(Type.Number()),
  currency: Nullable(Type.String()),
  eligibility: Nullable(Type.String()),
  durationHours: Nullable(Type.Number()),
  languages: Type.Array(Type.String()),
  regions: Type.Array(Type.String()),
  countries: Type.Array(Type.String()),
  startsOn: Nullable(Type.String({ format: 'date' })),
  endsOn: Nullable(Type.String({ format: 'date' })),
  enrolBy: Nullable(Type.String({ format: 'date' })),
  certificate: Type.Boolean(),
  accessibility: Nullable(Type.String()),
  verifiedAt: Nullable(Type.String({ format: 'date' })),
  linkStatus: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  highlight: Type.Optional(
    Nullable(
      Type.String({ description: 'HTML: the passage matching the query, matches in <mark>.' }),
    ),
  ),
});

export const Facets = Type.Record(
  Type.String(),
  Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  { description: 'For each filter, the count of each value given the other filters.' },
);

export const SearchResponse = Type.Object({
  items: Type.Array(ResourceItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  facets: Facets,
  correctedQuery: Nullable(
    Type.String({ description: 'The spelling searched for when the query found nothing.' }),
  ),
});

const texts = (max: number) =>
  Type.Record(Type.String({ pattern: '^[a-z]{2}$' }), Type.String({ maxLength: max }), {
    description: 'Texts by ISO 639-1 language code, e.g. {"en": "…", "fr": "…"}.',
  });
const codes = (values: readonly string[]) =>
  Type.Array(Type.Union(values.map((v) => Type.Literal(v))), { maxItems: 20 });

/** Resource fields (all optional here: POST requires some, checked by the service). */
const resourceFields = {
  externalId: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
  slug: Type.Optional(Nullable(Type.String({ maxLength: 80 }))),
  kind: Type.Optional(Type.Union(KINDS.map((v) => Type.Literal(v)))),
  title: Type.Optional(texts(300)),
  summary: Type.Optional(texts(1000)),
  description: Type.Optional(Type.String({ maxLength: 20000, description: 'Markdown.' })),
  descriptionLanguage: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  url: Type.Optional(Type.String({ maxLength: 2000, format: 'uri' })),
  providers: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
  themes: Type.Optional(codes(THEMES)),
  audiences: Type.Optional(codes(AUDIENCES)),
  level: Type.Optional(Nullable(Type.Union(LEVELS.map((v) => Type.Literal(v))))),
  format: Type.Optional(Type.Union(FORMATS.map((v) => Type.Literal(v)))),
  registration: Type.Optional(Type.Union(REGISTRATIONS.map((v) => Type.Literal(v)))),
  cost: Type.Optional(Type.Union(COSTS.map((v) => Type.Literal(v)))),
  price: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  currency: Type.Optional(Nullable(Type.String({ maxLength: 3 }))),
  eligibility: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  durationHours: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 10000 }))),
  languages: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 30 })),
  regions: Type.Optional(codes(REGIONS)),
  countries: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 250 })),
  startsOn: Type.Optional(Nullable(Type.String({ format: 'date' }))),
  endsOn: Type.Optional(Nullable(Type.String({ format: 'date' }))),
  enrolBy: Type.Optional(Nullable(Type.String({ format: 'date' }))),
  certificate: Type.Optional(Type.Boolean()),
  accessibility: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  verifiedAt: Type.Optional(Nullable(Type.String({ format: 'date' }))),
};

export const CreateBody = Body({
  ...resourceFields,
  organisationId: Type.Optional(
    Nullable(
      Type.String({
        format: 'uuid',
        description: 'The organisation submitting it (representatives must give theirs).',
      }),
    ),
  ),
  status: Type.Optional(
    Type.Union([Type.Literal('draft'), Type.Literal('submitted'), Type.Literal('published')], {
      description: 'Start as a draft (default), submitted for review, or published (editors).',
    }),
  ),
});

export const PatchBody = Body({
  ...resourceFields,
  status: Type.Optional(
    Type.Union(
      STATUSES.map((s) => Type.Literal(s)),
      {
        description:
          'Move through the workflow: submitted (submit), draft (withdraw), changes_requested, published, archived (editors).',
      },
    ),
  ),
  note: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Required when asking for changes.' }),
  ),
});

export const ImportQuery = Query({
  skipInvalid: Type.Optional(
    Type.Boolean({ description: 'Write the valid rows and report the others.' }),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('json'), Type.Literal('ndjson')], {
      description: 'Otherwise from the Content-Type.',
    }),
  ),
});

export const ImportReportSchema = Type.Object({
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer(),
  errors: Type.Array(
    Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() }),
  ),
});

export const IdParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'The id (or the slug).' }),
});
