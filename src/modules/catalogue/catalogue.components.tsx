/** Server-rendered pieces shared by the catalogue's pages. */
import type { VNode } from 'preact';
import { useView } from '../../web/view.tsx';
import { languageName, TAXONOMIES, type TaxonomyName } from '../reference/index.ts';
import { pickText, type Resource } from './resources.ts';
import { resourcePath } from './resources.present.ts';

/** A vocabulary term's label: the message catalogue's translation, else the reference label. */
export function useTerm(): (taxonomy: TaxonomyName, code: string) => string {
  const { t } = useView();
  return (taxonomy, code) => {
    const key = `taxonomy.${taxonomy}.${code}`;
    const translated = t(key);
    if (translated !== key) return translated;
    return (
      (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string; label: string }>).find(
        (term) => term.code === code,
      )?.label ?? code
    );
  };
}

export function useLanguageName(): (code: string) => string {
  const { locale } = useView();
  return (code) => languageName(code, locale);
}

/** Cost as a reader needs it: "Free", "Paid: 790 EUR (scholarships)". */
export function CostText(props: { resource: Pick<Resource, 'cost' | 'price' | 'currency'> }) {
  const view = useView();
  const term = useTerm();
  const { cost, price, currency } = props.resource;
  const label = term('cost', cost);
  if (price === null || !currency || cost === 'free' || cost === 'funded') return <>{label}</>;
  const amount = view.formatNumber(price, {
    style: 'currency',
    currency,
    maximumFractionDigits: 0,
  });
  return <>{view.t('catalogue.costWithPrice', { cost: label, amount })}</>;
}

/** One line of the facts a reader weighs: kind, provider, cost, format, hours, languages. */
export function ResourceMeta(props: { resource: Resource }): VNode {
  const view = useView();
  const term = useTerm();
  const language = useLanguageName();
  const r = props.resource;
  return (
    <ul class="meta">
      <li>{term('resourceKind', r.kind)}</li>
      {r.providers.length ? <li>{r.providers.map((p) => p.name).join(', ')}</li> : null}
      <li>
        <CostText resource={r} />
      </li>
      <li>{term('format', r.format)}</li>
      {r.durationHours !== null ? (
        <li>{view.t('catalogue.hours', { count: r.durationHours })}</li>
      ) : null}
      {r.languages.length ? <li>{r.languages.map(language).join(', ')}</li> : null}
      {r.enrolBy ? (
        <li>{view.t('catalogue.enrolBy', { date: view.formatDate(r.enrolBy) })}</li>
      ) : null}
    </ul>
  );
}

/** A resource's title in the reader's language, marked with its own language when different. */
export function ResourceTitle(props: { resource: Resource; link?: boolean }): VNode {
  const view = useView();
  const title = pickText(props.resource.title, view.locale);
  const text = title?.text ?? props.resource.slug;
  const lang = title && title.language !== view.locale ? title.language : undefined;
  return props.link === false ? (
    <span lang={lang}>{text}</span>
  ) : (
    <a href={view.href(resourcePath(props.resource.slug))} lang={lang}>
      {text}
    </a>
  );
}

export function ResourceList(props: {
  resources: readonly Resource[];
  highlights?: ReadonlyMap<string, string>;
  headingLevel?: 2 | 3;
}): VNode {
  const view = useView();
  const Heading = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ol class="results">
      {props.resources.map((r) => {
        const summary = pickText(r.summary, view.locale);
        const highlight = props.highlights?.get(r.id);
        return (
          <li key={r.id}>
            <Heading>
              <ResourceTitle resource={r} />
            </Heading>
            <ResourceMeta resource={r} />
            {highlight ? (
              <p class="snippet" dangerouslySetInnerHTML={{ __html: highlight }} />
            ) : summary ? (
              <p lang={summary.language !== view.locale ? summary.language : undefined}>
                {summary.text}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

export function StatusTag(props: { status: string }): VNode {
  const { t } = useView();
  return <span class={`tag status-${props.status}`}>{t(`catalogue.status.${props.status}`)}</span>;
}
