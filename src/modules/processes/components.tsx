import type { ComponentChildren, VNode } from 'preact';
import { useView, type View } from '../../web/view.tsx';
import { countryName } from '../reference/index.ts';
import type { Process } from './processes.ts';
import type { PublicApplication } from './accreditation.service.ts';

/** Pieces shared by this module's pages. */

export function inZone(view: View, date: Date | null, timeZone: string): string {
  return view.formatDate(date, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
}

/** An instant shown in the process's zone, machine-readable in UTC. */
export function Instant(props: { value: Date | null; timeZone: string }): VNode | null {
  const view = useView();
  if (!props.value) return null;
  return (
    <time dateTime={props.value.toISOString()}>{inZone(view, props.value, props.timeZone)}</time>
  );
}

export function DateRange(props: { from: string | null; to: string | null }): VNode | null {
  const view = useView();
  if (!props.from) return null;
  const from = view.formatDate(props.from);
  const to = props.to && props.to !== props.from ? view.formatDate(props.to) : null;
  return (
    <span>
      <time dateTime={props.from}>{from}</time>
      {to ? (
        <>
          {' – '}
          <time dateTime={props.to!}>{to}</time>
        </>
      ) : null}
    </span>
  );
}

/** Paragraphs from plain text (blank lines separate them); text is escaped by Preact. */
export function Prose(props: { text: string }): VNode {
  const paragraphs = props.text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <>
      {paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </>
  );
}

export function DemoNotice(props: { children?: ComponentChildren }): VNode {
  const { t } = useView();
  return (
    <p class="notice warn demo-notice">
      <strong>{t('processes.demo.label')}</strong> {props.children ?? t('processes.demo.text')}
    </p>
  );
}

/** Tabs of a process: overview, register, review (for those who may). */
export function ProcessNav(props: {
  process: Process;
  current: 'overview' | 'register' | 'review' | 'apply' | 'delegations';
  review?: boolean;
  manage?: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const base = `/processes/${props.process.slug}`;
  const accreditation =
    props.process.modality === 'non-objection' || props.process.modality === 'ecosoc-only';
  const links: Array<{ key: typeof props.current; href: string; label: string }> = [
    { key: 'overview', href: base, label: t('processes.nav.overview') },
  ];
  if (accreditation) {
    links.push({ key: 'register', href: `${base}/register`, label: t('processes.nav.register') });
    links.push({ key: 'apply', href: `${base}/apply`, label: t('processes.nav.apply') });
  }
  if (props.review && accreditation)
    links.push({ key: 'review', href: `${base}/applications`, label: t('processes.nav.review') });
  if (props.manage)
    links.push({
      key: 'delegations',
      href: `${base}/delegations`,
      label: t('processes.nav.delegations'),
    });
  return (
    <nav class="process-nav" aria-label={t('processes.nav.label')}>
      <ul>
        {links.map((l) => (
          <li key={l.key}>
            <a href={view.href(l.href)} aria-current={l.key === props.current ? 'page' : undefined}>
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function OutcomeTag(props: { outcome: PublicApplication['outcome'] }): VNode {
  const { t } = useView();
  return (
    <span class={`tag outcome outcome-${props.outcome}`}>
      {t(`processes.outcome.${props.outcome}`)}
    </span>
  );
}

/** Objections as the reader may see them: count always, states and reasons per policy. */
export function ObjectionsCell(props: { objections: PublicApplication['objections'] }): VNode {
  const view = useView();
  const { t } = view;
  const o = props.objections;
  if (o.count === 0) return <span>{t('processes.objections.none')}</span>;
  return (
    <div>
      <span>{t('processes.objections.count', { count: o.count })}</span>
      {o.states?.length ? (
        <span>
          {': '}
          {o.states.map((c) => countryName(c, view.locale)).join(', ')}
        </span>
      ) : null}
      {o.reasons?.length ? (
        <ul class="reasons">
          {o.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function organisationLabel(view: View, app: PublicApplication): string {
  const country = app.organisation.country
    ? countryName(app.organisation.country, view.locale)
    : '';
  return country ? `${app.organisation.name} (${country})` : app.organisation.name;
}
