import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { FieldError } from '../../platform/errors.ts';
import { errorsByField, type FormErrors, type Option } from '../../web/components/form.tsx';
import { useView, type View } from '../../web/view.tsx';
import {
  TAXONOMIES,
  languageName,
  languages as listLanguages,
  regions as listRegions,
  type TaxonomyName,
} from '../reference/index.ts';
import type { ThreadSummary } from './discussions.present.ts';

/** A term's label in the reader's language when the catalogue has it, else in English. */
export function termLabel(t: View['t'], taxonomy: TaxonomyName, code: string): string {
  const key = `taxonomy.${taxonomy}.${code}`;
  const translated = t(key);
  if (translated !== key) return translated;
  const term = (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string; label: string }>).find(
    (x) => x.code === code,
  );
  return term?.label ?? code;
}

export function themeOptions(t: View['t']): Option[] {
  return TAXONOMIES.theme.map((term) => ({
    value: term.code,
    label: termLabel(t, 'theme', term.code),
  }));
}

export interface Lookups {
  regionName(slug: string): string;
  regionOptions: Option[];
  languageOptions: Option[];
}

export async function lookups(request: FastifyRequest): Promise<Lookups> {
  const [regionRows, languageRows] = await Promise.all([
    listRegions(request.ctx),
    listLanguages(request.ctx),
  ]);
  const names = new Map(regionRows.map((r) => [r.slug, r.name]));
  const regionName = (slug: string) => {
    const key = `taxonomy.region.${slug}`;
    const translated = request.t(key);
    return translated === key ? (names.get(slug) ?? slug) : translated;
  };
  const collator = new Intl.Collator(request.locale);
  return {
    regionName,
    regionOptions: regionRows.map((r) => ({ value: r.slug, label: regionName(r.slug) })),
    languageOptions: languageRows
      .map((l) => ({ value: l.code, label: languageName(l.code, request.locale) }))
      .sort((a, b) => collator.compare(a.label, b.label)),
  };
}

/** Service error paths ("/themes/0", "/link/kind") → form field names. */
export function formErrors(errors: readonly FieldError[]): FormErrors {
  return errorsByField(errors);
}

export { localPath, seeOther } from '../../web/redirect.ts';

export function ThreadMeta(props: { thread: ThreadSummary; lookups: Lookups }): VNode {
  const view = useView();
  const { t } = view;
  const th = props.thread;
  return (
    <ul class="meta">
      {th.group ? (
        <li>
          <span class="tag private-tag">
            {t('discussions.privateGroup', { name: th.group.name })}
          </span>
        </li>
      ) : null}
      {th.status === 'hidden' ? (
        <li>
          <span class="tag">{t('discussions.hiddenTag')}</span>
        </li>
      ) : null}
      {th.isDemo ? (
        <li>
          <span class="tag">{t('discussions.demo')}</span>
        </li>
      ) : null}
      <li>{languageName(th.language, view.locale)}</li>
      {th.themes.map((theme) => (
        <li key={theme}>
          <a href={view.href(`/discussions?theme=${theme}`)}>{termLabel(t, 'theme', theme)}</a>
        </li>
      ))}
      {th.region ? (
        <li>
          <a href={view.href(`/discussions?region=${th.region}`)}>
            {props.lookups.regionName(th.region)}
          </a>
        </li>
      ) : null}
      <li>{t('discussions.replies', { count: th.replyCount })}</li>
      <li>
        {th.author
          ? t('discussions.startedBy', { name: th.author.name })
          : t('discussions.formerMember')}
        {' · '}
        <time dateTime={th.lastActivityAt.toISOString()}>{view.formatDate(th.lastActivityAt)}</time>
      </li>
    </ul>
  );
}

export function ThreadList(props: { items: ThreadSummary[]; lookups: Lookups }): VNode {
  const view = useView();
  return (
    <ul class="results">
      {props.items.map((th) => (
        <li key={th.id}>
          <article class="thread-card" id={`thread-${th.id}`}>
            <h3>
              <a href={view.href(`/discussions/${th.id}`)} lang={th.language}>
                {th.title}
              </a>
            </h3>
            {th.excerpt ? <p lang={th.language}>{th.excerpt}</p> : null}
            <ThreadMeta thread={th} lookups={props.lookups} />
          </article>
        </li>
      ))}
    </ul>
  );
}
