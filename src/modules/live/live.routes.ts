import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { ListOf, problems } from '../../platform/http/schemas.ts';
import * as service from './live.service.ts';
import type { LiveHub } from './live.stream.ts';
import {
  AskBody,
  BackstageBody,
  BackstageSchema,
  CreateSessionBody,
  EventsQuery,
  JoinBody,
  ListQuery,
  ModerationBody,
  ParticipantSchema,
  QuestionParams,
  QuestionSchema,
  ReportSchema,
  RevealBody,
  RevealResult,
  SessionParams,
  SessionSchema,
  SettingsBody,
  SummarySchema,
  TurnBody,
  TurnResult,
  VoteBody,
  VoteResult,
  FiguresSchema,
} from './live.schemas.ts';

/** The participant cookie: a random token (stored hashed) naming this browser in live sessions. */
export const PARTICIPANT_COOKIE = 'cc_live';

export function participantRef(request: FastifyRequest): service.ParticipantRef {
  return { token: request.cookies[PARTICIPANT_COOKIE] ?? null };
}

export function keepParticipantToken(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | null,
): void {
  if (!token) return;
  // Later reads in this request see it too (e.g. joining and asking in one call).
  request.cookies[PARTICIPANT_COOKIE] = token;
  void reply.setCookie(PARTICIPANT_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.server.deps.config.secureCookies,
    maxAge: 60 * 60 * 24 * 30,
  });
}

type Params = { sessionId: string };
type QParams = Params & { questionId: string };

const TAGS = ['live'];

