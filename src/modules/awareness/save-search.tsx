import type { VNode } from 'preact';
import { useView } from '../../web/view.tsx';
import { PostForm, SelectField, TextField, type FormErrors } from '../../web/components/form.tsx';
import { canonicalQuery, FREQUENCIES, MAX_LABEL_LENGTH } from './awareness.ts';

export interface SaveSearchFormProps {
  /** The saved-search kind this page's search is, e.g. "catalogue". */
  kind: string;
  /** The query to save; the current page's query string by default. */
  query?: string;
  /** Values and errors when the form is shown again after bad input. */
  values?: { alertLabel?: string; alertFrequency?: string };
  errors?: FormErrors;
}

/**
 * "Save this search and get alerts": any search page can include it. Signed-in readers save the
 * search with a daily or weekly digest; everyone gets the search's Atom feed (also announced in
 * the page head for feed readers).
 */
export function SaveSearchForm(props: SaveSearchFormProps): VNode {
  const view = useView();
  const { t } = view;
  const query = canonicalQuery(props.query ?? view.query);
  const feedHref = view.href(
    `/feeds/${encodeURIComponent(props.kind)}.atom${query ? `?${query}` : ''}`,
  );
  view.head.push(
    <link
      rel="alternate"
      type="application/atom+xml"
      title={t('awareness.save.feedTitle')}
      href={feedHref}
    />,
  );
  const feedLink = (
    <p class="feed-link">
      <a href={feedHref} type="application/atom+xml">
        {t('awareness.save.feed')}
      </a>
    </p>
  );
  if (!view.actor.userId) {
    const here = `${view.path}${view.query ? `?${view.query}` : ''}`;
    return (
      <aside class="save-search" aria-labelledby="save-search-title">
        <h2 id="save-search-title">{t('awareness.save.title')}</h2>
        <p>
          <a href={view.href(`/sign-in?next=${encodeURIComponent(here)}`)}>
            {t('awareness.save.signIn')}
          </a>
        </p>
        {feedLink}
      </aside>
    );
  }
  return (
    <aside class="save-search" aria-labelledby="save-search-title">
      <h2 id="save-search-title">{t('awareness.save.title')}</h2>
      <PostForm action="/account/alerts">
        <input type="hidden" name="kind" value={props.kind} />
        <input type="hidden" name="query" value={query} />
        <TextField
          name="alertLabel"
          label={t('awareness.save.label')}
          hint={t('awareness.save.labelHint')}
          value={props.values?.alertLabel}
          maxLength={MAX_LABEL_LENGTH}
          errors={props.errors}
        />
        <SelectField
          name="alertFrequency"
          label={t('awareness.save.frequency')}
          value={props.values?.alertFrequency ?? 'weekly'}
          options={FREQUENCIES.map((f) => ({ value: f, label: t(`awareness.frequency.${f}`) }))}
          errors={props.errors}
        />
        <button type="submit">{t('awareness.save.submit')}</button>
      </PostForm>
      {feedLink}
    </aside>
  );
}
