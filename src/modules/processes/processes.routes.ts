import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import { ListOf, Problem, Query, problems } from '../../platform/http/schemas.ts';
import * as processes from './processes.service.ts';
import * as accreditation from './accreditation.service.ts';
import * as consultations from './consultations.service.ts';
import * as s from './processes.schemas.ts';
import { csrfAfterParsing, filesOf } from './uploads.ts';
import type { Outcome } from './processes.ts';

type Params<T extends TSchema> = Static<T>;

/** Comments arrive as JSON `comments: [{paragraph, text}]` or as form fields `paragraph-N`. */
export function submissionFields(body: Record<string, unknown>) {
  const comments: Array<{ paragraph: number; text: string }> = Array.isArray(body.comments)
    ? (body.comments as Array<{ paragraph: number; text: string }>)
    : [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const match = /^paragraph-(\d{1,4})$/.exec(key);
    if (match) {
      if (typeof value === 'string' && value.trim())
        comments.push({ paragraph: Number(match[1]), text: value });
    } else if (key !== 'attachments' && key !== 'comments') {
      out[key] = value === '' && key === 'organisationId' ? null : value;
    }
  }
  if (comments.length) out.comments = comments;
  return out;
}

/** The JSON API of processes, accreditation, the register and consultations. */
export async function processesApi(app: FastifyInstance): Promise<void> {
  const tags = ['processes'];

  app.get(
    '/api/v1/processes',
    {
      schema: {
        tags,
        summary: 'Multistakeholder and intergovernmental processes, with stakeholder modalities',
        querystring: s.ProcessListQuery,
        response: { 200: ListOf(s.ProcessSchema), ...problems(400) },
      },
    },
    async (request) =>
      processes.listProcesses(request.ctx, request.query as Static<typeof s.ProcessListQuery>),
  );

  app.post(
    '/api/v1/processes',
    {
      schema: {
        tags,
        summary: 'Create a process (its secretariat)',
        body: processes.NewProcess,
        response: { 201: s.ProcessSchema, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await processes.createProcess(request.ctx, request.body);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/processes/:processId',
    {
      schema: {
        tags,
        summary: 'A process by id or slug',
        params: s.ProcessParams,
        querystring: Query({}),
        response: { 200: s.ProcessSchema, ...problems(400, 404) },
      },
    },
    async (request) =>
      processes.getProcess(
        request.ctx,
        (request.params as Params<typeof s.ProcessParams>).processId,
      ),
  );

  app.post(
    '/api/v1/processes/:processId/meetings',
    {
      schema: {
        tags,
        summary: 'Add a meeting (session) to a process (its secretariat)',
        params: s.ProcessParams,
        body: processes.NewMeeting,
        response: { 201: s.MeetingSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const process = await processes.getProcess(request.ctx, processId);
      return reply
        .status(201)
        .send(await processes.addMeeting(request.ctx, process.id, request.body));
    },
  );

  app.post(
    '/api/v1/processes/:processId/applications',
    {
      schema: {
        tags,
        summary:
          'Apply for accreditation on behalf of an organisation you represent (role organisation-rep)',
        description:
          'The statement and expertise are published in the transparency register; contacts are seen only by the secretariat. Rate limited per member (429 with Retry-After).',
        params: s.ProcessParams,
        body: accreditation.ApplicationInput,
        response: {
          201: s.PublicApplicationSchema,
          ...problems(400, 401, 403, 404, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const created = await accreditation.applyForAccreditation(
        request.ctx,
        processId,
        request.body,
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/processes/:processId/applications',
    {
      schema: {
        tags,
        summary: 'Applications to review (focal points of member states, the secretariat)',
        description:
          'What each reader sees follows the process’s disclosure policy: contacts for the secretariat only; a delegation sees its own objections.',
        params: s.ProcessParams,
        querystring: s.ReviewQuery,
        response: { 200: ListOf(s.ReviewApplicationSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const { status } = request.query as { status?: Outcome };
      const { items } = await accreditation.listForReview(request.ctx, processId, { status });
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );

  app.post(
    '/api/v1/processes/:processId/applications/:applicationId/objections',
    {
      schema: {
        tags,
        summary: 'Object to an application for your member state, while the period runs',
        params: s.ApplicationParams,
        body: accreditation.ObjectionInput,
        response: { 201: s.ReviewApplicationSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { processId, applicationId } = request.params as Params<typeof s.ApplicationParams>;
      const item = await accreditation.objectToApplication(
        request.ctx,
        processId,
        applicationId,
        request.body,
      );
      return reply.status(201).send(item);
    },
  );

  app.delete(
    '/api/v1/processes/:processId/applications/:applicationId/objections',
    {
      schema: {
        tags,
        summary: 'Withdraw your member state’s objection, while the period runs',
        params: s.ApplicationParams,
        response: { 200: s.ReviewApplicationSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { processId, applicationId } = request.params as Params<typeof s.ApplicationParams>;
      return accreditation.withdrawObjection(request.ctx, processId, applicationId);
    },
  );

  app.get(
    '/api/v1/processes/:processId/register',
    {
      schema: {
        tags,
        summary:
          'The transparency register: every application, its outcome and dates, objections as the policy allows, inclusion statistics',
        params: s.ProcessParams,
        querystring: s.RegisterQuery,
        response: { 200: s.RegisterSchema, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const register = await accreditation.getRegister(
        request.ctx,
        processId,
        request.query as Static<typeof s.RegisterQuery>,
      );
      return {
        ...register,
        process: {
          id: register.process.id,
          slug: register.process.slug,
          name: register.process.name,
          disclosure: register.process.disclosure,
        },
      };
    },
  );

  app.get(
    '/api/v1/processes/:processId/delegations',
    {
      schema: {
        tags,
        summary: 'Focal points and the member states they speak for (the secretariat)',
        params: s.ProcessParams,
        querystring: Query({}),
        response: { 200: ListOf(s.DelegationSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const process = await processes.getProcess(request.ctx, processId);
      const items = await processes.listDelegations(request.ctx, process.id);
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );

  app.post(
    '/api/v1/processes/:processId/delegations',
    {
      schema: {
        tags,
        summary: 'Name a focal point for a member state (grants the process-scoped role)',
        params: s.ProcessParams,
        body: processes.DelegationInput,
        response: {
          201: Type.Object({ ok: Type.Boolean() }),
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const process = await processes.getProcess(request.ctx, processId);
      await processes.setDelegation(request.ctx, process.id, request.body);
      return reply.status(201).send({ ok: true });
    },
  );

  app.delete(
    '/api/v1/processes/:processId/delegations/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a focal point’s delegation',
        params: s.DelegationParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { processId, userId } = request.params as Params<typeof s.DelegationParams>;
      const process = await processes.getProcess(request.ctx, processId);
      await processes.removeDelegation(request.ctx, process.id, userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/processes/:processId/consultations',
    {
      schema: {
        tags,
        summary: 'Consultations a process has opened',
        params: s.ProcessParams,
        querystring: Query({}),
        response: { 200: ListOf(s.ConsultationSummarySchema), ...problems(400, 404) },
      },
    },
    async (request) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const items = await consultations.consultationsOfProcess(request.ctx, processId);
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );

  app.post(
    '/api/v1/processes/:processId/consultations',
    {
      schema: {
        tags,
        summary: 'Open a consultation on a draft or on questions (the secretariat)',
        params: s.ProcessParams,
        body: consultations.NewConsultation,
        response: { 201: s.ConsultationSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { processId } = request.params as Params<typeof s.ProcessParams>;
      const created = await consultations.createConsultation(request.ctx, processId, request.body);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/consultations/:consultationId',
    {
      schema: {
        tags,
        summary: 'A consultation: its draft or questions, times and who may submit',
        params: s.ConsultationParams,
        querystring: Query({}),
        response: { 200: s.ConsultationSchema, ...problems(400, 404) },
      },
    },
    async (request) =>
      consultations.getConsultation(
        request.ctx,
        (request.params as Params<typeof s.ConsultationParams>).consultationId,
      ),
  );

  app.post(
    '/api/v1/consultations/:consultationId/submissions',
    {
      config: { csrf: false },
      preValidation: csrfAfterParsing,
      schema: {
        tags,
        summary: 'Submit written input, comments on paragraphs and attachments',
        description:
          'JSON `{organisationId?, text?, comments?: [{paragraph, text}]}`, or multipart/form-data with the fields `organisationId`, `text`, `paragraph-N` (a comment on paragraph N) and up to 3 files `attachments` (PDF, DOCX or ODT, judged by content; 5 MB each). Answers a receipt: the SHA-256 of the canonical submission document. A late or second submission is refused (409) and the earlier one kept. Rate limited per member (429 with Retry-After).',
        consumes: ['application/json', 'multipart/form-data'],
        params: s.ConsultationParams,
        response: {
          201: s.SubmissionReceiptSchema,
          ...problems(400, 401, 403, 404, 409, 422, 429),
          413: Problem,
          415: Problem,
        },
      },
    },
    async (request, reply) => {
      const { consultationId } = request.params as Params<typeof s.ConsultationParams>;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const receipt = await consultations.submitToConsultation(
        request.ctx,
        consultationId,
        submissionFields(body),
        filesOf(body, 'attachments'),
      );
      return reply.status(201).send({
        ...receipt,
        verifyUrl: `${request.server.deps.config.baseUrl}/receipts/${receipt.receipt}`,
      });
    },
  );

  app.get(
    '/api/v1/consultations/:consultationId/submissions',
    {
      schema: {
        tags,
        summary: 'The compilation of submissions (published once the consultation has closed)',
        params: s.ConsultationParams,
        querystring: Query({}),
        response: { 200: s.CompilationSchema, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { consultationId } = request.params as Params<typeof s.ConsultationParams>;
      const compilation = await consultations.getCompilation(request.ctx, consultationId);
      const base = request.server.deps.config.baseUrl;
      const c = compilation.consultation;
      return {
        consultation: { id: c.id, slug: c.slug, title: c.title },
        published: compilation.published,
        items: compilation.items.map((item) => ({
          ...item,
          attachments: item.attachments.map((a) => ({
            ...a,
            url: `${base}/consultations/${c.slug}/attachments/${a.id}`,
          })),
        })),
        total: compilation.items.length,
        page: 1,
        pageSize: compilation.items.length,
      };
    },
  );

  app.get(
    '/api/v1/receipts/:receipt',
    {
      schema: {
        tags,
        summary: 'Verify a submission receipt against what is stored now',
        params: s.ReceiptParams,
        querystring: Query({}),
        response: { 200: s.ReceiptCheckSchema, ...problems(400, 404, 422) },
      },
    },
    async (request) =>
      consultations.verifyReceipt(
        request.ctx,
        (request.params as Params<typeof s.ReceiptParams>).receipt,
      ),
  );
}
