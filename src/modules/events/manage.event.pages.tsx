/**
 * Organisers' pages for the event itself: creating one, the dashboard, its details, and its rooms
 * and time slots (entered as wall-clock times in the event's zone).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { ServiceContext } from '../../platform/context.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { authorize, SITE } from '../accounts/index.ts';
import * as events from './events.service.ts';
import * as venue from './venue.service.ts';
import { callState } from './events.ts';
import type { EventRecord } from './events.present.ts';
import { attempt, DemoNotice, useEventTime } from './pages.shared.tsx';
import {
  Flash,
  formErrors,
  formValues,
  managedEvent,
  ManageNav,
  optionalNumber,
  timeZoneOptions,
  type FormValues,
} from './manage.shared.tsx';
import { localDay, localTime } from './zones.ts';
import { seeOther } from '../../web/redirect.ts';

const page = { config: { page: true }, schema: { hide: true } } as const;

/** Messages shown after a redirect, by the `done` query parameter. */
export const DONE = new Set([
  'created',
  'saved',
  'room-added',
  'room-saved',
  'room-removed',
  'slot-added',
  'slot-saved',
  'slot-removed',
]);

export function flash(request: FastifyRequest, known: ReadonlySet<string> = DONE): string | null {
  const done = (request.query as { done?: unknown } | undefined)?.done;
  return typeof done === 'string' && known.has(done)
    ? request.t(`events.manage.done.${done}`)
    : null;
}

/** A field inside a repeated row: its id and error key are unique to the row. */
export function RowField(props: {
  id: string;
  name: string;
  label: string;
  value?: string | null;
  type?: string;
  error?: string;
  min?: number;
  max?: number;
  required?: boolean;
}): VNode {
  const errorId = `error-${props.id}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={`field-${props.id}`}>{props.label}</label>
      {props.error ? (
        <p class="error" id={errorId}>
          {props.error}
        </p>
      ) : null}
      <input
        id={`field-${props.id}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        min={props.min}
        max={props.max}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
    </div>
  );
}

