import type { VNode } from 'preact';
import { LOCALES, type Locale } from '../platform/i18n/index.ts';
import { useView } from './view.tsx';

export interface LayoutProps {
  title: string;
  /** One-sentence description for search engines and link previews. */
  description?: string;
  /** The page's content, already rendered (so that the islands and head tags it needs are known). */
  contentHtml: string;
  /** Canonical path without locale; defaults to the current path. */
  canonical?: string;
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
  const canonical = `${view.baseUrl}${view.locale === 'en' ? '' : `/${view.locale}`}${canonicalPath === '/' && view.locale !== 'en' ? '' : canonicalPath}`;
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
        {LOCALES.map((locale) => (
          <link
            key={locale}
            rel="alternate"
            hreflang={locale}
            href={`${view.baseUrl}${view.hrefIn(locale, canonicalPath)}`}
          />
        ))}
        <meta property="og:title" content={props.title} />
        <meta property="og:type" content="website" />
        <meta property="og:url" content={canonical} />
        {props.description ? <meta property="og:description" content={props.description} /> : null}
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