export function liveApiRoutes(hub: LiveHub) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      '/api/v1/live',
      {
        schema: {
          tags: TAGS,
          summary: 'Open a live session for one session of an event (event organisers)',
          body: CreateSessionBody,
          response: { 201: SessionSchema, ...problems(400, 401, 403, 422) },
        },
      },
      async (request, reply) => {
        const body = request.body as service.NewLiveSession;
        const session = await service.createLiveSession(request.ctx, body);
        return reply.status(201).send(session);
      },
    );

    app.get(
      '/api/v1/live/:sessionId',
      {
        schema: {
          tags: TAGS,
          summary: 'A live session: title, times, settings, speakers and stream position',
          params: SessionParams,
          response: { 200: SessionSchema, ...problems(400, 404) },
        },
      },
      async (request) => service.getLiveSession(request.ctx, (request.params as Params).sessionId),
    );

    app.get(
      '/api/v1/live/:sessionId/events',
      {
        schema: {
          tags: TAGS,
          summary:
            'Server-sent events of a live session. Ids are the session sequence: reconnect with Last-Event-ID (or ?after=N) to replay everything after it.',
          params: SessionParams,
          querystring: EventsQuery,
          response: {
            200: {
              description:
                'text/event-stream: events question, question-removed, vote, state (everybody); backstage, turn (moderators); comment lines as heartbeats',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
            ...problems(400, 404),
          },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params as Params;
        const query = request.query as { after?: number };
        const access = await service.streamAccess(request.ctx, sessionId, participantRef(request));
        const header = request.headers['last-event-id'];
        let after = query.after ?? 0;
        if (typeof header === 'string' && header !== '') {
          if (!/^\d{1,15}$/.test(header)) {
            throw new AppError('bad_request', 'Last-Event-ID must be an event id of this stream.');
          }
          after = Number(header);
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
          'x-request-id': String(request.id),
          connection: 'keep-alive',
        });
        res.write('retry: 2000\n: connected\n\n');
        let detach: (() => void) | null = null;
        let gone = false;
        res.on('close', () => {
          gone = true;
          detach?.();
        });
        detach = await hub.attach(access, after, {
          write: (chunk) => res.write(chunk),
          queued: () => res.writableLength,
          end: () => res.end(),
        });
        if (gone) detach();
      },
    );

    app.get(
      '/api/v1/live/:sessionId/questions',
      {
        schema: {
          tags: TAGS,
          summary:
            'Questions in list order: published ones for everybody; all=true gives moderators every question',
          params: SessionParams,
          querystring: ListQuery,
          response: { 200: ListOf(QuestionSchema), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { sessionId } = request.params as Params;
        const { all } = request.query as { all?: boolean };
        const items = await service.listQuestions(request.ctx, sessionId, { all });
        return { items, total: items.length, page: 1, pageSize: Math.max(items.length, 1) };
      },
    );

    app.post(
      '/api/v1/live/:sessionId/participants',
      {
        schema: {
          tags: TAGS,
          summary: 'Join (or re-join) as someone in the room or remote; keeps a participant cookie',
          params: SessionParams,
          body: JoinBody,
          response: { 200: ParticipantSchema, ...problems(400, 403, 404, 422) },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params as Params;
        const body = request.body as { origin: string; name?: string };
        const { participant, token } = await service.joinSession(
          request.ctx,
          sessionId,
          participantRef(request),
          body,
        );
        keepParticipantToken(request, reply, token);
        return { origin: participant.origin, displayName: participant.displayName };
      },
    );

    app.post(
      '/api/v1/live/:sessionId/questions',
      {
        schema: {
          tags: TAGS,
          summary:
            'Ask a question, with a name or anonymously (give origin to join on the way); 429 past the rate limit',
          params: SessionParams,
          body: AskBody,
          response: { 201: QuestionSchema, ...problems(400, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params as Params;
        const body = request.body as {
          text: string;
          anonymous?: boolean;
          name?: string;
          origin?: string;
        };
        let ref = participantRef(request);
        if (body.origin && !(await service.findParticipant(request.ctx, sessionId, ref))) {
          const joined = await service.joinSession(request.ctx, sessionId, ref, {
            origin: body.origin,
          });
          keepParticipantToken(request, reply, joined.token);
          ref = participantRef(request);
        }
        const question = await service.askQuestion(request.ctx, sessionId, ref, body);
        return reply.status(201).send(question);
      },
    );

    app.post(
      '/api/v1/live/:sessionId/questions/:questionId/votes',
      {
        schema: {
          tags: TAGS,
          summary: 'Vote for a question (once per participant)',
          params: QuestionParams,
          body: Type.Optional(VoteBody),
          response: { 201: VoteResult, ...problems(400, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const { sessionId, questionId } = request.params as QParams;
        const result = await service.voteQuestion(
          request.ctx,
          sessionId,
          questionId,
          participantRef(request),
        );
        return reply.status(201).send(result);
      },
    );

    app.post(
      '/api/v1/live/:sessionId/questions/:questionId/moderation',
      {
        schema: {
          tags: TAGS,
          summary:
            'Moderate a question: approve, hide (with a reason), pin, unpin, answer, merge (into another)',
          params: QuestionParams,
          body: ModerationBody,
          response: { 200: QuestionSchema, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const { sessionId, questionId } = request.params as QParams;
        return service.moderateQuestion(
          request.ctx,
          sessionId,
          questionId,
          request.body as service.ModerationInput,
        );
      },
    );

    app.post(
      '/api/v1/live/:sessionId/questions/:questionId/reveal',
      {
        schema: {
          tags: TAGS,
          summary: 'Who asked an anonymous question (moderators; audited, with a reason)',
          params: QuestionParams,
          body: RevealBody,
          response: { 200: RevealResult, ...problems(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { sessionId, questionId } = request.params as QParams;
        return service.revealAuthor(
          request.ctx,
          sessionId,
          questionId,
          request.body as { reason: string },
        );
      },
    );

    app.post(
      '/api/v1/live/:sessionId/settings',
      {
        schema: {
          tags: TAGS,
          summary: 'Switch the moderation queue or the remote segment; open or close the session',
          params: SessionParams,
          body: SettingsBody,
          response: { 200: SessionSchema, ...problems(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { sessionId } = request.params as Params;
        return service.updateSettings(
          request.ctx,
          sessionId,
          request.body as service.SettingsChange,
        );
      },
    );

    app.post(
      '/api/v1/live/:sessionId/backstage',
      {
        schema: {
          tags: TAGS,
          summary: "A message from the remote moderator to the room's moderator",
          params: SessionParams,
          body: BackstageBody,
          response: { 201: BackstageSchema, ...problems(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params as Params;
        const message = await service.postBackstage(
          request.ctx,
          sessionId,
          request.body as { body: string },
        );
        return reply.status(201).send(message);
      },
    );

    app.post(
      '/api/v1/live/:sessionId/turns',
      {
        schema: {
          tags: TAGS,
          summary:
            'Start a speaker\u2019s turn (ending the current one), or end it if they are speaking. speaker: a speaker id, floor:room or floor:remote',
          params: SessionParams,
          body: TurnBody,
          response: { 200: TurnResult, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const { sessionId } = request.params as Params;
        return service.toggleTurn(
          request.ctx,
          sessionId,
          (request.body as { speaker: string }).speaker,
        );
      },
    );

    app.get(
      '/api/v1/live/:sessionId/speaking-time',
      {
        schema: {
          tags: TAGS,
          summary: 'Speaking time per person, per stakeholder group, room and remote (moderators)',
          params: SessionParams,
          response: { 200: FiguresSchema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) =>
        service.speakingTimeFigures(request.ctx, (request.params as Params).sessionId),
    );

    app.get(
      '/api/v1/live/:sessionId/summary',
      {
        schema: {
          tags: TAGS,
          summary:
            'The public moderation summary once the session is closed: questions from the room and remote, answered, hidden and why',
          params: SessionParams,
          response: { 200: SummarySchema, ...problems(400, 404, 409) },
        },
      },
      async (request) =>
        service.moderationSummary(request.ctx, (request.params as Params).sessionId),
    );

    app.get(
      '/api/v1/live/:sessionId/report',
      {
        schema: {
          tags: TAGS,
          summary: "Questions, answers and speaking-time figures for the rapporteur's report",
          params: SessionParams,
          response: { 200: ReportSchema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) =>
        service.exportSessionFigures(request.ctx, (request.params as Params).sessionId),
    );
  };
}