/** A select inside a repeated row (SelectField's ids would repeat across rows). */
export function RowSelect(props: {
  id: string;
  name: string;
  label: string;
  value?: string | null;
  options: Array<{ value: string; label: string }>;
  error?: string;
  emptyLabel?: string;
}): VNode {
  const errorId = `error-${props.id}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={`field-${props.id}`}>{props.label}</label>
      {props.error ? (
        <p class="error" id={errorId}>
          {props.error}
        </p>
      ) : null}
      <select
        id={`field-${props.id}`}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
      >
        {props.emptyLabel !== undefined ? <option value="">{props.emptyLabel}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function EventForm(props: {
  action: string;
  values: FormValues;
  errors: FormErrors;
  submit: string;
  editing: boolean;
}): VNode {
  const { t } = useView();
  const v = props.values;
  const e = props.errors;
  return (
    <PostForm action={props.action}>
      <TextField
        name="name"
        label={t('events.manage.form.name')}
        value={v.name}
        errors={e}
        required
        maxLength={200}
      />
      <TextField
        name="slug"
        label={t('events.manage.form.slug')}
        hint={t(props.editing ? 'events.manage.form.slugHintEdit' : 'events.manage.form.slugHint')}
        value={v.slug}
        errors={e}
        maxLength={80}
      />
      <TextField
        name="place"
        label={t('events.manage.form.place')}
        value={v.place}
        errors={e}
        required
        maxLength={200}
      />
      <TextField
        name="startsOn"
        type="date"
        label={t('events.manage.form.startsOn')}
        value={v.startsOn}
        errors={e}
        required
      />
      <TextField
        name="endsOn"
        type="date"
        label={t('events.manage.form.endsOn')}
        value={v.endsOn}
        errors={e}
        required
      />
      <SelectField
        name="timeZone"
        label={t('events.manage.form.timeZone')}
        hint={t(
          props.editing ? 'events.manage.form.timeZoneHintEdit' : 'events.manage.form.timeZoneHint',
        )}
        value={v.timeZone || 'UTC'}
        options={timeZoneOptions(v.timeZone)}
        errors={e}
        required
      />
      <TextArea
        name="description"
        label={t('events.manage.form.description')}
        value={v.description}
        errors={e}
        maxLength={10000}
      />
      <button type="submit">{props.submit}</button>
    </PostForm>
  );
}

function detailsFromForm(v: FormValues) {
  return {
    name: v.name ?? '',
    ...(v.slug?.trim() ? { slug: v.slug.trim() } : {}),
    place: v.place ?? '',
    startsOn: v.startsOn ?? '',
    endsOn: v.endsOn ?? '',
    timeZone: v.timeZone ?? '',
    description: v.description ?? '',
  };
}

function eventValues(event: EventRecord): FormValues {
  return {
    name: event.name,
    slug: event.slug,
    place: event.place,
    startsOn: event.startsOn,
    endsOn: event.endsOn,
    timeZone: event.timeZone,
    description: event.description,
  };
}

function NewEventPage(props: { values: FormValues; errors: FormErrors }) {
  const { t } = useView();
  return (
    <>
      <h1>{t('events.manage.newEvent')}</h1>
      <p class="lead">{t('events.manage.newEventIntro')}</p>
      <ErrorSummary errors={props.errors} />
      <EventForm
        action="/events/new"
        values={props.values}
        errors={props.errors}
        submit={t('events.manage.form.create')}
        editing={false}
      />
    </>
  );
}

function EditEventPage(props: {
  event: EventRecord;
  values: FormValues;
  errors: FormErrors;
  flash: string | null;
}) {
  const { t } = useView();
  const base = `/events/${props.event.slug}/manage`;
  return (
    <>
      <h1>{t('events.manage.editEvent', { name: props.event.name })}</h1>
      <ManageNav event={props.event} current={`${base}/event`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={props.errors} />
      <EventForm
        action={`${base}/event`}
        values={props.values}
        errors={props.errors}
        submit={t('events.manage.form.save')}
        editing
      />
    </>
  );
}

function Dashboard(props: { event: EventRecord; flash: string | null }) {
  const view = useView();
  const { t } = view;
  const { event } = props;
  const time = useEventTime(event.timeZone);
  const base = `/events/${event.slug}/manage`;
  const now = new Date();
  return (
    <>
      <h1>{t('events.manage.title', { name: event.name })}</h1>
      <DemoNotice event={event} />
      <ManageNav event={event} current={base} />
      <Flash message={props.flash} />
      <p class="lead">
        {event.place} · {view.formatDate(event.startsOn)} – {view.formatDate(event.endsOn)} ·{' '}
        {t('events.timeZone', { zone: event.timeZone })} ·{' '}
        <a href={view.href(`/events/${event.slug}`)}>{t('events.manage.publicPage')}</a>
      </p>
      <p>
        {t('events.manage.venueCounts', { rooms: event.rooms.length, slots: event.slots.length })}{' '}
        <a href={view.href(`${base}/venue`)}>{t('events.manage.nav.venue')}</a>
      </p>
      <h2>{t('events.calls.title')}</h2>
      {event.calls.length === 0 ? <p>{t('events.calls.none')}</p> : null}
      <ul>
        {event.calls.map((c) => (
          <li key={c.id}>
            <strong>{c.title}</strong> – {t(`events.calls.state.${callState(c, now)}`)} ·{' '}
            {t('events.calls.window', {
              opens: time.dateTime(c.opensAt),
              closes: time.dateTime(c.closesAt),
            })}
            <ul class="links">
              <li>
                <a href={view.href(`${base}/calls/${c.id}`)}>{t('events.manage.editCall')}</a>
              </li>
              <li>
                <a href={view.href(`${base}/calls/${c.id}/reviewers`)}>
                  {t('events.manage.nav.reviewers')}
                </a>
              </li>
              <li>
                <a href={view.href(`${base}/calls/${c.id}/ranking`)}>
                  {t('events.manage.nav.ranking')}
                </a>
              </li>
              <li>
                <a href={view.href(`${base}/calls/${c.id}/decisions`)}>
                  {t('events.manage.nav.decisions')}
                </a>
              </li>
            </ul>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={view.href(`${base}/calls/new`)}>
          {t('events.manage.newCall')}
        </a>
      </p>
      <h2>{t('events.manage.afterDecisions')}</h2>
      <ul>
        <li>
          <a href={view.href(`${base}/schedule`)}>{t('events.manage.nav.schedule')}</a>
        </li>
        <li>
          <a href={view.href(`${base}/reports`)}>{t('events.manage.nav.reports')}</a>
        </li>
      </ul>
    </>
  );
}

/** The days of the event, 'YYYY-MM-DD', for slot forms. */
export function eventDays(event: Pick<EventRecord, 'startsOn' | 'endsOn'>): string[] {
  const days: string[] = [];
  const end = new Date(`${event.endsOn}T00:00:00Z`).getTime();
  for (
    let d = new Date(`${event.startsOn}T00:00:00Z`).getTime();
    d <= end && days.length < 400;
    d += 86_400_000
  ) {
    days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

interface RowFailure {
  key: string;
  values: FormValues;
  errors: FormErrors;
}

function VenuePage(props: {
  event: EventRecord;
  failure: RowFailure | null;
  flash: string | null;
}) {
  const view = useView();
  const { t } = view;
  const { event, failure } = props;
  const time = useEventTime(event.timeZone);
  const base = `/events/${event.slug}/manage`;
  const days = eventDays(event).map((d) => ({ value: d, label: time.day(d) }));
  const rowErr = (key: string, field: string) =>
    failure?.key === key ? failure.errors[field] : undefined;
  const rowVal = (key: string, field: string, fallback: string) =>
    failure?.key === key ? (failure.values[field] ?? '') : fallback;
  const summary: FormErrors = {};
  if (failure) {
    for (const [field, message] of Object.entries(failure.errors)) {
      summary[field === '_form' ? '_form' : `${failure.key}.${field}`] = message;
    }
  }
  return (
    <>
      <h1>{t('events.manage.venue', { name: event.name })}</h1>
      <ManageNav event={event} current={`${base}/venue`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={summary} />
      <section aria-labelledby="rooms">
        <h2 id="rooms">{t('events.rooms')}</h2>
        {event.rooms.length === 0 ? <p>{t('events.manage.noRooms')}</p> : null}
        {event.rooms.map((r) => {
          const key = `room.${r.id}`;
          return (
            <div key={r.id} class="row-form">
              <PostForm action={`${base}/rooms/${r.id}`} class="row-fields">
                <RowField
                  id={`${key}.name`}
                  name="name"
                  label={t('events.manage.form.roomName')}
                  value={rowVal(key, 'name', r.name)}
                  error={rowErr(key, 'name')}
                />
                <RowField
                  id={`${key}.capacity`}
                  name="capacity"
                  type="number"
                  min={0}
                  label={t('events.manage.form.capacity')}
                  value={rowVal(key, 'capacity', r.capacity === null ? '' : String(r.capacity))}
                  error={rowErr(key, 'capacity')}
                />
                <button type="submit" class="secondary">
                  {t('events.manage.form.save')}
                  <span class="visually-hidden"> – {r.name}</span>
                </button>
              </PostForm>
              <PostForm action={`${base}/rooms/${r.id}/remove`} class="inline">
                <button type="submit" class="link">
                  {t('events.manage.remove')}
                  <span class="visually-hidden"> – {r.name}</span>
                </button>
              </PostForm>
            </div>
          );
        })}
        <h3>{t('events.manage.addRoom')}</h3>
        <PostForm action={`${base}/rooms`} class="row-fields">
          <RowField
            id="room.new.name"
            name="name"
            label={t('events.manage.form.roomName')}
            value={rowVal('room.new', 'name', '')}
            error={rowErr('room.new', 'name')}
          />
          <RowField
            id="room.new.capacity"
            name="capacity"
            type="number"
            min={0}
            label={t('events.manage.form.capacity')}
            value={rowVal('room.new', 'capacity', '')}
            error={rowErr('room.new', 'capacity')}
          />
          <button type="submit">{t('events.manage.addRoom')}</button>
        </PostForm>
      </section>
      <section aria-labelledby="slots">
        <h2 id="slots">{t('events.manage.slots')}</h2>
        <p>{t('events.manage.slotsHint', { zone: event.timeZone })}</p>
        {event.slots.length === 0 ? <p>{t('events.manage.noSlots')}</p> : null}
        {event.slots.map((s) => {
          const key = `slot.${s.id}`;
          const label = `${time.dateTime(s.startsAt)} – ${time.time(s.endsAt)}`;
          return (
            <div key={s.id} class="row-form">
              <PostForm action={`${base}/slots/${s.id}`} class="row-fields">
                <RowSelect
                  id={`${key}.day`}
                  name="day"
                  label={t('events.manage.form.day')}
                  value={rowVal(key, 'day', localDay(s.startsAt, event.timeZone))}
                  options={days}
                  error={rowErr(key, 'day')}
                />
                <RowField
                  id={`${key}.start`}
                  name="start"
                  type="time"
                  label={t('events.manage.form.start')}
                  value={rowVal(key, 'start', localTime(s.startsAt, event.timeZone))}
                  error={rowErr(key, 'start')}
                />
                <RowField
                  id={`${key}.end`}
                  name="end"
                  type="time"
                  label={t('events.manage.form.end')}
                  value={rowVal(key, 'end', localTime(s.endsAt, event.timeZone))}
                  error={rowErr(key, 'end')}
                />
                <button type="submit" class="secondary">
                  {t('events.manage.form.save')}
                  <span class="visually-hidden"> – {label}</span>
                </button>
              </PostForm>
              <PostForm action={`${base}/slots/${s.id}/remove`} class="inline">
                <button type="submit" class="link">
                  {t('events.manage.remove')}
                  <span class="visually-hidden"> – {label}</span>
                </button>
              </PostForm>
            </div>
          );
        })}
        <h3>{t('events.manage.addSlot')}</h3>
        <PostForm action={`${base}/slots`} class="row-fields">
          <RowSelect
            id="slot.new.day"
            name="day"
            label={t('events.manage.form.day')}
            value={rowVal('slot.new', 'day', '')}
            options={days}
            error={rowErr('slot.new', 'day')}
          />
          <RowField
            id="slot.new.start"
            name="start"
            type="time"
            label={t('events.manage.form.start')}
            value={rowVal('slot.new', 'start', '')}
            error={rowErr('slot.new', 'start')}
          />
          <RowField
            id="slot.new.end"
            name="end"
            type="time"
            label={t('events.manage.form.end')}
            value={rowVal('slot.new', 'end', '')}
            error={rowErr('slot.new', 'end')}
          />
          <button type="submit">{t('events.manage.addSlot')}</button>
        </PostForm>
      </section>
    </>
  );
}

export async function manageEventPages(app: FastifyInstance): Promise<void> {
  app.get('/events/new', page, async (request, reply) => {
    authorize(request.ctx, 'event.manage', SITE);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.newEvent') },
      <NewEventPage values={{ timeZone: 'UTC' }} errors={{}} />,
    );
  });

  app.post('/events/new', page, async (request, reply) => {
    authorize(request.ctx, 'event.manage', SITE);
    const values = formValues(request.body);
    const result = await attempt(() =>
      events.createEvent(request.ctx, { ...detailsFromForm(values), rooms: [] }),
    );
    if (result.ok)
      return seeOther(request, reply, `/events/${result.value.slug}/manage/venue?done=created`);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.newEvent'), status: result.error.status },
      <NewEventPage values={values} errors={formErrors(result.error)} />,
    );
  });

  app.get('/events/:slug/manage', page, async (request, reply) => {
    const event = await managedEvent(request);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.title', { name: event.name }) },
      <Dashboard event={event} flash={flash(request)} />,
    );
  });

  app.get('/events/:slug/manage/event', page, async (request, reply) => {
    const event = await managedEvent(request);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.editEvent', { name: event.name }) },
      <EditEventPage
        event={event}
        values={eventValues(event)}
        errors={{}}
        flash={flash(request)}
      />,
    );
  });

  app.post('/events/:slug/manage/event', page, async (request, reply) => {
    const event = await managedEvent(request);
    const values = formValues(request.body);
    const details = detailsFromForm(values);
    const result = await attempt(() =>
      events.updateEvent(request.ctx, event.id, { ...details, slug: details.slug ?? event.slug }),
    );
    if (result.ok)
      return seeOther(request, reply, `/events/${result.value.slug}/manage/event?done=saved`);
    return sendPage(
      request,
      reply,
      {
        title: request.t('events.manage.editEvent', { name: event.name }),
        status: result.error.status,
      },
      <EditEventPage
        event={event}
        values={values}
        errors={formErrors(result.error)}
        flash={null}
      />,
    );
  });

  const venuePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    event: EventRecord,
    failure: RowFailure | null,
    status = 200,
  ) =>
    sendPage(
      request,
      reply,
      { title: request.t('events.manage.venue', { name: event.name }), status },
      <VenuePage event={event} failure={failure} flash={failure ? null : flash(request)} />,
    );

  app.get('/events/:slug/manage/venue', page, async (request, reply) =>
    venuePage(request, reply, await managedEvent(request), null),
  );

  /** Runs one venue form; on a refusal the venue page shows the row again with its errors. */
  type Run = (
    ctx: ServiceContext,
    event: EventRecord,
    params: Record<string, string>,
    values: FormValues,
  ) => Promise<unknown>;
  const venueAction =
    (key: (params: Record<string, string>) => string, run: Run, done: string) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const event = await managedEvent(request);
      const params = request.params as Record<string, string>;
      const values = formValues(request.body);
      const result = await attempt(() => run(request.ctx, event, params, values));
      if (result.ok)
        return seeOther(request, reply, `/events/${event.slug}/manage/venue?done=${done}`);
      return venuePage(
        request,
        reply,
        event,
        { key: key(params), values, errors: formErrors(result.error) },
        result.error.status,
      );
    };

  const room = (v: FormValues) => ({
    name: v.name ?? '',
    ...(optionalNumber(v.capacity) !== undefined ? { capacity: optionalNumber(v.capacity) } : {}),
  });
  const slot = (v: FormValues) => ({ day: v.day ?? '', start: v.start ?? '', end: v.end ?? '' });
  const roomKey = (p: Record<string, string>) => `room.${p.roomId}`;
  const slotKey = (p: Record<string, string>) => `slot.${p.slotId}`;

  app.post(
    '/events/:slug/manage/rooms',
    page,
    venueAction(
      () => 'room.new',
      (ctx, e, _p, v) => venue.addRoom(ctx, e.id, room(v)),
      'room-added',
    ),
  );
  app.post(
    '/events/:slug/manage/rooms/:roomId',
    page,
    venueAction(
      roomKey,
      (ctx, e, p, v) => venue.updateRoom(ctx, e.id, p.roomId!, room(v)),
      'room-saved',
    ),
  );
  app.post(
    '/events/:slug/manage/rooms/:roomId/remove',
    page,
    venueAction(roomKey, (ctx, e, p) => venue.removeRoom(ctx, e.id, p.roomId!), 'room-removed'),
  );
  app.post(
    '/events/:slug/manage/slots',
    page,
    venueAction(
      () => 'slot.new',
      (ctx, e, _p, v) => venue.addSlot(ctx, e.id, slot(v)),
      'slot-added',
    ),
  );
  app.post(
    '/events/:slug/manage/slots/:slotId',
    page,
    venueAction(
      slotKey,
      (ctx, e, p, v) => venue.updateSlot(ctx, e.id, p.slotId!, slot(v)),
      'slot-saved',
    ),
  );
  app.post(
    '/events/:slug/manage/slots/:slotId/remove',
    page,
    venueAction(slotKey, (ctx, e, p) => venue.removeSlot(ctx, e.id, p.slotId!), 'slot-removed'),
  );
}
