import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { Query } from '../../platform/http/schemas.ts';
import { sendPage, viewFor } from '../../web/view.tsx';
import { errorsByField, type FormErrors } from '../../web/components/form.tsx';
import * as service from './live.service.ts';
import { zonedToUtc } from './live.ts';
import type { AskFormState } from './live.components.tsx';
import { keepParticipantToken, participantRef } from './live.routes.ts';
import {
  ConsoleView,
  CreateView,
  ParticipantPageView,
  PresenterView,
  SPEAKER_ROWS,
  SummaryView,
  shortLink,
  type CreateFormValues,
} from './live.views.tsx';

type Params = { sessionId: string };
type QParams = Params & { questionId: string };
type Form = Record<string, string | string[] | undefined>;

const PAGE = { config: { page: true }, schema: { hide: true } } as const;
const DONE = Query({ done: Type.Optional(Type.String({ maxLength: 40 })) });
const NOTICES = new Set([
  'joined',
  'voted',
  'asked',
  'asked-pending',
  'moderated',
  'settings',
  'backstage',
  'turn',
]);

function field(body: unknown, name: string): string {
  const value = (body as Form | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

function localPath(request: FastifyRequest, path: string): string {
  return request.localeInPath ? `/${request.locale}${path}` : path;
}

function redirect(request: FastifyRequest, reply: FastifyReply, path: string) {
  return reply.redirect(localPath(request, path), 303);
}

function noticeFor(request: FastifyRequest): string | null {
  const done = (request.query as { done?: string }).done;
  return done && NOTICES.has(done) ? request.t(`live.notice.${done}`) : null;
}

/** Errors a person can fix re-render the page; anything else goes to the error page. */
function isShowable(error: unknown): error is AppError {
  return isAppError(error) && [409, 422, 429].includes(error.status);
}

function formErrors(error: AppError): FormErrors {
  return error.errors.length ? errorsByField(error.errors) : { _form: error.message };
}

/** One line for forms whose fields carry per-question names. */
function flatErrors(error: AppError): FormErrors {
  return { _form: error.errors.map((e) => e.message).join(' ') || error.message };
}

async function renderParticipant(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  options: {
    status?: number;
    form?: Omit<AskFormState, 'errors'> & { errors?: FormErrors };
    joinErrors?: FormErrors;
    joinName?: string;
    notice?: string | null;
    noticeIsProblem?: boolean;
  } = {},
) {
  const { ctx } = request;
  const page = await service.participantPage(ctx, sessionId, participantRef(request));
  const summary =
    page.session.status === 'closed' ? await service.moderationSummary(ctx, page.session.id) : null;
  const defaultName =
    page.participant?.displayName ?? (request.actor.userId ? request.actor.label : '');
  const form: AskFormState = {
    text: options.form?.text ?? '',
    identity: options.form?.identity ?? (defaultName ? 'name' : 'anonymous'),
    name: options.form?.name ?? defaultName,
    errors: options.form?.errors ?? {},
  };
  return sendPage(
    request,
    reply,
    {
      title: page.session.title,
      description: request.t('live.description'),
      status: options.status ?? 200,
      canonical: `/live/${page.session.id}`,
    },
    <ParticipantPageView
      page={page}
      form={form}
      joinErrors={options.joinErrors ?? {}}
      joinName={options.joinName ?? ''}
      notice={options.notice ?? noticeFor(request)}
      noticeIsProblem={options.noticeIsProblem}
      summary={summary}
    />,
  );
}

async function renderConsole(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  options: {
    status?: number;
    errors?: FormErrors;
    revealed?: service.RevealedAuthor | null;
    backstageBody?: string;
  } = {},
) {
  const data = await service.consoleData(request.ctx, sessionId);
  return sendPage(
    request,
    reply,
    {
      title: request.t('live.console.title', { title: data.session.title }),
      status: options.status ?? 200,
    },
    <ConsoleView
      data={data}
      errors={options.errors ?? {}}
      notice={noticeFor(request)}
      revealed={options.revealed ?? null}
      backstageBody={options.backstageBody ?? ''}
    />,
  );
}

function timeZones(): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

const EMPTY_CREATE: CreateFormValues = {
  eventId: '',
  scheduledSessionId: '',
  title: '',
  startsAt: '',
  endsAt: '',
  timeZone: 'UTC',
  room: '',
  moderation: true,
  speakers: [],
};

/** Service error paths ("/speakers/0/name") → the form's field names ("speaker1Name"). */
function createFieldErrors(errors: FieldError[]): FormErrors {
  return errorsByField(
    errors.map((e) => {
      const m = /^\/speakers\/(\d+)\/(name|stakeholderGroup|origin)$/.exec(e.path);
      if (!m) return e;
      const n = Number(m[1]) + 1;
      const suffix = m[2] === 'name' ? 'Name' : m[2] === 'origin' ? 'Origin' : 'Group';
      return { path: `/speaker${n}${suffix}`, message: e.message };
    }),
  );
}

export async function livePages(app: FastifyInstance): Promise<void> {
  app.get('/l/:code', PAGE, async (request, reply) => {
    const id = await service.findSessionByCode(
      request.ctx,
      (request.params as { code: string }).code,
    );
    return redirect(request, reply, `/live/${id}`);
  });

  app.get(
    '/live/new',
    { ...PAGE, schema: { hide: true, querystring: Query({}) } },
    async (request, reply) => {
      if (!request.actor.userId)
        throw new AppError('unauthenticated', 'Please sign in to do this.');
      return sendPage(
        request,
        reply,
        { title: request.t('live.create.title') },
        <CreateView values={EMPTY_CREATE} errors={{}} timeZones={timeZones()} />,
      );
    },
  );

  app.post('/live/new', PAGE, async (request, reply) => {
    const body = request.body;
    const values: CreateFormValues = {
      eventId: field(body, 'eventId'),
      scheduledSessionId: field(body, 'scheduledSessionId'),
      title: field(body, 'title'),
      startsAt: field(body, 'startsAt'),
      endsAt: field(body, 'endsAt'),
      timeZone: field(body, 'timeZone') || 'UTC',
      room: field(body, 'room'),
      moderation: field(body, 'moderation') === 'on',
      speakers: Array.from({ length: SPEAKER_ROWS }, (_, i) => ({
        name: field(body, `speaker${i + 1}Name`),
        stakeholderGroup: field(body, `speaker${i + 1}Group`),
        origin: field(body, `speaker${i + 1}Origin`) || 'room',
        role: field(body, `speaker${i + 1}Role`) || 'panellist',
      })),
    };
    const errors: FieldError[] = [];
    const startsAt = values.startsAt ? zonedToUtc(values.startsAt, values.timeZone) : null;
    const endsAt = values.endsAt ? zonedToUtc(values.endsAt, values.timeZone) : null;
    if (values.startsAt && !startsAt)
      errors.push({ path: '/startsAt', message: 'Give a valid date and time.' });
    if (values.endsAt && !endsAt)
      errors.push({ path: '/endsAt', message: 'Give a valid date and time.' });
    const speakers = values.speakers.map((s, i) => ({ ...s, i })).filter((s) => s.name.trim());
    try {
      if (errors.length) throw AppError.validation(errors);
      const session = await service.createLiveSession(request.ctx, {
        eventId: values.eventId,
        scheduledSessionId: values.scheduledSessionId || null,
        title: values.title,
        startsAt,
        endsAt,
        timeZone: values.timeZone,
        room: values.room,
        moderation: values.moderation,
        speakers: speakers.map((s) => ({
          name: s.name,
          stakeholderGroup: s.stakeholderGroup,
          origin: s.origin === 'remote' ? 'remote' : 'room',
          role: s.role === 'moderator' ? 'moderator' : 'panellist',
        })),
      });
      return redirect(request, reply, `/live/${session.id}/console`);
    } catch (error) {
      if (!(isAppError(error) && error.status === 422)) throw error;
      // Speaker errors name the n-th filled row: map them back to the form's rows.
      const mapped = error.errors.map((e) => {
        const m = /^\/speakers\/(\d+)\/(.*)$/.exec(e.path);
        const row = m ? speakers[Number(m[1])] : undefined;
        return row ? { path: `/speakers/${row.i}/${m![2]}`, message: e.message } : e;
      });
      return sendPage(
        request,
        reply,
        { title: request.t('live.create.title'), status: 422 },
        <CreateView values={values} errors={createFieldErrors(mapped)} timeZones={timeZones()} />,
      );
    }
  });

  app.get(
    '/live/:sessionId',
    { ...PAGE, schema: { hide: true, querystring: DONE } },
    async (request, reply) =>
      renderParticipant(request, reply, (request.params as Params).sessionId),
  );

  app.post('/live/:sessionId/join', PAGE, async (request, reply) => {
    const { sessionId } = request.params as Params;
    const origin = field(request.body, 'origin');
    const name = field(request.body, 'name');
    try {
      const { token } = await service.joinSession(request.ctx, sessionId, participantRef(request), {
        origin,
        name,
      });
      keepParticipantToken(request, reply, token);
      return redirect(request, reply, `/live/${sessionId}?done=joined`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderParticipant(request, reply, sessionId, {
        status: error.status,
        joinErrors: formErrors(error),
        joinName: name,
      });
    }
  });

  app.post('/live/:sessionId/ask', PAGE, async (request, reply) => {
    const { sessionId } = request.params as Params;
    const text = field(request.body, 'text');
    const identity = field(request.body, 'identity') === 'anonymous' ? 'anonymous' : 'name';
    const name = field(request.body, 'name');
    try {
      const question = await service.askQuestion(request.ctx, sessionId, participantRef(request), {
        text,
        anonymous: identity === 'anonymous',
        name: identity === 'name' ? name : null,
      });
      const done = question.status === 'pending' ? 'asked-pending' : 'asked';
      return redirect(request, reply, `/live/${sessionId}?done=${done}#your-questions`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderParticipant(request, reply, sessionId, {
        status: error.status,
        form: { text, identity, name, errors: formErrors(error) },
      });
    }
  });

  app.post('/live/:sessionId/questions/:questionId/vote', PAGE, async (request, reply) => {
    const { sessionId, questionId } = request.params as QParams;
    try {
      await service.voteQuestion(request.ctx, sessionId, questionId, participantRef(request));
      return redirect(request, reply, `/live/${sessionId}?done=voted#q-${questionId}`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderParticipant(request, reply, sessionId, {
        status: error.status,
        notice: error.errors[0]?.message ?? error.message,
        noticeIsProblem: true,
      });
    }
  });

  // ---- Moderator console ----

  app.get(
    '/live/:sessionId/console',
    { ...PAGE, schema: { hide: true, querystring: DONE } },
    async (request, reply) => renderConsole(request, reply, (request.params as Params).sessionId),
  );

  app.post('/live/:sessionId/console/questions/:questionId', PAGE, async (request, reply) => {
    const { sessionId, questionId } = request.params as QParams;
    const body = request.body;
    try {
      await service.moderateQuestion(request.ctx, sessionId, questionId, {
        action: field(body, 'action'),
        reason: field(body, `reason-${questionId}`) || null,
        note: field(body, `note-${questionId}`) || null,
        into: field(body, `into-${questionId}`) || null,
        answer: field(body, `answer-${questionId}`) || null,
      });
      return redirect(request, reply, `/live/${sessionId}/console?done=moderated`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderConsole(request, reply, sessionId, {
        status: error.status,
        errors: flatErrors(error),
      });
    }
  });

  app.post(
    '/live/:sessionId/console/questions/:questionId/reveal',
    PAGE,
    async (request, reply) => {
      const { sessionId, questionId } = request.params as QParams;
      try {
        const revealed = await service.revealAuthor(request.ctx, sessionId, questionId, {
          reason: field(request.body, `reveal-${questionId}`),
        });
        // Shown once, in this response: nothing about it goes into a URL or the page's stream.
        void reply.header('cache-control', 'no-store');
        return renderConsole(request, reply, sessionId, { revealed });
      } catch (error) {
        if (!isShowable(error)) throw error;
        return renderConsole(request, reply, sessionId, {
          status: error.status,
          errors: flatErrors(error),
        });
      }
    },
  );

  app.post('/live/:sessionId/console/settings', PAGE, async (request, reply) => {
    const { sessionId } = request.params as Params;
    const body = request.body;
    const toggle = (name: string) => {
      const value = field(body, name);
      return value === 'on' ? true : value === 'off' ? false : undefined;
    };
    const status = field(body, 'status');
    await service.updateSettings(request.ctx, sessionId, {
      moderation: toggle('moderation'),
      remoteSegment: toggle('remoteSegment'),
      status: status === 'open' || status === 'closed' ? status : undefined,
    });
    return redirect(request, reply, `/live/${sessionId}/console?done=settings`);
  });

  app.post('/live/:sessionId/console/backstage', PAGE, async (request, reply) => {
    const { sessionId } = request.params as Params;
    const body = field(request.body, 'body');
    try {
      await service.postBackstage(request.ctx, sessionId, { body });
      return redirect(request, reply, `/live/${sessionId}/console?done=backstage#backstage`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderConsole(request, reply, sessionId, {
        status: error.status,
        errors: formErrors(error),
        backstageBody: body,
      });
    }
  });

  app.post('/live/:sessionId/console/turns', PAGE, async (request, reply) => {
    const { sessionId } = request.params as Params;
    try {
      await service.toggleTurn(request.ctx, sessionId, field(request.body, 'speaker'));
      return redirect(request, reply, `/live/${sessionId}/console?done=turn#speaking-time`);
    } catch (error) {
      if (!isShowable(error)) throw error;
      return renderConsole(request, reply, sessionId, {
        status: error.status,
        errors: flatErrors(error),
      });
    }
  });

  // ---- The room's screen, the summary, the QR code ----

  app.get(
    '/live/:sessionId/presenter',
    { ...PAGE, schema: { hide: true, querystring: Query({}) } },
    async (request, reply) => {
      const data = await service.presenterData(request.ctx, (request.params as Params).sessionId);
      return sendPage(
        request,
        reply,
        { title: data.session.title },
        <PresenterView session={data.session} after={data.after} questions={data.questions} />,
      );
    },
  );

  app.get(
    '/live/:sessionId/summary',
    { ...PAGE, schema: { hide: true, querystring: Query({}) } },
    async (request, reply) => {
      const { sessionId } = request.params as Params;
      const session = await service.getLiveSession(request.ctx, sessionId);
      const summary = await service.moderationSummary(request.ctx, sessionId).catch((error) => {
        if (isAppError(error) && error.status === 409) return null;
        throw error;
      });
      return sendPage(
        request,
        reply,
        {
          title: request.t('live.summary.title', { title: session.title }),
          description: request.t('live.description'),
        },
        <SummaryView session={session} summary={summary} />,
      );
    },
  );

  app.get('/live/:sessionId/qr.svg', { schema: { hide: true } }, async (request, reply) => {
    const session = await service.getLiveSession(request.ctx, (request.params as Params).sessionId);
    const svg = await QRCode.toString(shortLink(viewFor(request), session.code), {
      type: 'svg',
      margin: 2,
      errorCorrectionLevel: 'M',
    });
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(svg);
  });
}
