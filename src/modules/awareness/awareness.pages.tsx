import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { isAppError } from '../../platform/errors.ts';
import { validate } from '../../platform/validation.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  CsrfInput,
  ErrorSummary,
  errorsByField,
  PostForm,
  type FormErrors,
} from '../../web/components/form.tsx';
import { describeQuery, FREQUENCIES } from './awareness.ts';
import {
  CalendarActionBody,
  IdParams,
  SaveSearchBody,
  TokenParams,
  UpdateSavedSearchBody,
} from './awareness.schemas.ts';
import * as searches from './saved-searches.service.ts';
import type { SavedSearchView } from './saved-searches.service.ts';
import * as calendars from './calendar.service.ts';
import type { CalendarLink } from './calendar.service.ts';
import { SaveSearchForm } from './save-search.tsx';
import { seeOther } from '../../web/redirect.ts';

const page = { config: { page: true }, schema: { hide: true } } as const;

const NOTICES = ['saved', 'updated', 'deleted'] as const;

function Notice(props: { done: string | undefined; prefix: string }): VNode | null {
  const { t } = useView();
  if (!props.done) return null;
  return (
    <p class="notice ok" role="status">
      {t(`${props.prefix}.${props.done}`)}
    </p>
  );
}

function SavedSearchItem(props: { item: SavedSearchView }): VNode {
  const view = useView();
  const { t } = view;
  const s = props.item;
  const summary = describeQuery(s.query);
  return (
    <li class="saved-search">
      <h2>{s.searchHref ? <a href={view.href(s.searchHref)}>{s.label}</a> : s.label}</h2>
      <p class="meta">
        {s.kindLabel}
        {summary ? ` · ${summary}` : ''}
      </p>
      <p class="meta">
        {s.lastSentAt
          ? t('awareness.alerts.lastSent', { date: view.formatDate(s.lastSentAt) })
          : t('awareness.alerts.neverSent')}
      </p>
      <form method="post" action={view.href(`/account/alerts/${s.id}`)} class="inline">
        <CsrfInput />
        <label for={`frequency-${s.id}`}>
          {t('awareness.alerts.frequencyOf', { label: s.label })}
        </label>{' '}
        <select id={`frequency-${s.id}`} name="alertFrequency">
          {FREQUENCIES.map((f) => (
            <option key={f} value={f} selected={f === s.frequency}>
              {t(`awareness.frequency.${f}`)}
            </option>
          ))}
        </select>{' '}
        <button type="submit">{t('awareness.alerts.update')}</button>
      </form>{' '}
      <form method="post" action={view.href(`/account/alerts/${s.id}/delete`)} class="inline">
        <CsrfInput />
        <button type="submit" class="secondary">
          {t('awareness.alerts.delete')}
          <span class="visually-hidden"> {s.label}</span>
        </button>
      </form>
      <p>
        <a href={view.href(s.feedHref)} type="application/atom+xml">
          {t('awareness.alerts.feed')}
          <span class="visually-hidden"> {s.label}</span>
        </a>
      </p>
    </li>
  );
}

interface AlertsPageProps {
  items: SavedSearchView[];
  done?: string;
  create?: {
    kind: string;
    query: string;
    values: { alertLabel?: string; alertFrequency?: string };
    errors: FormErrors;
  };
}

function AlertsPage(props: AlertsPageProps): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('awareness.alerts.title')}</h1>
      <p class="lead">{t('awareness.alerts.intro')}</p>
      <Notice done={props.done} prefix="awareness.alerts.done" />
      {props.create ? (
        <>
          <ErrorSummary errors={props.create.errors} />
          <SaveSearchForm
            kind={props.create.kind}
            query={props.create.query}
            values={props.create.values}
            errors={props.create.errors}
          />
        </>
      ) : null}
      {props.items.length === 0 ? (
        <p>{t('awareness.alerts.empty')}</p>
      ) : (
        <ul class="saved-searches plain">
          {props.items.map((item) => (
            <SavedSearchItem key={item.id} item={item} />
          ))}
        </ul>
      )}
      <p>
        <a href={view.href('/account/calendar')}>{t('awareness.alerts.calendarLink')}</a>
      </p>
    </>
  );
}

