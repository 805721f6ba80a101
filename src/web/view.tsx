import { createContext, type ComponentChildren, type VNode } from 'preact';
import { useContext } from 'preact/hooks';
import { renderToString } from 'preact-render-to-string';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/context.ts';
import {
  LOCALES,
  textDirection,
  type Locale,
  type MessageValues,
  type Translate,
} from '../platform/i18n/index.ts';
import { Layout, type LayoutProps } from './layout.tsx';

/** What every component may need to know about the request it renders for. */
export interface View {
  locale: Locale;
  dir: 'ltr' | 'rtl';
  t: Translate;
  /** Current path without the locale prefix. */
  path: string;
  /** Query string of the current request, without "?". */
  query: string;
  actor: Actor;
  csrfToken: string;
  baseUrl: string;
  /** A link that keeps the reader's language. */
  href(path: string): string;
  /** A link to the same page in another language. */
  hrefIn(locale: Locale, path?: string): string;
  formatDate(value: Date | string | null | undefined, options?: Intl.DateTimeFormatOptions): string;
  formatNumber(value: number, options?: Intl.NumberFormatOptions): string;
  /** A taxonomy term's label in the reader's language, e.g. term('theme', 'cybercrime'). */
  term(taxonomy: string, code: string): string;
  /** Islands used on this page: their scripts are added at the end of the body. */
  islands: Set<string>;
  /** Extra `<head>` elements (JSON-LD, Open Graph, alternate links). */
  head: VNode[];
}

const ViewContext = createContext<View | null>(null);

export function useView(): View {
  const view = useContext(ViewContext);
  if (!view) throw new Error('useView outside a page render');
  return view;
}

/** Shorthand for components: `const t = useT()`. */
export function useT(): (key: string, values?: MessageValues) => string {
  return useView().t;
}

export function viewFor(request: FastifyRequest): View {
  // Errors raised before the locale hook still render, in English.
  const locale = request.locale ?? 'en';
  const t = request.t ?? request.server.catalogue.translator(locale);
  const prefix = request.localeInPath ? `/${locale}` : '';
  const path = request.pathWithoutLocale ?? request.url.split('?')[0] ?? '/';
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  return {
    locale,
    dir: textDirection(locale),
    t,
    path,
    query,
    actor: request.actor ?? { userId: null, label: 'anonymous', grants: [], via: 'anonymous' },
    get csrfToken() {
      return request.csrfToken();
    },
    baseUrl: request.server.deps.config.baseUrl,
    href: (target: string) =>
      target.startsWith('/') ? `${prefix}${target === '/' && prefix ? '' : target}` || '/' : target,
    hrefIn: (other: Locale, target?: string) => {
      const p = target ?? `${path}${query ? `?${query}` : ''}`;
      return `/${other}${p === '/' ? '' : p}`;
    },
    formatDate(value, options = { dateStyle: 'medium' }) {
      if (!value) return '';
      const date =
        typeof value === 'string'
          ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value)
          : value;
      if (Number.isNaN(date.getTime())) return '';
      const key = JSON.stringify(options);
      let format = dateFormats.get(key);
      if (!format) {
        const opts =
          typeof value === 'string' && value.length === 10
            ? { timeZone: 'UTC', ...options }
            : options;
        format = new Intl.DateTimeFormat(locale, opts);
        dateFormats.set(key, format);
      }
      return format.format(date);
    },
    formatNumber: (value, options) => new Intl.NumberFormat(locale, options).format(value),
    term: (taxonomy, code) => {
      const key = `taxonomy.${taxonomy}.${code}`;
      const label = t(key);
      return label === key ? code : label;
    },
    islands: new Set(),
    head: [],
  };
}

export function ViewProvider(props: { view: View; children: ComponentChildren }): VNode {
  return <ViewContext.Provider value={props.view}>{props.children}</ViewContext.Provider>;
}

/** Renders a whole document: the layout around the page's content. */
export function renderDocument(
  view: View,
  layout: Omit<LayoutProps, 'contentHtml'>,
  content: ComponentChildren,
): string {
  // Content first: rendering it registers the islands and head tags the layout then lists.
  const contentHtml = renderToString(<ViewProvider view={view}>{content}</ViewProvider>);
  return (
    '<!doctype html>' +
    renderToString(
      <ViewProvider view={view}>
        <Layout {...layout} contentHtml={contentHtml} />
      </ViewProvider>,
    )
  );
}

export interface PageOptions extends Omit<LayoutProps, 'contentHtml'> {
  status?: number;
}

/** Sends a page: `return sendPage(request, reply, { title }, <Content />)`. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: PageOptions,
  content: ComponentChildren,
): FastifyReply {
  const view = viewFor(request);
  const { status = 200, ...layout } = options;
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(renderDocument(view, layout, content));
}

export { LOCALES };
