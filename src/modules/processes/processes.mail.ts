import { fileURLToPath } from 'node:url';
import type { MailMessage } from '../../platform/mailer.ts';
import { loadCatalogue, isLocale, type Catalogue } from '../../platform/i18n/index.ts';
import { countryName } from '../reference/index.ts';
import type { VisibleObjections } from './processes.ts';

/**
 * The messages this module sends, in the recipient's language (messages processes.mail.*). They
 * carry only what the recipient may know: an applicant learns who objected only where the
 * process's policy makes it public.
 */

let catalogue: Catalogue | null = null;
function translator(locale: string) {
  catalogue ??= loadCatalogue(fileURLToPath(new URL('../../web/locales/', import.meta.url)));
  return catalogue.translator(isLocale(locale) ? locale : 'en');
}

export interface MailProcess {
  slug: string;
  name: string;
  timeZone: string;
}

export interface MailApplication {
  id: string;
  organisationName: string;
  meetingTitle: string;
  deadline: Date;
}

/** "Thursday 19 March 2026 at 00:00 EDT (2026-03-19T04:00:00Z)": the zone of the process, and UTC. */
export function formatDeadline(deadline: Date, timeZone: string, locale: string): string {
  const local = new Intl.DateTimeFormat(isLocale(locale) ? locale : 'en', {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(deadline);
  return `${local} (${deadline.toISOString().replace(/\.000Z$/, 'Z')})`;
}

function message(
  locale: string,
  to: string,
  key: string,
  values: Record<string, string | number>,
): MailMessage {
  const t = translator(locale);
  return {
    to,
    subject: t(`processes.mail.${key}.subject`, values),
    text: t(`processes.mail.${key}.text`, values),
    category: 'accreditation',
  };
}

function common(baseUrl: string, process: MailProcess, app: MailApplication, locale: string) {
  return {
    process: process.name,
    organisation: app.organisationName,
    meeting: app.meetingTitle,
    deadline: formatDeadline(app.deadline, process.timeZone, locale),
    registerUrl: `${baseUrl}/processes/${process.slug}/register`,
    reviewUrl: `${baseUrl}/processes/${process.slug}/applications`,
  };
}

export function appliedToApplicant(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
): MailMessage {
  return message(locale, to, 'applied', common(baseUrl, process, app, locale));
}

export function accreditedByStatusToApplicant(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
): MailMessage {
  return message(locale, to, 'accreditedByStatus', common(baseUrl, process, app, locale));
}

export function newApplicationToFocalPoint(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
): MailMessage {
  return message(locale, to, 'newApplication', common(baseUrl, process, app, locale));
}

export function objectionRecordedToFocalPoint(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
): MailMessage {
  return message(locale, to, 'objectionRecorded', common(baseUrl, process, app, locale));
}

/** What the applicant may be told about objections, under the process's policy. */
function objectionDetails(locale: string, visible: VisibleObjections): string {
  const t = translator(locale);
  const lines: string[] = [];
  if (visible.states?.length)
    lines.push(
      t('processes.mail.objectingStates', {
        states: visible.states.map((c) => countryName(c, locale)).join(', '),
      }),
    );
  if (visible.reasons?.length)
    lines.push(t('processes.mail.reasonsGiven', { reasons: visible.reasons.join(' / ') }));
  return lines.length ? `\n${lines.join('\n')}\n` : '';
}

export function objectionRaisedToApplicant(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
  visible: VisibleObjections,
): MailMessage {
  return message(locale, to, 'objectionRaised', {
    ...common(baseUrl, process, app, locale),
    count: visible.count,
    details: objectionDetails(locale, visible),
  });
}

export function objectionWithdrawnToFocalPoint(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
): MailMessage {
  return message(locale, to, 'objectionWithdrawnOwn', common(baseUrl, process, app, locale));
}

export function objectionWithdrawnToApplicant(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
  visible: VisibleObjections,
): MailMessage {
  return message(locale, to, 'objectionWithdrawn', {
    ...common(baseUrl, process, app, locale),
    count: visible.count,
  });
}

export function decisionToApplicant(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
  outcome: 'accredited' | 'refused',
  visible: VisibleObjections,
): MailMessage {
  return message(locale, to, outcome === 'accredited' ? 'accredited' : 'refused', {
    ...common(baseUrl, process, app, locale),
    count: visible.count,
    details: objectionDetails(locale, visible),
  });
}

export function decisionToFocalPoint(
  baseUrl: string,
  to: string,
  locale: string,
  process: MailProcess,
  app: MailApplication,
  outcome: 'accredited' | 'refused',
  count: number,
): MailMessage {
  return message(locale, to, 'decided', {
    ...common(baseUrl, process, app, locale),
    outcome,
    count,
  });
}
