/**
 * What the organisers' pages share: the permission check, their navigation, form values and the
 * mapping of service error paths onto form fields, and wall-clock inputs in the event's zone.
 */
import type { VNode } from 'preact';
import type { FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { useView } from '../../web/view.tsx';
import type { FormErrors } from '../../web/components/form.tsx';
import type { EventRecord } from './events.present.ts';
import { canManageEvent, loadEvent } from './events.service.ts';
import { wallClock, zonedInstant } from './zones.ts';
import { localPath } from '../../web/redirect.ts';

/** Raw form values, as typed: a page re-renders them untouched when the input is refused. */
export type FormValues = Record<string, string>;

export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== null) out[k] = String(first);
  }
  return out;
}

/** Every value of a repeated field (checkboxes). */
export function formList(body: unknown, key: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const v = (body as Record<string, unknown>)[key];
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** An optional number field: empty is "not given"; anything else goes to the schema as typed. */
export function optionalNumber(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** The event an organiser manages, or 403 for everyone else (anonymous visitors never get here). */
export async function managedEvent(request: FastifyRequest): Promise<EventRecord> {
  const { slug } = request.params as { slug: string };
  const event = await loadEvent(request.ctx, slug);
  if (!canManageEvent(request.ctx, event.id)) {
    throw AppError.forbidden('Only the organisers of this event may manage it.');
  }
  return event;
}

/** Where an anonymous visitor is sent: sign in, then back to the page (or the dashboard on a post). */
export function signInPath(request: FastifyRequest): string {
  const path = request.pathWithoutLocale ?? request.url.split('?')[0] ?? '/';
  const { slug } = (request.params ?? {}) as { slug?: string };
  const back = request.method === 'GET' ? path : slug ? `/events/${slug}/manage` : '/events/new';
  return localPath(request, `/sign-in?next=${encodeURIComponent(back)}`);
}

/**
 * A service's field errors as form errors: `rename` turns a path ("/phases/0/name") into a field
 * name ("phase.0.name"); an error without fields becomes the form's own message.
 */
export function formErrors(
  error: AppError,
  rename: (path: string) => string = (p) => p.replace(/^\//, '').replace(/\//g, '.'),
): FormErrors {
  const out: FormErrors = {};
  for (const e of error.errors as FieldError[]) {
    const name = rename(e.path) || '_form';
    out[name] ??= e.message;
  }
  if (error.errors.length === 0) out._form = error.message;
  return out;
}

/** 'YYYY-MM-DDTHH:MM' for a datetime-local input, in the event's zone. */
export function localInput(instant: Date | null | undefined, timeZone: string): string {
  if (!instant) return '';
  const w = wallClock(instant, timeZone);
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** A datetime-local value read in the event's zone → an ISO instant; other text goes on as typed. */
export function instantFromLocal(value: string | undefined, timeZone: string): string {
  const v = (value ?? '').trim();
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(v);
  if (!m) return v;
  const at = zonedInstant(m[1]!, m[2]!, timeZone);
  // 31 April or 25:00 would roll over into another day: refuse what does not read back the same.
  if (Number.isNaN(at.getTime()) || localInput(at, timeZone) !== `${m[1]}T${m[2]}`) return v;
  return at.toISOString();
}

/** Every IANA zone the platform knows, UTC first. */
export function timeZoneOptions(current?: string): Array<{ value: string; label: string }> {
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  if (current && !zones.includes(current)) zones.unshift(current);
  return zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
}

export function ManageNav(props: { event: EventRecord; current: string }): VNode {
  const view = useView();
  const base = `/events/${props.event.slug}/manage`;
  const call = props.event.calls[props.event.calls.length - 1];
  const links: Array<[string, string]> = [
    [base, 'events.manage.nav.dashboard'],
    [`${base}/event`, 'events.manage.nav.event'],
    [`${base}/venue`, 'events.manage.nav.venue'],
    ...(call
      ? ([
          [`${base}/calls/${call.id}/reviewers`, 'events.manage.nav.reviewers'],
          [`${base}/calls/${call.id}/ranking`, 'events.manage.nav.ranking'],
          [`${base}/calls/${call.id}/similar`, 'events.manage.nav.similar'],
          [`${base}/calls/${call.id}/decisions`, 'events.manage.nav.decisions'],
        ] as Array<[string, string]>)
      : []),
    [`${base}/schedule`, 'events.manage.nav.schedule'],
    [`${base}/reports`, 'events.manage.nav.reports'],
  ];
  return (
    <nav class="subnav" aria-label={view.t('events.manage.nav.label')}>
      <ul>
        {links.map(([href, key]) => (
          <li key={href}>
            <a href={view.href(href)} aria-current={props.current === href ? 'page' : undefined}>
              {view.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A checkbox that posts "yes" when ticked (unticked boxes post nothing). */
export function Checkbox(props: { name: string; label: string; checked: boolean }): VNode {
  return (
    <div class="field">
      <label class="checkbox">
        <input type="checkbox" name={props.name} value="yes" checked={props.checked} />{' '}
        {props.label}
      </label>
    </div>
  );
}

/** A status line after a redirect ("saved"), read from the query string. */
export function Flash(props: { message: string | null }): VNode | null {
  if (!props.message) return null;
  return (
    <p class="notice ok" role="status">
      {props.message}
    </p>
  );
}
