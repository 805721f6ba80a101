import { renderToString } from 'preact-render-to-string';
import type { ChangedItem } from '../../platform/module.ts';
import type { Translate } from '../../platform/i18n/index.ts';
import { textDirection } from '../../platform/i18n/index.ts';

export interface DigestContent {
  locale: string;
  t: Translate;
  name: string;
  label: string;
  since: Date;
  items: ChangedItem[];
  /** More matched than the mail lists. */
  more: boolean;
  baseUrl: string;
  searchUrl: string | null;
  manageUrl: string;
  unsubscribeUrl: string;
}

function formatDate(locale: string, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

function itemUrl(d: DigestContent, item: ChangedItem): string {
  return `${d.baseUrl}/${d.locale}${item.path}`;
}

function clip(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function digestSubject(d: DigestContent): string {
  return d.t('awareness.digest.subject', { count: d.items.length, label: d.label });
}

/** The plain-text part: what every mail client shows. */
export function digestText(d: DigestContent): string {
  const { t } = d;
  const lines = [
    t('awareness.digest.greeting', { name: d.name }),
    '',
    t('awareness.digest.intro', { label: d.label, since: formatDate(d.locale, d.since) }),
    '',
  ];
  for (const item of d.items) {
    lines.push(`* ${item.title}`);
    if (item.summary) lines.push(`  ${clip(item.summary)}`);
    lines.push(`  ${itemUrl(d, item)}`, '');
  }
  if (d.more) lines.push(t('awareness.digest.more'), '');
  if (d.searchUrl) lines.push(`${t('awareness.digest.seeAll')}: ${d.searchUrl}`);
  lines.push(`${t('awareness.digest.manage')}: ${d.manageUrl}`);
  lines.push(`${t('awareness.digest.unsubscribe')}: ${d.unsubscribeUrl}`);
  return lines.join('\n');
}

/** The HTML part, rendered (and escaped) by Preact like the pages. */
export function digestHtml(d: DigestContent): string {
  const { t } = d;
  return (
    '<!doctype html>' +
    renderToString(
      <html lang={d.locale} dir={textDirection(d.locale)}>
        <head>
          <meta charSet="utf-8" />
          <title>{digestSubject(d)}</title>
        </head>
        <body>
          <p>{t('awareness.digest.greeting', { name: d.name })}</p>
          <p>
            {t('awareness.digest.intro', { label: d.label, since: formatDate(d.locale, d.since) })}
          </p>
          <ul>
            {d.items.map((item) => (
              <li key={item.id}>
                <a href={itemUrl(d, item)}>{item.title}</a>
                {item.summary ? <p>{clip(item.summary)}</p> : null}
              </li>
            ))}
          </ul>
          {d.more ? <p>{t('awareness.digest.more')}</p> : null}
          {d.searchUrl ? (
            <p>
              <a href={d.searchUrl}>{t('awareness.digest.seeAll')}</a>
            </p>
          ) : null}
          <p>
            <a href={d.manageUrl}>{t('awareness.digest.manage')}</a> ·{' '}
            <a href={d.unsubscribeUrl}>{t('awareness.digest.unsubscribe')}</a>
          </p>
        </body>
      </html>,
    )
  );
}
