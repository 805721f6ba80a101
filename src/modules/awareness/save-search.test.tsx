import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import type { VNode } from 'preact';
import { ANONYMOUS, type Actor } from '../../platform/context.ts';
import { ViewProvider, type View } from '../../web/view.tsx';
import { translatorFor } from './messages.ts';
import { SaveSearchForm } from './save-search.tsx';

function render(actor: Actor, node: VNode, query = 'cost=free&page=3&q=norms') {
  const view = {
    locale: 'fr',
    dir: 'ltr',
    t: translatorFor('en'),
    path: '/catalogue',
    query,
    actor,
    csrfToken: 'token',
    baseUrl: 'https://commons.example',
    href: (p: string) => `/fr${p}`,
    hrefIn: (l: string, p?: string) => `/${l}${p ?? ''}`,
    formatDate: () => '',
    formatNumber: String,
    islands: new Set<string>(),
    head: [] as VNode[],
  } as unknown as View;
  const html = renderToString(<ViewProvider view={view}>{node}</ViewProvider>);
  const head = renderToString(<>{view.head}</>);
  return { html, head };
}

describe('the “save this search” form', () => {
  it('lets a signed-in reader save the page’s search (without paging) with an alert', () => {
    const reader: Actor = { userId: 'u1', label: 'Reader', grants: [], via: 'session' };
    const { html, head } = render(reader, <SaveSearchForm kind="catalogue" />);
    expect(html).toContain('action="/fr/account/alerts"');
    expect(html).toContain('name="_csrf" value="token"');
    expect(html).toContain('<input type="hidden" name="kind" value="catalogue"/>');
    expect(html).toContain('<input type="hidden" name="query" value="cost=free&amp;q=norms"/>');
    expect(html).toContain('name="alertFrequency"');
    expect(html).toMatch(/<option value="weekly" selected>/);
    expect(head).toBe(
      '<link rel="alternate" type="application/atom+xml" title="New and updated results of this search" href="/fr/feeds/catalogue.atom?cost=free&amp;q=norms"/>',
    );
  });

  it('offers anonymous readers to sign in, and the feed', () => {
    const { html } = render(ANONYMOUS, <SaveSearchForm kind="catalogue" />, 'q=norms');
    expect(html).not.toContain('<form');
    expect(html).toContain('href="/fr/sign-in?next=%2Fcatalogue%3Fq%3Dnorms"');
    expect(html).toContain('href="/fr/feeds/catalogue.atom?q=norms"');
  });
});