function CalendarPage(props: { link: CalendarLink | null; done?: string }): VNode {
  const view = useView();
  const { t } = view;
  const url = props.link ? `${view.baseUrl}/calendar/${props.link.token}.ics` : null;
  return (
    <>
      <h1>{t('awareness.calendar.title')}</h1>
      <p class="lead">{t('awareness.calendar.intro')}</p>
      <Notice done={props.done} prefix="awareness.calendar.done" />
      {url && props.link ? (
        <>
          <div class="field">
            <label for="calendar-url">{t('awareness.calendar.urlLabel')}</label>
            <p class="hint" id="calendar-url-hint">
              {t('awareness.calendar.urlHint')}
            </p>
            <input
              id="calendar-url"
              type="text"
              readOnly
              value={url}
              aria-describedby="calendar-url-hint"
            />
          </div>
          <p>
            <a href={url.replace(/^https?:/, 'webcal:')}>{t('awareness.calendar.subscribe')}</a>
          </p>
          <p class="meta">
            {t('awareness.calendar.created', { date: view.formatDate(props.link.createdAt) })}{' '}
            {props.link.lastUsedAt
              ? t('awareness.calendar.lastUsed', { date: view.formatDate(props.link.lastUsedAt) })
              : t('awareness.calendar.neverUsed')}
          </p>
          <PostForm action="/account/calendar" class="inline">
            <input type="hidden" name="action" value="reset" />
            <button type="submit">{t('awareness.calendar.reset')}</button>
          </PostForm>{' '}
          <PostForm action="/account/calendar" class="inline">
            <input type="hidden" name="action" value="revoke" />
            <button type="submit" class="secondary">
              {t('awareness.calendar.revoke')}
            </button>
          </PostForm>
        </>
      ) : (
        <PostForm action="/account/calendar">
          <input type="hidden" name="action" value="reset" />
          <button type="submit">{t('awareness.calendar.create')}</button>
        </PostForm>
      )}
      <h2>{t('awareness.calendar.publicTitle')}</h2>
      <p>
        <a href={view.href('/calendar/deadlines.ics')} type="text/calendar">
          {t('awareness.calendar.allDeadlines')}
        </a>
      </p>
    </>
  );
}

function UnsubscribePage(props: {
  token: string;
  target: { label: string; frequency: string } | null;
  done: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  if (!props.target) {
    return (
      <>
        <h1>{t('awareness.unsubscribe.invalidTitle')}</h1>
        <p>{t('awareness.unsubscribe.invalid')}</p>
      </>
    );
  }
  if (props.done || props.target.frequency === 'off') {
    return (
      <>
        <h1>{t('awareness.unsubscribe.doneTitle')}</h1>
        <p>{t('awareness.unsubscribe.done', { label: props.target.label })}</p>
        <p>
          <a href={view.href('/account/alerts')}>{t('awareness.unsubscribe.manage')}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t('awareness.unsubscribe.title')}</h1>
      <p>{t('awareness.unsubscribe.question', { label: props.target.label })}</p>
      {/* The signed token is the credential here: no session, no CSRF token (RFC 8058). */}
      <form method="post" action={view.href(`/alerts/unsubscribe/${props.token}`)}>
        <input type="hidden" name="confirm" value="1" />
        <button type="submit">{t('awareness.unsubscribe.confirm')}</button>
      </form>
    </>
  );
}

function one(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Form bodies as single strings (a repeated field keeps its first value). */
function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      const value = one(v);
      if (value !== undefined) out[k] = value;
    }
  }
  return out;
}

