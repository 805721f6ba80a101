import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { TAXONOMIES } from '../reference/index.ts';
import * as review from './review.service.ts';
import * as schedule from './schedule.service.ts';
import { loadEvent } from './events.service.ts';
import { REVIEW_ACTIONS, SCORE_MAX, SCORE_MIN } from './events.ts';
import type { Call, EventRecord } from './events.present.ts';
import { attempt, DemoNotice, str } from './pages.shared.tsx';
import { seeOther } from '../../web/redirect.ts';

function pickCall(event: EventRecord, id: string | undefined): Call {
  const call = event.calls.find((c) => c.id === id) ?? event.calls[event.calls.length - 1];
  if (!call) throw AppError.notFound('The call');
  return call;
}

function ReviewQueue(props: {
  event: EventRecord;
  call: Call;
  next: string | null;
  assigned: Awaited<ReturnType<typeof review.myAssignments>>;
}) {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('events.review.title', { name: props.event.name })}</h1>
      <DemoNotice event={props.event} />
      {props.next ? (
        <p>
          <a class="button" href={view.href(`/proposals/${props.next}/review`)}>
            {t('events.review.next')}
          </a>
        </p>
      ) : (
        <p>{t('events.review.none')}</p>
      )}
      <h2>{t('events.review.assigned')}</h2>
      <ul>
        {props.assigned.map((a) => (
          <li key={a.proposalId}>
            <a href={view.href(`/proposals/${a.proposalId}/review`)}>{a.title}</a> –{' '}
            {a.reviewed ? t('events.review.done') : t('events.review.todo')}
          </li>
        ))}
      </ul>
    </>
  );
}

