/**
 * One rule for the addresses search engines see, used by the layout (canonical, hreflang) and by
 * the sitemap, so that the two always agree:
 * - each language version lives at /{locale}/path and is its own canonical;
 * - the unprefixed /path picks a language per reader and is the x-default;
 * - every version lists every other with hreflang.
 */
import { LOCALES } from '../platform/i18n/index.ts';

/** The absolute URL of `path` in `locale` (or the language-negotiating URL when null). */
export function localeUrl(baseUrl: string, locale: string | null, path: string): string {
  if (!locale) return `${baseUrl}${path}`;
  return `${baseUrl}/${locale}${path === '/' ? '' : path}`;
}

export interface Alternate {
  hreflang: string;
  href: string;
}

/** hreflang alternates of a page: one per locale it is offered in, and x-default. */
export function alternateUrls(
  baseUrl: string,
  path: string,
  locales: readonly string[] = LOCALES,
): Alternate[] {
  if (locales.length === 0) return [];
  return [
    ...locales.map((locale) => ({ hreflang: locale, href: localeUrl(baseUrl, locale, path) })),
    { hreflang: 'x-default', href: localeUrl(baseUrl, null, path) },
  ];
}

/** Open Graph locale names (language_TERRITORY) of the UI locales. */
export const OG_LOCALES: Record<string, string> = {
  en: 'en_GB',
  fr: 'fr_FR',
  es: 'es_ES',
  ru: 'ru_RU',
  zh: 'zh_CN',
  ar: 'ar_AR',
};

export interface OpenGraph {
  /** "website" by default; "article", "event", "profile"… */
  type?: string;
  /** Absolute URL, or a path on this site. */
  image?: string;
  imageAlt?: string;
}

/** Open Graph tags beyond title, description and URL (which the layout always sets). */
export function openGraphTags(
  baseUrl: string,
  locale: string,
  siteName: string,
  og: OpenGraph = {},
): Array<{ property: string; content: string }> {
  const tags = [
    { property: 'og:type', content: og.type ?? 'website' },
    { property: 'og:site_name', content: siteName },
    { property: 'og:locale', content: OG_LOCALES[locale] ?? locale },
    ...LOCALES.filter((l) => l !== locale).map((l) => ({
      property: 'og:locale:alternate',
      content: OG_LOCALES[l] ?? l,
    })),
  ];
  if (og.image) {
    tags.push({
      property: 'og:image',
      content: og.image.startsWith('/') ? `${baseUrl}${og.image}` : og.image,
    });
    if (og.imageAlt) tags.push({ property: 'og:image:alt', content: og.imageAlt });
  }
  return tags;
}
