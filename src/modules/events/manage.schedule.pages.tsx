/**
 * Organisers' schedule board (rooms × time slots, a form per session to place, move or unschedule
 * it, refusals explained beside that form) and the list of session reports.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { AppError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { ErrorSummary, PostForm } from '../../web/components/form.tsx';
import * as schedule from './schedule.service.ts';
import type { EventRecord } from './events.present.ts';
import { attempt, useEventTime } from './pages.shared.tsx';
import { Flash, formValues, managedEvent, ManageNav, type FormValues } from './manage.shared.tsx';
import { seeOther } from '../../web/redirect.ts';

const page = { config: { page: true }, schema: { hide: true } } as const;

const DONE = new Set(['placed', 'unscheduled']);

interface Failure {
  key: string;
  values: FormValues;
  /** Every reason the placement was refused, in words. */
  reasons: string[];
  fields: Set<string>;
}

function failureOf(key: string, values: FormValues, error: AppError): Failure {
  const reasons = error.errors.length
    ? [...new Set(error.errors.map((e) => e.message))]
    : [error.message];
  return {
    key,
    values,
    reasons,
    fields: new Set(error.errors.map((e) => e.path.replace(/^\//, ''))),
  };
}

/** Short labels for slot options, in the event's zone: "Mon 23 Jun, 09:00–10:30". */
function useSlotLabel(timeZone: string) {
  const view = useView();
  const day = new Intl.DateTimeFormat(view.locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone,
  });
  const time = new Intl.DateTimeFormat(view.locale, { timeStyle: 'short', timeZone });
  return (s: { startsAt: Date; endsAt: Date }) =>
    `${day.format(s.startsAt)}, ${time.format(s.startsAt)}–${time.format(s.endsAt)}`;
}

function PlaceForm(props: {
  event: EventRecord;
  item: schedule.BoardItem;
  failure: Failure | null;
  slotLabel: (s: { startsAt: Date; endsAt: Date }) => string;
}): VNode {
  const { t } = useView();
  const { item, failure, event } = props;
  const id = `item-${item.key}`;
  const errorId = `field-${item.key}`;
  const failed = failure?.key === item.key ? failure : null;
  const slotId = failed ? failed.values.slotId : item.slotId;
  const roomId = failed ? failed.values.roomId : item.roomId;
  const invalid = (field: string) =>
    failed && (failed.fields.has(field) || failed.fields.size === 0) ? 'true' : undefined;
  return (
    <>
      {failed ? (
        <p class="error" id={errorId} role="alert">
          {failed.reasons.join(' ')}
        </p>
      ) : null}
      <PostForm action={`/events/${event.slug}/manage/schedule`} class="row-fields">
        {item.sessionId ? (
          <input type="hidden" name="sessionId" value={item.sessionId} />
        ) : (
          <input type="hidden" name="proposalId" value={item.proposalId ?? ''} />
        )}
        <div class="field">
          <label for={`${id}-slot`}>{t('events.manage.slot')}</label>
          <select
            id={`${id}-slot`}
            name="slotId"
            aria-invalid={invalid('slotId')}
            aria-describedby={failed ? errorId : undefined}
          >
            <option value="">{t('events.editor.choose')}</option>
            {event.slots.map((s) => (
              <option key={s.id} value={s.id} selected={s.id === slotId}>
                {props.slotLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-room`}>{t('events.programme.room')}</label>
          <select
            id={`${id}-room`}
            name="roomId"
            aria-invalid={invalid('roomId')}
            aria-describedby={failed ? errorId : undefined}
          >
            <option value="">{t('events.editor.choose')}</option>
            {event.rooms.map((r) => (
              <option key={r.id} value={r.id} selected={r.id === roomId}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class={item.startsAt ? 'secondary' : undefined}>
          {item.startsAt ? t('events.manage.move') : t('events.manage.place')}
          <span class="visually-hidden"> – {item.title}</span>
        </button>
      </PostForm>
    </>
  );
}

function Board(props: {
  event: EventRecord;
  items: schedule.BoardItem[];
  failure: Failure | null;
  flash: string | null;
}) {
  const view = useView();
  const { t } = view;
  const { event, items, failure } = props;
  const slotLabel = useSlotLabel(event.timeZone);
  const base = `/events/${event.slug}/manage`;
  const placed = items.filter((i) => i.startsAt);
  const waiting = items.filter((i) => !i.startsAt);
  const cell = new Map<string, schedule.BoardItem[]>();
  for (const i of placed) {
    const k = `${i.slotId}:${i.roomId}`;
    cell.set(k, [...(cell.get(k) ?? []), i]);
  }
  const summary = failure ? { [failure.key]: failure.reasons.join(' ') } : {};
  const Item = (p: { item: schedule.BoardItem }) => (
    <li id={`item-${p.item.key}`} class="board-item">
      <h3>{p.item.title}</h3>
      <p class="meta">
        {t('events.manage.minutes', { count: p.item.durationMinutes })}
        {p.item.decisionPending ? ` · ${t('events.manage.acceptedPending')}` : ''}
        {p.item.startsAt
          ? ` · ${slotLabel({ startsAt: p.item.startsAt, endsAt: new Date(p.item.startsAt.getTime() + p.item.durationMinutes * 60000) })} · ${event.rooms.find((r) => r.id === p.item.roomId)?.name ?? ''}`
          : ''}
      </p>
      <PlaceForm event={event} item={p.item} failure={failure} slotLabel={slotLabel} />
      {p.item.startsAt && p.item.sessionId ? (
        <PostForm action={`${base}/schedule/${p.item.sessionId}/unschedule`} class="inline">
          <button type="submit" class="link">
            {t('events.manage.unschedule')}
            <span class="visually-hidden"> – {p.item.title}</span>
          </button>
        </PostForm>
      ) : null}
    </li>
  );
  return (
    <>
      <h1>{t('events.manage.scheduleTitle', { name: event.name })}</h1>
      <ManageNav event={event} current={`${base}/schedule`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={summary} />
      <p>{t('events.manage.scheduleHint', { zone: event.timeZone })}</p>
      {event.rooms.length === 0 || event.slots.length === 0 ? (
        <p class="notice warn">
          {t('events.manage.needVenue')}{' '}
          <a href={view.href(`${base}/venue`)}>{t('events.manage.nav.venue')}</a>
        </p>
      ) : (
        <div class="table-scroll">
          <table class="board">
            <caption>{t('events.manage.board')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('events.manage.slot')}</th>
                {event.rooms.map((r) => (
                  <th key={r.id} scope="col">
                    {r.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {event.slots.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{slotLabel(s)}</th>
                  {event.rooms.map((r) => (
                    <td key={r.id}>
                      {(cell.get(`${s.id}:${r.id}`) ?? []).map((i) => (
                        <a key={i.key} href={`#item-${i.key}`}>
                          {i.title}
                        </a>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('events.manage.toSchedule', { count: waiting.length })}</h2>
      {waiting.length === 0 ? <p>{t('events.manage.nothingToSchedule')}</p> : null}
      <ul class="board-items">
        {waiting.map((i) => (
          <Item key={i.key} item={i} />
        ))}
      </ul>
      <h2>{t('events.manage.scheduled', { count: placed.length })}</h2>
      <ul class="board-items">
        {placed.map((i) => (
          <Item key={i.key} item={i} />
        ))}
      </ul>
    </>
  );
}

type Overview = Awaited<ReturnType<typeof schedule.reportsOverview>>;

function ReportsPage(props: { event: EventRecord; rows: Overview['rows'] }) {
  const view = useView();
  const { t } = view;
  const { event, rows } = props;
  const time = useEventTime(event.timeZone);
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  return (
    <>
      <h1>{t('events.manage.reportsTitle', { name: event.name })}</h1>
      <ManageNav event={event} current={`/events/${event.slug}/manage/reports`} />
      <p>
        {t('events.manage.reportCounts', {
          filed: count('filed'),
          overdue: count('overdue'),
          due: count('due'),
          total: rows.length,
        })}
      </p>
      <div class="table-scroll">
        <table>
          <caption>{t('events.manage.reportsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('events.manage.session')}</th>
              <th scope="col">{t('events.manage.when')}</th>
              <th scope="col">{t('events.role.rapporteur')}</th>
              <th scope="col">{t('events.manage.dueBy')}</th>
              <th scope="col">{t('events.manage.reportStatus')}</th>
              <th scope="col">{t('events.manage.reportForm')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ session: s, status, rapporteurs }) => (
              <tr key={s.id} class={`report-${status}`}>
                <th scope="row">
                  <a href={view.href(`/events/${event.slug}/sessions/${s.id}`)}>{s.title}</a>
                </th>
                <td>{s.startsAt ? `${time.dateTime(s.startsAt)} · ${s.room ?? ''}` : '–'}</td>
                <td>{rapporteurs.join(', ') || '–'}</td>
                <td>{s.reportDueAt ? time.dateTime(s.reportDueAt) : '–'}</td>
                <td>
                  <strong class={`status-${status}`}>{t(`events.manage.report.${status}`)}</strong>
                </td>
                <td>
                  {s.startsAt ? (
                    <a href={view.href(`/events/${event.slug}/sessions/${s.id}/report`)}>
                      {status === 'filed'
                        ? t('events.manage.editReport')
                        : t('events.manage.fileReport')}
                      <span class="visually-hidden"> – {s.title}</span>
                    </a>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export async function manageSchedulePages(app: FastifyInstance): Promise<void> {
  const board = async (
    request: FastifyRequest,
    reply: FastifyReply,
    failure: Failure | null,
    status = 200,
  ) => {
    const event = await managedEvent(request);
    const { items } = await schedule.scheduleBoard(request.ctx, event.id);
    const done = (request.query as { done?: unknown } | undefined)?.done;
    const message =
      !failure && typeof done === 'string' && DONE.has(done)
        ? request.t(`events.manage.done.${done}`)
        : null;
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.scheduleTitle', { name: event.name }), status },
      <Board event={event} items={items} failure={failure} flash={message} />,
    );
  };

  app.get('/events/:slug/manage/schedule', page, async (request, reply) =>
    board(request, reply, null),
  );

  app.post('/events/:slug/manage/schedule', page, async (request, reply) => {
    const event = await managedEvent(request);
    const values = formValues(request.body);
    const key = values.sessionId || values.proposalId || 'new';
    const result = await attempt(() =>
      schedule.placeSession(request.ctx, event.id, {
        ...(values.sessionId ? { sessionId: values.sessionId } : {}),
        ...(values.proposalId ? { proposalId: values.proposalId } : {}),
        roomId: values.roomId ?? '',
        slotId: values.slotId ?? '',
      }),
    );
    if (result.ok)
      return seeOther(
        request,
        reply,
        `/events/${event.slug}/manage/schedule?done=placed#item-${result.value.id}`,
      );
    return board(request, reply, failureOf(key, values, result.error), result.error.status);
  });

  app.post('/events/:slug/manage/schedule/:sessionId/unschedule', page, async (request, reply) => {
    const event = await managedEvent(request);
    const { sessionId } = request.params as { sessionId: string };
    const result = await attempt(() =>
      schedule.unscheduleSession(request.ctx, event.id, sessionId),
    );
    if (result.ok)
      return seeOther(request, reply, `/events/${event.slug}/manage/schedule?done=unscheduled`);
    return board(request, reply, failureOf(sessionId, {}, result.error), result.error.status);
  });

  app.get('/events/:slug/manage/reports', page, async (request, reply) => {
    const event = await managedEvent(request);
    const { rows } = await schedule.reportsOverview(request.ctx, event.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.reportsTitle', { name: event.name }) },
      <ReportsPage event={event} rows={rows} />,
    );
  });
}
