import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Body, ListOf, Paging, Query, problems } from '../../platform/http/schemas.ts';
import * as events from './events.service.ts';
import * as proposals from './proposals.service.ts';
import * as schedule from './schedule.service.ts';
import * as similar from './similar.service.ts';
import { eventJson, proposalJson } from './events.present.ts';
import { MergeSuggestionInput, ProposalInput } from './events.schemas.ts';

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });

const CallSchema = Type.Object({
  id: Str,
  title: Str,
  description: Str,
  opensAt: Str,
  closesAt: Str,
  state: Type.Union([Type.Literal('upcoming'), Type.Literal('open'), Type.Literal('closed')]),
  reviewsPerProposal: Type.Integer(),
  formats: Type.Array(Type.Object({ code: Str, minutes: Type.Integer() })),
  criteria: Type.Record(Str, Type.Unknown()),
  screening: Type.Record(Str, Type.Unknown()),
  reviewCriteria: Type.Array(Type.Object({ code: Str, weight: Type.Number() })),
});

const EventSchema = Type.Object({
  id: Str,
  slug: Str,
  name: Str,
  place: Str,
  description: Str,
  startsOn: Str,
  endsOn: Str,
  timeZone: Str,
  isDemo: Type.Boolean(),
  rooms: Type.Array(
    Type.Object({ id: Str, name: Str, capacity: Type.Union([Type.Integer(), Type.Null()]) }),
  ),
  calls: Type.Array(CallSchema),
});

const SessionSchema = Type.Object({
  id: Str,
  title: Str,
  description: Str,
  format: NullStr,
  themes: Type.Array(Str),
  room: NullStr,
  startsAt: Str,
  endsAt: Str,
  speakers: Type.Array(
    Type.Object({ name: Str, organisation: Str, stakeholderGroup: NullStr, role: Str }),
  ),
  reportPublished: Type.Boolean(),
});

const ProposalSchema = Type.Object({
  id: Str,
  callId: Str,
  status: Str,
  title: Str,
  format: NullStr,
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
  content: Str,
  relevance: Str,
  policyQuestion: Str,
  tags: Type.Array(Str),
  onlinePlan: Str,
  facilitationPlan: Str,
  previousWorkshop: Type.Boolean(),
  previousReportUrl: NullStr,
  decision: NullStr,
  submittedAt: NullStr,
  withdrawnAt: NullStr,
  updatedAt: Str,
  people: Type.Array(
    Type.Object({
      id: Str,
      role: Str,
      name: Str,
      email: NullStr,
      organisation: Str,
      stakeholderGroup: NullStr,
      country: NullStr,
      onsite: Type.Boolean(),
      status: Str,
    }),
  ),
});

const Check = Type.Object({
  code: Str,
  status: Type.Union([Type.Literal('met'), Type.Literal('missing'), Type.Literal('withheld')]),
  need: Type.Integer(),
  have: Type.Union([Type.Integer(), Type.Null()]),
});

const DiversitySchema = Type.Object({
  proposalId: Str,
  panelSize: Type.Integer(),
  stakeholderGroups: Type.Array(Str),
  regionalGroups: Type.Array(Str),
  developingCountryPeople: Type.Integer(),
  declared: Type.Integer(),
  distinctGenders: Type.Union([Type.Integer(), Type.Null()]),
  firstTime: Type.Union([Type.Integer(), Type.Null()]),
  checklist: Type.Array(Check),
  complete: Type.Boolean(),
  privacyNote: Str,
});

const ProposalRef = Type.Object({ id: Str, title: Str });
const SimilarPairSchema = Type.Object({
  a: ProposalRef,
  b: ProposalRef,
  similarity: Type.Number(),
  sharedTerms: Type.Array(Str),
  mergeSuggestedAt: NullStr,
});

