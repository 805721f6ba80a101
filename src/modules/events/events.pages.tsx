import type { FastifyInstance } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { AppError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { PostForm } from '../../web/components/form.tsx';
import * as events from './events.service.ts';
import * as schedule from './schedule.service.ts';
import { myProposals } from './proposals.service.ts';
import { isReviewer } from './pool.service.ts';
import { callState } from './events.ts';
import type { EventRecord, Proposal } from './events.present.ts';
import { DemoNotice, EventNav, Lines, termLabel, useEventTime } from './pages.shared.tsx';
import { proposalPages } from './proposals.pages.tsx';
import { reviewPages } from './review.pages.tsx';
import { managePages } from './manage.pages.tsx';
import { seeOther } from '../../web/redirect.ts';
import { SaveSearchForm } from '../awareness/index.ts';

function EventList(props: {
  items: EventRecord[];
  total: number;
  page: number;
  pageSize: number;
  canCreate: boolean;
}) {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('events.list.title')}</h1>
      <p class="lead">{t('events.list.intro')}</p>
      {props.canCreate ? (
        <p>
          <a class="button" href={view.href('/events/new')}>
            {t('events.manage.newEvent')}
          </a>
        </p>
      ) : null}
      {props.items.length === 0 ? <p>{t('events.list.empty')}</p> : null}
      <ul class="cards">
        {props.items.map((e) => (
          <li key={e.id} class="card">
            <h2>
              <a href={view.href(`/events/${e.slug}`)}>{e.name}</a>
            </h2>
            <p>
              {e.place} · {view.formatDate(e.startsOn)} – {view.formatDate(e.endsOn)}
            </p>
            {e.isDemo ? <p class="tag">{t('events.demoTag')}</p> : null}
          </li>
        ))}
      </ul>
      <Pagination page={props.page} pageSize={props.pageSize} total={props.total} />
      <SaveSearchForm kind="events" />
    </>
  );
}