function ReviewForm(props: { view: review.ReviewView; errors: FormErrors; formError?: string }) {
  const view = useView();
  const { t } = view;
  const { proposal: p, call, own } = props.view;
  const errors = { ...props.errors, ...(props.formError ? { _form: props.formError } : {}) };
  return (
    <>
      <h1>{p.title}</h1>
      {props.view.blind ? <p class="notice">{t('events.review.blind')}</p> : null}
      <ErrorSummary errors={errors} />
      <h2>{t('events.editor.content')}</h2>
      <p>{p.content}</p>
      <h2>{t('events.editor.relevance')}</h2>
      <p>{p.relevance}</p>
      <h2>{t('events.editor.policyQuestion')}</h2>
      <p>{p.policyQuestion}</p>
      <h2>{t('events.editor.people')}</h2>
      <ul>
        {p.people.map((x) => (
          <li key={x.id}>
            {t(`events.role.${x.role}`)}: {x.name}
            {x.organisation ? `, ${x.organisation}` : ''}
            {x.stakeholderGroup
              ? ` (${TAXONOMIES.stakeholderGroup.find((g) => g.code === x.stakeholderGroup)?.label})`
              : ''}
          </li>
        ))}
      </ul>
      {props.view.others ? (
        <section>
          <h2>{t('events.review.others')}</h2>
          <ul>
            {props.view.others.map((o, i) => (
              <li key={i}>
                {o.weighted} · {t(`events.decision.${o.action}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <PostForm action={`/proposals/${p.id}/review`}>
        <h2>{t('events.review.scores')}</h2>
        {call.reviewCriteria.map((c) => (
          <SelectField
            key={c.code}
            name={`score.${c.code}`}
            label={t('events.review.criterion', {
              name: t(`events.criterion.${c.code}`),
              weight: c.weight,
            })}
            value={own?.scores[c.code] !== undefined ? String(own.scores[c.code]) : ''}
            emptyLabel={t('events.editor.choose')}
            options={Array.from({ length: SCORE_MAX - SCORE_MIN + 1 }, (_, i) => ({
              value: String(i + SCORE_MIN),
              label: String(i + SCORE_MIN),
            }))}
            errors={errors}
          />
        ))}
        <SelectField
          name="action"
          label={t('events.review.action')}
          value={own?.action ?? ''}
          emptyLabel={t('events.editor.choose')}
          options={REVIEW_ACTIONS.map((a) => ({ value: a, label: t(`events.decision.${a}`) }))}
          errors={errors}
        />
        <TextField
          name="mergeWithId"
          label={t('events.review.mergeWith')}
          value={own?.mergeWithId ?? ''}
          errors={errors}
        />
        <TextArea
          name="comment"
          label={t('events.review.comment')}
          hint={t('events.review.commentHint')}
          value={own?.comment ?? ''}
          errors={errors}
          maxLength={5000}
        />
        <button type="submit">{t('events.review.save')}</button>
      </PostForm>
      <PostForm action={`/proposals/${p.id}/conflict`}>
        <TextField name="reason" label={t('events.review.conflictReason')} maxLength={500} />
        <button type="submit" class="secondary">
          {t('events.review.conflict')}
        </button>
      </PostForm>
    </>
  );
}

function ReportForm(props: { event: EventRecord; session: schedule.Session; errors: FormErrors }) {
  const { t } = useView();
  const r = props.session.report;
  return (
    <>
      <h1>{t('events.report.formTitle', { title: props.session.title })}</h1>
      <ErrorSummary errors={props.errors} />
      <PostForm action={`/events/${props.event.slug}/sessions/${props.session.id}/report`}>
        <TextArea
          name="summary"
          label={t('events.report.summary')}
          value={r?.summary}
          errors={props.errors}
          maxLength={20000}
          required
        />
        <TextArea
          name="keyTakeaways"
          label={t('events.report.keyTakeaways')}
          hint={t('events.report.oneePerLine')}
          value={r?.keyTakeaways}
          errors={props.errors}
          rows={4}
        />
        <TextArea
          name="callsToAction"
          label={t('events.report.callsToAction')}
          hint={t('events.report.oneePerLine')}
          value={r?.callsToAction}
          errors={props.errors}
          rows={4}
        />
        <TextField
          name="onsiteAttendance"
          label={t('events.report.onsiteLabel')}
          type="number"
          inputMode="numeric"
          value={r?.onsiteAttendance ?? ''}
          errors={props.errors}
        />
        <TextField
          name="onlineAttendance"
          label={t('events.report.onlineLabel')}
          type="number"
          inputMode="numeric"
          value={r?.onlineAttendance ?? ''}
          errors={props.errors}
        />
        {(['speakers', 'interventionsOnsite', 'interventionsOnline', 'questions'] as const).map(
          (k) => (
            <TextField
              key={k}
              name={`participation.${k}`}
              label={t(`events.report.participation.${k}`)}
              type="number"
              inputMode="numeric"
              value={r?.participation[k] ?? ''}
              errors={props.errors}
            />
          ),
        )}
        <button type="submit">{t('events.report.save')}</button>
      </PostForm>
    </>
  );
}

const int = (v: string) =>
  v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v) : (v as unknown as number);

export async function reviewPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } } as const;

  app.get('/events/:slug/review', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const event = await loadEvent(request.ctx, slug);
    const call = pickCall(event, (request.query as { call?: string }).call);
    const next = await review.nextProposal(request.ctx, call.id);
    const assigned = await review.myAssignments(request.ctx, call.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.review.title', { name: event.name }) },
      <ReviewQueue event={event} call={call} next={next} assigned={assigned} />,
    );
  });

  app.get('/proposals/:id/review', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const v = await review.reviewView(request.ctx, id);
    return sendPage(
      request,
      reply,
      { title: v.proposal.title },
      <ReviewForm view={v} errors={{}} />,
    );
  });

  app.post('/proposals/:id/review', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const v = await review.reviewView(request.ctx, id);
    const scores: Record<string, number> = {};
    for (const c of v.call.reviewCriteria) {
      const s = str(body, `score.${c.code}`);
      if (s) scores[c.code] = Number(s);
    }
    const result = await attempt(() =>
      review.submitReview(request.ctx, id, {
        scores,
        action: str(body, 'action') || 'x',
        comment: str(body, 'comment'),
        mergeWithId: str(body, 'mergeWithId') || null,
      }),
    );
    if (result.ok) {
      const event = await loadEvent(request.ctx, v.call.eventId);
      return seeOther(request, reply, `/events/${event.slug}/review?call=${v.call.id}`);
    }
    const errors = errorsByField(
      result.error.errors.map((e) => ({ ...e, path: e.path.replace('/scores/', '/score.') })),
    );
    return sendPage(
      request,
      reply,
      { title: v.proposal.title, status: result.error.status },
      <ReviewForm
        view={v}
        errors={errors}
        formError={result.error.errors.length ? undefined : result.error.message}
      />,
    );
  });

  app.post('/proposals/:id/conflict', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const v = await review.reviewView(request.ctx, id);
    await review.declareConflict(request.ctx, id, str(body, 'reason'));
    const event = await loadEvent(request.ctx, v.call.eventId);
    return seeOther(request, reply, `/events/${event.slug}/review?call=${v.call.id}`);
  });

  app.get('/events/:slug/sessions/:id/report', page, async (request, reply) => {
    const { slug, id } = request.params as { slug: string; id: string };
    const { event, session } = await schedule.getSession(request.ctx, slug, id);
    if (!(await schedule.canFileReport(request.ctx, id))) {
      throw request.actor.userId
        ? AppError.forbidden()
        : new AppError('unauthenticated', 'Please sign in to do this.');
    }
    return sendPage(
      request,
      reply,
      { title: request.t('events.report.formTitle', { title: session.title }) },
      <ReportForm event={event} session={session} errors={{}} />,
    );
  });

  app.post('/events/:slug/sessions/:id/report', page, async (request, reply) => {
    const { slug, id } = request.params as { slug: string; id: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const participation: Record<string, number> = {};
    for (const k of ['speakers', 'interventionsOnsite', 'interventionsOnline', 'questions']) {
      const v = int(str(body, `participation.${k}`));
      if (v !== undefined) participation[k] = v;
    }
    const result = await attempt(() =>
      schedule.fileReport(request.ctx, id, {
        summary: str(body, 'summary'),
        keyTakeaways: str(body, 'keyTakeaways'),
        callsToAction: str(body, 'callsToAction'),
        onsiteAttendance: int(str(body, 'onsiteAttendance')) ?? null,
        onlineAttendance: int(str(body, 'onlineAttendance')) ?? null,
        participation,
      }),
    );
    if (result.ok) return seeOther(request, reply, `/events/${slug}/sessions/${id}`);
    const { event, session } = await schedule.getSession(request.ctx, slug, id);
    return sendPage(
      request,
      reply,
      { title: session.title, status: 422 },
      <ReportForm event={event} session={session} errors={errorsByField(result.error.errors)} />,
    );
  });
}