export async function eventsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events (forums, conferences) with their calls for proposals',
        querystring: Query({ ...Paging }),
        response: { 200: ListOf(EventSchema), ...problems(400) },
      },
    },
    async (request) => {
      const q = request.query as { page?: number; pageSize?: number };
      const list = await events.listEvents(request.ctx, q.page ?? 1, q.pageSize ?? 20);
      const now = request.ctx.clock.now();
      return { ...list, items: list.items.map((e) => eventJson(e, now)) };
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One event, by id or slug, with rooms and calls',
        params: Id,
        querystring: Query({}),
        response: { 200: EventSchema, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return eventJson(await events.getEvent(request.ctx, id), request.ctx.clock.now());
    },
  );

  app.get(
    '/api/v1/events/:id/programme',
    {
      schema: {
        tags: ['events'],
        summary:
          'The public programme: scheduled sessions (times are instants; the event gives its time zone)',
        params: Id,
        querystring: Query({
          day: Type.Optional(Type.String({ format: 'date' })),
          room: Type.Optional(Type.String({ format: 'uuid' })),
          theme: Type.Optional(Type.String({ maxLength: 60 })),
        }),
        response: {
          200: Type.Object({
            event: Type.Object({ id: Str, slug: Str, name: Str, timeZone: Str }),
            days: Type.Array(Type.Object({ day: Str, sessions: Type.Array(SessionSchema) })),
          }),
          ...problems(400, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const p = await schedule.programme(
        request.ctx,
        id,
        request.query as schedule.ProgrammeFilters,
      );
      return {
        event: {
          id: p.event.id,
          slug: p.event.slug,
          name: p.event.name,
          timeZone: p.event.timeZone,
        },
        days: p.days.map((d) => ({
          day: d.day,
          sessions: d.sessions.map((s) => ({
            id: s.id,
            title: s.title,
            description: s.description,
            format: s.format,
            themes: s.themes,
            room: s.room,
            startsAt: s.startsAt!.toISOString(),
            endsAt: s.endsAt!.toISOString(),
            speakers: s.people,
            reportPublished: !!s.report?.filedAt,
          })),
        })),
      };
    },
  );

  app.post(
    '/api/v1/calls/:id/proposals',
    {
      schema: {
        tags: ['events'],
        summary: 'Create a proposal in a call: a draft, or submitted with "submit": true',
        params: Id,
        body: ProposalInput,
        response: { 201: ProposalSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const proposal = await proposals.saveProposal(request.ctx, { callId: id }, request.body);
      return reply.status(201).send(proposalJson(proposal, { showDecision: false }));
    },
  );

  app.get(
    '/api/v1/proposals/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One proposal (its proposer and the event organisers)',
        params: Id,
        querystring: Query({}),
        response: { 200: ProposalSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { proposal, access } = await proposals.proposalScreening(request.ctx, id);
      return proposalJson(proposal, {
        showDecision: access === 'organiser' || proposal.decisionStatus === 'released',
      });
    },
  );

  app.put(
    '/api/v1/proposals/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'Update a proposal until the deadline (send every field; "submit": true submits)',
        params: Id,
        body: ProposalInput,
        response: { 200: ProposalSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const proposal = await proposals.saveProposal(request.ctx, { proposalId: id }, request.body);
      return proposalJson(proposal, { showDecision: false });
    },
  );

  app.post(
    '/api/v1/proposals/:id/withdraw',
    {
      schema: {
        tags: ['events'],
        summary: 'Withdraw a proposal (allowed at any time)',
        params: Id,
        body: Type.Optional(Body({})),
        response: { 200: ProposalSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return proposalJson(await proposals.withdrawProposal(request.ctx, id), {
        showDecision: false,
      });
    },
  );

  app.get(
    '/api/v1/proposals/:id/diversity',
    {
      schema: {
        tags: ['events'],
        summary:
          'Panel diversity against the call’s criteria: distinct groups and a checklist; self-declared attributes only as counts of 5 or more people',
        params: Id,
        querystring: Query({}),
        response: { 200: DiversitySchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { assessment } = await proposals.proposalDiversity(request.ctx, id);
      return {
        proposalId: id,
        ...assessment,
        privacyNote:
          'Gender and first-time speaking are declared by each person, privately; they are counted only when at least 5 people have declared.',
      };
    },
  );

  app.get(
    '/api/v1/proposals/:id/screening',
    {
      schema: {
        tags: ['events'],
        summary: 'Screening outcomes of a proposal, each explained',
        params: Id,
        querystring: Query({}),
        response: {
          200: Type.Object({
            passed: Type.Boolean(),
            blocked: Type.Boolean(),
            outcomes: Type.Array(
              Type.Object({
                rule: Str,
                outcome: Str,
                missing: Type.Optional(Type.Array(Str)),
                have: Type.Optional(Type.Integer()),
                need: Type.Optional(Type.Integer()),
              }),
            ),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { screening } = await proposals.proposalScreening(request.ctx, id);
      const outcomes = screening.outcomes.map((o) =>
        o.rule === 'genderDiversity' && !screening.genderDisclosed
          ? { ...o, outcome: 'withheld' }
          : o,
      );
      return { passed: screening.passed, blocked: screening.blocked, outcomes };
    },
  );

  app.get(
    '/api/v1/calls/:id/similar-proposals',
    {
      schema: {
        tags: ['events'],
        summary:
          'Pairs of similar submitted proposals in a call (organisers): text similarity as in the registry’s overlap analysis, with the words they share',
        params: Id,
        querystring: Query({ ...Paging }),
        response: { 200: ListOf(SimilarPairSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = request.query as { page?: number; pageSize?: number };
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      const { pairs } = await similar.similarPairsOfCall(request.ctx, id);
      return {
        items: pairs.slice((page - 1) * pageSize, page * pageSize).map((p) => ({
          ...p,
          similarity: Math.round(p.similarity * 1000) / 1000,
          mergeSuggestedAt: p.mergeSuggestedAt?.toISOString() ?? null,
        })),
        total: pairs.length,
        page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/v1/proposals/:id/merge-suggestions',
    {
      schema: {
        tags: ['events'],
        summary:
          'Suggest to the proposers of two similar proposals that they merge (organisers; both are told by mail)',
        params: Id,
        body: MergeSuggestionInput,
        response: {
          201: Type.Object({
            a: Str,
            b: Str,
            suggestedAt: Str,
            notified: Type.Integer(),
          }),
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const done = await similar.suggestMerge(request.ctx, id, request.body);
      return reply.status(201).send({ ...done, suggestedAt: done.suggestedAt.toISOString() });
    },
  );
}
