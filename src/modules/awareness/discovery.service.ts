import type { ServiceContext } from '../../platform/context.ts';
import type { SitemapEntry } from '../../platform/module.ts';
import { LOCALES } from '../../platform/i18n/index.ts';
import { alternateUrls, localeUrl } from '../../web/seo.ts';
import { sitemapEntries } from './extensions.ts';

/** The sitemaps protocol allows at most 50,000 URLs per file; beyond that, an index. */
export const SITEMAP_LIMIT = 50_000;

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The static pages that exist, then every module's public pages. */
export async function* allSitemapEntries(
  ctx: ServiceContext,
  staticPaths: readonly string[],
): AsyncIterable<SitemapEntry> {
  for (const path of staticPaths) yield { path };
  yield* sitemapEntries(ctx);
}

function urlElement(baseUrl: string, entry: SitemapEntry): string {
  const links = alternateUrls(baseUrl, entry.path, entry.alternates ?? LOCALES)
    .map((a) => `<xhtml:link rel="alternate" hreflang="${a.hreflang}" href="${xml(a.href)}"/>`)
    .join('');
  const lastmod = entry.updatedAt ? `<lastmod>${entry.updatedAt.toISOString()}</lastmod>` : '';
  return `<url><loc>${xml(localeUrl(baseUrl, null, entry.path))}</loc>${lastmod}${links}</url>`;
}

function urlset(baseUrl: string, entries: SitemapEntry[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' +
    entries.map((e) => urlElement(baseUrl, e)).join('\n') +
    '\n</urlset>\n'
  );
}

/**
 * /sitemap.xml: one <url> per page (its language-negotiating address), with an hreflang link
 * to each language version and x-default. Past 50,000 pages it becomes a sitemap index of
 * /sitemap-N.xml files. `page` (from 1) renders one of those files.
 */
export async function renderSitemap(
  ctx: ServiceContext,
  staticPaths: readonly string[],
  page?: number,
): Promise<string | null> {
  const baseUrl = ctx.config.baseUrl;
  const first = page ? (page - 1) * SITEMAP_LIMIT : 0;
  const kept: SitemapEntry[] = [];
  let count = 0;
  for await (const entry of allSitemapEntries(ctx, staticPaths)) {
    if (count >= first && kept.length < SITEMAP_LIMIT) kept.push(entry);
    count++;
    // The index only needs the count; one page only needs its slice.
    if (page && kept.length >= SITEMAP_LIMIT) break;
  }
  if (page) return kept.length ? urlset(baseUrl, kept) : null;
  if (count <= SITEMAP_LIMIT) return urlset(baseUrl, kept);
  const files = Math.ceil(count / SITEMAP_LIMIT);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    Array.from(
      { length: files },
      (_, i) => `<sitemap><loc>${xml(`${baseUrl}/sitemap-${i + 1}.xml`)}</loc></sitemap>`,
    ).join('\n') +
    '\n</sitemapindex>\n'
  );
}

/** Paths no crawler should visit: personal pages, administration, secret links. */
const PRIVATE_PATHS = ['/account', '/admin', '/alerts/', '/calendar/', '/sign-in', '/sign-out'];

/** /robots.txt: private areas in every language, and where the sitemap is. */
export function renderRobots(baseUrl: string): string {
  const lines = ['User-agent: *', 'Allow: /'];
  for (const path of PRIVATE_PATHS) {
    lines.push(`Disallow: ${path}`);
    for (const locale of LOCALES) lines.push(`Disallow: /${locale}${path}`);
  }
  lines.push('', `Sitemap: ${baseUrl}/sitemap.xml`, '');
  return lines.join('\n');
}
