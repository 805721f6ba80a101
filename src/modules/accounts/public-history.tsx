import type { VNode } from 'preact';
import { useView } from '../../web/view.tsx';
import type { PublicHistoryEntry } from './audit.service.ts';

/**
 * The public history of an entity, for its page:
 * `<PublicHistory entries={await publicHistory(ctx, 'organisation', id)} />`.
 * Shows when and what changed, never who (people are not named in public).
 */
export function PublicHistory(props: {
  entries: readonly PublicHistoryEntry[];
  headingLevel?: 2 | 3;
}): VNode | null {
  const view = useView();
  const { t } = view;
  if (props.entries.length === 0) return null;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section class="public-history" aria-labelledby="public-history-title">
      <Heading id="public-history-title">{t('accounts.history.title')}</Heading>
      <ol class="history">
        {props.entries.map((entry, index) => {
          const key = `accounts.history.action.${entry.action}`;
          const label = view.t(key);
          return (
            <li key={index}>
              <time dateTime={new Date(entry.at).toISOString()}>
                {view.formatDate(entry.at, { dateStyle: 'medium', timeStyle: 'short' })}
              </time>{' '}
              {label === key ? t('accounts.history.changed', { action: entry.action }) : label}
              {entry.fields.length > 0 ? (
                <span class="meta">
                  {' '}
                  {t('accounts.history.fields', { fields: entry.fields.join(', ') })}
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