export async function awarenessPages(app: FastifyInstance): Promise<void> {
  // RFC 8058 lets mail providers post the one-click body as multipart/form-data: accept and
  // ignore it (the token in the URL is all that counts).
  if (!app.hasContentTypeParser('multipart/form-data')) {
    app.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, _body, done) => done(null, {}),
    );
  }

  app.get('/account/alerts', page, async (request, reply) => {
    const items = await searches.mySavedSearches(request.ctx);
    const done = one((request.query as Record<string, unknown>).done);
    return sendPage(
      request,
      reply,
      { title: request.t('awareness.alerts.title') },
      <AlertsPage items={items} done={NOTICES.find((n) => n === done)} />,
    );
  });

  app.post('/account/alerts', page, async (request, reply) => {
    const fields = formFields(request.body);
    const checked = validate(SaveSearchBody, fields);
    let errors = checked.ok ? [] : checked.errors;
    if (checked.ok) {
      try {
        await searches.saveSearch(request.ctx, {
          kind: checked.value.kind,
          query: checked.value.query ?? '',
          label: checked.value.alertLabel,
          frequency: checked.value.alertFrequency,
        });
        return seeOther(request, reply, '/account/alerts?done=saved');
      } catch (error) {
        if (!isAppError(error) || error.code !== 'validation') throw error;
        errors = error.errors;
      }
    }
    const items = await searches.mySavedSearches(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('awareness.alerts.title'), status: 422 },
      <AlertsPage
        items={items}
        create={{
          kind: fields.kind ?? '',
          query: fields.query ?? '',
          values: { alertLabel: fields.alertLabel, alertFrequency: fields.alertFrequency },
          errors: errorsByField(errors),
        }}
      />,
    );
  });

  app.post(
    '/account/alerts/:id',
    { ...page, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const checked = validate(UpdateSavedSearchBody, formFields(request.body));
      if (!checked.ok) {
        const items = await searches.mySavedSearches(request.ctx);
        return sendPage(
          request,
          reply,
          { title: request.t('awareness.alerts.title'), status: 422 },
          <>
            <ErrorSummary errors={errorsByField(checked.errors)} />
            <AlertsPage items={items} />
          </>,
        );
      }
      await searches.updateSavedSearch(request.ctx, id, {
        frequency: checked.value.alertFrequency,
        ...(checked.value.alertLabel ? { label: checked.value.alertLabel } : {}),
      });
      return seeOther(request, reply, '/account/alerts?done=updated');
    },
  );

  app.post(
    '/account/alerts/:id/delete',
    { ...page, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await searches.deleteSavedSearch(request.ctx, id);
      return seeOther(request, reply, '/account/alerts?done=deleted');
    },
  );

  app.get('/account/calendar', page, async (request, reply) => {
    const link = await calendars.myCalendarLink(request.ctx);
    const done = one((request.query as Record<string, unknown>).done);
    return sendPage(
      request,
      reply,
      { title: request.t('awareness.calendar.title') },
      <CalendarPage
        link={link}
        done={['reset', 'revoked'].includes(done ?? '') ? done : undefined}
      />,
    );
  });

  app.post('/account/calendar', page, async (request, reply) => {
    const checked = validate(CalendarActionBody, formFields(request.body));
    if (!checked.ok) {
      const link = await calendars.myCalendarLink(request.ctx);
      return sendPage(
        request,
        reply,
        { title: request.t('awareness.calendar.title'), status: 422 },
        <>
          <ErrorSummary errors={errorsByField(checked.errors)} />
          <CalendarPage link={link} />
        </>,
      );
    }
    if (checked.value.action === 'reset') {
      await calendars.resetCalendarLink(request.ctx);
      return seeOther(request, reply, '/account/calendar?done=reset');
    }
    await calendars.revokeCalendarLink(request.ctx);
    return seeOther(request, reply, '/account/calendar?done=revoked');
  });

  app.get(
    '/alerts/unsubscribe/:token',
    { ...page, schema: { hide: true, params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const target = await searches.unsubscribeTarget(request.ctx, token);
      const done = one((request.query as Record<string, unknown>).done) === '1';
      void reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer');
      return sendPage(
        request,
        reply,
        { title: request.t('awareness.unsubscribe.title'), status: target ? 200 : 404 },
        <UnsubscribePage token={token} target={target} done={done} />,
      );
    },
  );

  // One click from the mail client (RFC 8058: body "List-Unsubscribe=One-Click", no cookies), or
  // the confirmation page's button. The signed token is the credential, so no CSRF token.
  app.post(
    '/alerts/unsubscribe/:token',
    { config: { page: true, csrf: false }, schema: { hide: true, params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      await searches.unsubscribe(request.ctx, token);
      const fields = formFields(request.body);
      if (fields.confirm === '1') {
        return seeOther(request, reply, `/alerts/unsubscribe/${token}?done=1`);
      }
      return reply.type('text/plain; charset=utf-8').send('Unsubscribed.\n');
    },
  );
}