function EventPage(props: {
  event: EventRecord;
  mine: Proposal[];
  canManage: boolean;
  canReview: boolean;
}) {
  const view = useView();
  const { t } = view;
  const { event } = props;
  const time = useEventTime(event.timeZone);
  const now = new Date();
  return (
    <>
      <JsonLd
        data={{
          '@type': 'Event',
          name: event.name,
          startDate: event.startsOn,
          endDate: event.endsOn,
          location: { '@type': 'Place', name: event.place },
          description: event.description,
        }}
      />
      <h1>{event.name}</h1>
      <DemoNotice event={event} />
      <EventNav event={event} current={`/events/${event.slug}`} />
      <p class="lead">
        {event.place} · {view.formatDate(event.startsOn)} – {view.formatDate(event.endsOn)} ·{' '}
        {t('events.timeZone', { zone: event.timeZone })}
      </p>
      {event.description ? <p>{event.description}</p> : null}
      {props.canManage ? (
        <p>
          <a class="button secondary" href={view.href(`/events/${event.slug}/manage`)}>
            {t('events.manage.link')}
          </a>
        </p>
      ) : null}
      <h2>{t('events.calls.title')}</h2>
      {event.calls.length === 0 ? <p>{t('events.calls.none')}</p> : null}
      {event.calls.map((c) => {
        const state = callState(c, now);
        return (
          <section key={c.id} class="call">
            <h3>{c.title}</h3>
            <p>{c.description}</p>
            <p>
              <strong>{t(`events.calls.state.${state}`)}</strong> ·{' '}
              {t('events.calls.window', {
                opens: time.dateTime(c.opensAt),
                closes: time.dateTime(c.closesAt),
              })}
            </p>
            {state === 'open' ? (
              <p>
                <a class="button" href={view.href(`/calls/${c.id}/proposals/new`)}>
                  {t('events.calls.propose')}
                </a>
              </p>
            ) : null}
            {props.canReview ? (
              <p>
                <a href={view.href(`/events/${event.slug}/review?call=${c.id}`)}>
                  {t('events.review.link')}
                </a>
              </p>
            ) : null}
          </section>
        );
      })}
      {props.mine.length ? (
        <>
          <h2>{t('events.mine.title')}</h2>
          <ul>
            {props.mine.map((p) => (
              <li key={p.id}>
                <a href={view.href(`/proposals/${p.id}`)}>
                  {p.title || t('events.proposal.untitled')}
                </a>{' '}
                · {t(`events.proposal.status.${p.status}`)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('events.rooms')}</h2>
      <ul>
        {event.rooms.map((r) => (
          <li key={r.id}>
            {r.name}
            {r.capacity ? ` (${t('events.capacity', { count: r.capacity })})` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

/** An instant for a `datetime` attribute, without the milliseconds nobody schedules by. */
const machineTime = (d: Date) => d.toISOString().replace(':00.000Z', 'Z');

/**
 * One session in a list. With `agenda`, its button adds or removes it; the button belongs to the
 * one agenda form around the whole list (a form per session would repeat the token 300 times).
 */
function SessionSummary(props: {
  event: EventRecord;
  session: schedule.Session;
  inAgenda?: boolean;
  agenda?: boolean;
}) {
  const view = useView();
  const { t } = view;
  const time = useEventTime(props.event.timeZone);
  const s = props.session;
  const people = s.people.filter((p) => p.role === 'speaker' || p.role.endsWith('moderator'));
  return (
    <article class="session" id={`session-${s.id}`}>
      <h3>
        <a href={view.href(`/events/${props.event.slug}/sessions/${s.id}`)}>{s.title}</a>
      </h3>
      <p class="meta">
        <time dateTime={machineTime(s.startsAt!)}>{time.time(s.startsAt!)}</time>–
        <time dateTime={machineTime(s.endsAt!)}>{time.time(s.endsAt!)}</time> · {s.room ?? ''}
        {s.format ? ` · ${termLabel('sessionFormat', s.format)}` : ''}
      </p>
      {s.themes.length ? (
        <p class="tags">{s.themes.map((x) => termLabel('theme', x)).join(' · ')}</p>
      ) : null}
      {people.length ? <p class="people">{people.map((p) => p.name).join(', ')}</p> : null}
      {props.agenda ? (
        <button type="submit" class="link" name={props.inAgenda ? 'remove' : 'add'} value={s.id}>
          {props.inAgenda ? t('events.agenda.remove') : t('events.agenda.add')}
          <span class="visually-hidden"> – {s.title}</span>
        </button>
      ) : null}
    </article>
  );
}

/** Around a list of sessions: the agenda form for signed-in readers, nothing for others. */
function AgendaForm(props: { event: EventRecord; signedIn: boolean; children: ComponentChildren }) {
  if (!props.signedIn) return <>{props.children}</>;
  return (
    <PostForm action={`/events/${props.event.slug}/agenda`} class="agenda-form">
      {props.children}
    </PostForm>
  );
}

function ProgrammePage(props: {
  programme: schedule.Programme;
  allDays: string[];
  filters: schedule.ProgrammeFilters;
  agenda: Set<string>;
  signedIn: boolean;
}) {
  const view = useView();
  const { t } = view;
  const { event } = props.programme;
  const time = useEventTime(event.timeZone);
  return (
    <>
      <h1>{t('events.programme.title', { name: event.name })}</h1>
      <DemoNotice event={event} />
      <EventNav event={event} current={`/events/${event.slug}/programme`} />
      <p>{t('events.programme.zoneNote', { zone: event.timeZone })}</p>
      <form method="get" action={view.href(`/events/${event.slug}/programme`)} class="filters">
        <label for="filter-day">{t('events.programme.day')}</label>
        <select id="filter-day" name="day">
          <option value="">{t('events.programme.allDays')}</option>
          {props.allDays.map((d) => (
            <option key={d} value={d} selected={props.filters.day === d}>
              {time.day(d)}
            </option>
          ))}
        </select>
        <label for="filter-room">{t('events.programme.room')}</label>
        <select id="filter-room" name="room">
          <option value="">{t('events.programme.allRooms')}</option>
          {event.rooms.map((r) => (
            <option key={r.id} value={r.id} selected={props.filters.room === r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <label for="filter-theme">{t('events.programme.theme')}</label>
        <select id="filter-theme" name="theme">
          <option value="">{t('events.programme.allThemes')}</option>
          {props.programme.themes.map((x) => (
            <option key={x} value={x} selected={props.filters.theme === x}>
              {termLabel('theme', x)}
            </option>
          ))}
        </select>
        <button type="submit">{t('events.programme.filter')}</button>
      </form>
      <p>
        <a href={`/events/${event.slug}/programme.ics`}>{t('events.programme.ics')}</a>
      </p>
      {props.programme.days.length === 0 ? <p>{t('events.programme.empty')}</p> : null}
      <AgendaForm event={event} signedIn={props.signedIn}>
        {props.programme.days.map((d) => (
          <section key={d.day} aria-labelledby={`day-${d.day}`}>
            <h2 id={`day-${d.day}`}>{time.day(d.day)}</h2>
            {d.sessions.map((s) => (
              <SessionSummary
                key={s.id}
                event={event}
                session={s}
                inAgenda={props.agenda.has(s.id)}
                agenda={props.signedIn}
              />
            ))}
          </section>
        ))}
      </AgendaForm>
    </>
  );
}

function ReportView(props: { report: schedule.Report; level?: 'h2' | 'h3' }): VNode {
  const { t, formatNumber } = useView();
  const r = props.report;
  const H = props.level ?? 'h2';
  return (
    <section class="report">
      <H>{t('events.report.title')}</H>
      <p>{r.summary}</p>
      {r.keyTakeaways ? (
        <>
          <h4>{t('events.report.keyTakeaways')}</h4>
          <Lines text={r.keyTakeaways} />
        </>
      ) : null}
      {r.callsToAction ? (
        <>
          <h4>{t('events.report.callsToAction')}</h4>
          <Lines text={r.callsToAction} />
        </>
      ) : null}
      <p class="meta">
        {r.onsiteAttendance !== null
          ? t('events.report.onsite', { count: r.onsiteAttendance })
          : null}
        {r.onlineAttendance !== null
          ? ` · ${t('events.report.online', { count: r.onlineAttendance })}`
          : null}
        {Object.entries(r.participation).map(
          ([k, v]) => ` · ${t(`events.report.participation.${k}`)}: ${formatNumber(v)}`,
        )}
      </p>
    </section>
  );
}

function SessionPage(props: { event: EventRecord; session: schedule.Session; canReport: boolean }) {
  const view = useView();
  const { t } = view;
  const { event, session: s } = props;
  const time = useEventTime(event.timeZone);
  return (
    <>
      <p>
        <a href={view.href(`/events/${event.slug}/programme`)}>{t('events.programme.back')}</a>
      </p>
      <h1>{s.title}</h1>
      <DemoNotice event={event} />
      {s.startsAt ? (
        <p class="lead">
          {time.dateTime(s.startsAt)} – {time.time(s.endsAt!)} · {s.room}
        </p>
      ) : null}
      <p>
        <a href={`/events/${event.slug}/sessions/${s.id}.ics`}>{t('events.session.ics')}</a>
      </p>
      {s.description ? <p>{s.description}</p> : null}
      <h2>{t('events.session.people')}</h2>
      <ul>
        {s.people.map((p, i) => (
          <li key={i}>
            {p.name}
            {p.organisation ? `, ${p.organisation}` : ''}
            {p.stakeholderGroup
              ? ` (${termLabel('stakeholderGroup', p.stakeholderGroup)})`
              : ''} – {t(`events.role.${p.role}`)}
          </li>
        ))}
      </ul>
      {s.report?.filedAt ? (
        <ReportView report={s.report} />
      ) : (
        <p>{s.reportOverdue ? t('events.report.overdue') : t('events.report.none')}</p>
      )}
      {props.canReport ? (
        <p>
          <a href={view.href(`/events/${event.slug}/sessions/${s.id}/report`)}>
            {t('events.report.file')}
          </a>
        </p>
      ) : null}
    </>
  );
}

function SummaryPage(props: { event: EventRecord; sessions: schedule.Session[] }) {
  const view = useView();
  const { t } = view;
  const time = useEventTime(props.event.timeZone);
  const filed = props.sessions.filter((s) => s.report?.filedAt);
  const missing = props.sessions.filter((s) => s.reportOverdue);
  return (
    <article class="printable">
      <h1>{t('events.summary.title', { name: props.event.name })}</h1>
      <DemoNotice event={props.event} />
      <EventNav event={props.event} current={`/events/${props.event.slug}/summary`} />
      <p class="lead">
        {t('events.summary.intro', { count: filed.length, total: props.sessions.length })}
      </p>
      {filed.map((s) => (
        <section key={s.id} class="summary-session">
          <h2>{s.title}</h2>
          <p class="meta">
            {time.dateTime(s.startsAt!)} · {s.room}
          </p>
          <ReportView report={s.report!} level="h3" />
        </section>
      ))}
      {missing.length ? (
        <section>
          <h2>{t('events.summary.missing')}</h2>
          <ul>
            {missing.map((s) => (
              <li key={s.id}>{s.title}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

function AgendaPage(props: { event: EventRecord; sessions: schedule.Session[] }) {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('events.agenda.title', { name: props.event.name })}</h1>
      <EventNav event={props.event} current={`/events/${props.event.slug}/agenda`} />
      {!view.actor.userId ? <p>{t('events.agenda.signIn')}</p> : null}
      {view.actor.userId && props.sessions.length === 0 ? <p>{t('events.agenda.empty')}</p> : null}
      {props.sessions.length ? (
        <p>
          <a href={`/events/${props.event.slug}/agenda.ics`}>{t('events.agenda.ics')}</a>
        </p>
      ) : null}
      <AgendaForm event={props.event} signedIn>
        {props.sessions.map((s) => (
          <SessionSummary key={s.id} event={props.event} session={s} inAgenda agenda />
        ))}
      </AgendaForm>
    </>
  );
}

export async function eventsPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } } as const;

  app.get('/events', page, async (request, reply) => {
    const q = request.query as { page?: string };
    const pageNo = Math.max(1, Math.min(1000, Number(q.page) || 1));
    const list = await events.listEvents(request.ctx, pageNo, 20);
    return sendPage(
      request,
      reply,
      { title: request.t('events.list.title'), description: request.t('events.list.intro') },
      <EventList {...list} canCreate={events.canCreateEvents(request.ctx)} />,
    );
  });

  app.get('/events/:slug', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const event = await events.getEvent(request.ctx, slug);
    const mine = (await myProposals(request.ctx)).filter((p) =>
      event.calls.some((c) => c.id === p.callId),
    );
    return sendPage(
      request,
      reply,
      { title: event.name, description: event.description.slice(0, 200) },
      <EventPage
        event={event}
        mine={mine}
        canManage={events.canManageEvent(request.ctx, event.id)}
        canReview={await isReviewer(request.ctx, event.id)}
      />,
    );
  });

  app.get('/events/:slug/programme', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const q = request.query as Record<string, string | undefined>;
    const filters: schedule.ProgrammeFilters = {
      ...(q.day && /^\d{4}-\d{2}-\d{2}$/.test(q.day) ? { day: q.day } : {}),
      ...(q.room ? { room: q.room } : {}),
      ...(q.theme ? { theme: q.theme } : {}),
    };
    const [all, agenda] = await Promise.all([
      schedule.programme(request.ctx, slug),
      schedule.agenda(request.ctx, slug),
    ]);
    const p = schedule.filterProgramme(all, filters);
    return sendPage(
      request,
      reply,
      { title: request.t('events.programme.title', { name: p.event.name }) },
      <ProgrammePage
        programme={{ ...p, themes: all.themes }}
        allDays={schedule.programmeDays(all)}
        filters={filters}
        agenda={agenda}
        signedIn={!!request.actor.userId}
      />,
    );
  });

  app.get('/events/:slug/programme.ics', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const { event, sessions } = await schedule.allSessions(request.ctx, slug);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${event.slug}.ics"`)
      .send(schedule.calendarOf(request.ctx, event, sessions, event.name));
  });

  app.get('/events/:slug/sessions/:id', page, async (request, reply) => {
    const { slug, id } = request.params as { slug: string; id: string };
    if (id.endsWith('.ics')) {
      const { event, session } = await schedule.getSession(request.ctx, slug, id.slice(0, -4));
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="session-${session.id}.ics"`)
        .send(schedule.calendarOf(request.ctx, event, [session], session.title));
    }
    const { event, session } = await schedule.getSession(request.ctx, slug, id);
    return sendPage(
      request,
      reply,
      { title: session.title, description: session.description.slice(0, 200) },
      <SessionPage
        event={event}
        session={session}
        canReport={await schedule.canFileReport(request.ctx, session.id)}
      />,
    );
  });

  app.get('/events/:slug/summary', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const { event, sessions } = await schedule.allSessions(request.ctx, slug);
    return sendPage(
      request,
      reply,
      { title: request.t('events.summary.title', { name: event.name }) },
      <SummaryPage event={event} sessions={sessions.filter((s) => s.startsAt)} />,
    );
  });

  app.get('/events/:slug/agenda', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const { event, sessions } = await schedule.allSessions(request.ctx, slug);
    const mine = await schedule.agenda(request.ctx, slug);
    return sendPage(
      request,
      reply,
      { title: request.t('events.agenda.title', { name: event.name }) },
      <AgendaPage event={event} sessions={sessions.filter((s) => mine.has(s.id) && s.startsAt)} />,
    );
  });

  app.get('/events/:slug/agenda.ics', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    if (!request.actor.userId)
      throw new AppError('unauthenticated', 'Please sign in to see your agenda.');
    const { event, sessions } = await schedule.allSessions(request.ctx, slug);
    const mine = await schedule.agenda(request.ctx, slug);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${event.slug}-agenda.ics"`)
      .send(
        schedule.calendarOf(
          request.ctx,
          event,
          sessions.filter((s) => mine.has(s.id)),
          `${event.name} – agenda`,
        ),
      );
  });

  // The programme's agenda form: the button pressed names the session ("add" or "remove").
  app.post('/events/:slug/agenda', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const remove = typeof body.remove === 'string' ? body.remove : null;
    const id = remove ?? (typeof body.add === 'string' ? body.add : '');
    await schedule.setAgenda(request.ctx, id, remove === null);
    return seeOther(request, reply, `/events/${slug}/programme#session-${id}`);
  });

  app.post('/events/:slug/agenda/:id', page, async (request, reply) => {
    const { slug, id } = request.params as { slug: string; id: string };
    const body = (request.body ?? {}) as Record<string, string>;
    await schedule.setAgenda(request.ctx, id, body.op !== 'remove');
    return seeOther(request, reply, `/events/${slug}/programme#session-${id}`);
  });

  await app.register(proposalPages);
  await app.register(reviewPages);
  await app.register(managePages);
}
