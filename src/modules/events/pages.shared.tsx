import type { VNode } from 'preact';
import { isAppError, type AppError } from '../../platform/errors.ts';
import { useView } from '../../web/view.tsx';
import type { EventRecord } from './events.present.ts';
import { TAXONOMIES, type TaxonomyName } from '../reference/index.ts';

type EventTime = {
  time: (d: Date) => string;
  dateTime: (d: Date) => string;
  /** A 'YYYY-MM-DD' calendar day. */
  day: (iso: string) => string;
};

// Building an Intl.DateTimeFormat costs far more than using one: a programme of 300 sessions
// would build 900 of them. They are kept per language and zone.
const eventTimes = new Map<string, EventTime>();

/** Times of an event are shown in the event's own zone, with the zone named. */
export function useEventTime(timeZone: string): EventTime {
  const view = useView();
  const key = `${view.locale}|${timeZone}`;
  let found = eventTimes.get(key);
  if (!found) {
    const time = new Intl.DateTimeFormat(view.locale, { timeStyle: 'short', timeZone });
    const dateTime = new Intl.DateTimeFormat(view.locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone,
    });
    const day = new Intl.DateTimeFormat(view.locale, { dateStyle: 'full', timeZone: 'UTC' });
    found = {
      time: (d: Date) => time.format(d),
      dateTime: (d: Date) => `${dateTime.format(d)} (${timeZone})`,
      day: (iso: string) => day.format(new Date(`${iso}T12:00:00Z`)),
    };
    if (eventTimes.size > 500) eventTimes.clear();
    eventTimes.set(key, found);
  }
  return found;
}

export function DemoNotice(props: { event: Pick<EventRecord, 'isDemo'> }): VNode | null {
  const { t } = useView();
  if (!props.event.isDemo) return null;
  return (
    <p class="notice demo-notice" role="note">
      {t('events.demoNotice')}
    </p>
  );
}

export function EventNav(props: { event: EventRecord; current: string }): VNode {
  const view = useView();
  const base = `/events/${props.event.slug}`;
  const links: Array<[string, string]> = [
    [base, 'events.nav.overview'],
    [`${base}/programme`, 'events.nav.programme'],
    [`${base}/summary`, 'events.nav.summary'],
    [`${base}/agenda`, 'events.nav.agenda'],
  ];
  return (
    <nav class="subnav" aria-label={view.t('events.nav.label')}>
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

/** Lines of a textarea as a list (key takeaways, calls to action). */
export function Lines(props: { text: string }): VNode | null {
  const lines = props.text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return null;
  return (
    <ul>
      {lines.map((l, i) => (
        <li key={i}>{l}</li>
      ))}
    </ul>
  );
}

/** Runs a form action; on an AppError with a status a form can show, returns it for re-rendering. */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (
      isAppError(error) &&
      (error.status === 422 || error.status === 409 || error.status === 410)
    ) {
      return { ok: false, error };
    }
    throw error;
  }
}

export function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (Array.isArray(v)) return String(v[0] ?? '');
  return v === undefined || v === null ? '' : String(v);
}

export function list(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** A taxonomy term's label (English until the taxonomy catalogues are translated). */
export function termLabel(taxonomy: TaxonomyName, code: string): string {
  return (
    (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string; label: string }>).find(
      (x) => x.code === code,
    )?.label ?? code
  );
}
