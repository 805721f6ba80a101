import type { VNode } from 'preact';
import { LOCALES, type Locale } from '../platform/i18n/index.ts';
import { useView } from './view.tsx';
import { alternateUrls, openGraphTags, type OpenGraph } from './seo.ts';

export interface LayoutProps {
  title: string;
  /** One-sentence description for search engines and link previews. */
  description?: string;
  /** The page's content, already rendered (so that the islands and head tags it needs are known). */
  contentHtml: string;
  /** Canonical path without locale; defaults to the current path. */
  canonical?: string;
  /** Open Graph type and image (title, description and URL are always set). */
  openGraph?: OpenGraph;
}

const LANGUAGE_NAMES: Record<Locale, string> = {
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
};

const NAV: Array<{ path: string; key: string }> = [
  { path: '/catalogue', key: 'layout.nav.catalogue' },
  { path: '/initiatives', key: 'layout.nav.initiatives' },
  { path: '/organisations', key: 'layout.nav.organisations' },
  { path: '/processes', key: 'layout.nav.processes' },
  { path: '/events', key: 'layout.nav.events' },
  { path: '/experts', key: 'layout.nav.experts' },
  { path: '/discussions', key: 'layout.nav.discussions' },
];

function LanguageSwitcher(): VNode {
  const view = useView();
  return (
    <nav class="languages" aria-label={view.t('layout.languages')}>
      <ul>
        {LOCALES.map((locale) => (
          <li key={locale}>
            <a
              href={view.hrefIn(locale)}
              lang={locale}
              hreflang={locale}
              aria-current={locale === view.locale ? 'true' : undefined}
            >
              {LANGUAGE_NAMES[locale]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function AccountLinks(): VNode {
  const view = useView();
  if (view.actor.userId) {
    return (
      <div class="account">
        <a href={view.href('/account')}>{view.actor.label}</a>
        <form method="post" action={view.href('/sign-out')} class="inline">
          <input type="hidden" name="_csrf" value={view.csrfToken} />
          <button type="submit" class="link">
            {view.t('layout.signOut')}
          </button>
        </form>
      </div>
    );
  }
  return (
    <div class="account">
      <a href={view.href('/sign-in')}>{view.t('layout.signIn')}</a>
    </div>
  );
}

export function Layout(props: LayoutProps): VNode {
  const view = useView();
  const canonicalPath = props.canonical ?? view.path;
  // Each language version is its own canonical (/fr/x); the unprefixed URL is the x-default.
  const canonical = `${view.baseUrl}${view.href(canonicalPath)}`;
  const body = (
    <body>
      <a class="skip-link" href="#main">
        {view.t('layout.skipToContent')}
      </a>
      <header class="site-header">
        <a class="brand" href={view.href('/')}>
          {view.t('layout.siteName')}
        </a>
        <nav class="main-nav" aria-label={view.t('layout.mainNavigation')}>
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <a
                  href={view.href(item.path)}
                  aria-current={
                    view.path === item.path || view.path.startsWith(`${item.path}/`)
                      ? 'page'
                      : undefined
                  }
                >
                  {view.t(item.key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <AccountLinks />
        <LanguageSwitcher />
      </header>
      <main id="main" tabIndex={-1} dangerouslySetInnerHTML={{ __html: props.contentHtml }} />
      <footer class="site-footer">
        <p>{view.t('layout.footer')}</p>
        <p>
          <a href="/docs">{view.t('layout.apiDocs')}</a>
        </p>
      </footer>
    </body>
  );
  const islands = [...view.islands];
  return (
    <html lang={view.locale} dir={view.dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${view.t('layout.siteName')}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        <link rel="canonical" href={canonical} />
        {alternateUrls(view.baseUrl, canonicalPath).map((a) => (
          <link key={a.hreflang} rel="alternate" hreflang={a.hreflang} href={a.href} />
        ))}
        <meta property="og:title" content={props.title} />
        <meta property="og:url" content={canonical} />
        {props.description ? <meta property="og:description" content={props.description} /> : null}
        {openGraphTags(view.baseUrl, view.locale, view.t('layout.siteName'), props.openGraph).map(
          (tag, i) => (
            <meta key={`${tag.property}-${i}`} property={tag.property} content={tag.content} />
          ),
        )}
        <link rel="stylesheet" href="/build/main.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {view.head}
        {islands.map((name) => (
          <script key={name} type="module" src={`/build/islands/${name}.js`} />
        ))}
      </head>
      {body}
    </html>
  );
}
