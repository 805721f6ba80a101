import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { canonicalQuery, describeQuery, FEED_ITEMS } from './awareness.ts';
import { asPublic, savedSearchKind } from './extensions.ts';
import { renderAtom } from './feeds.ts';
import { translatorFor } from './messages.ts';

/**
 * The Atom feed of any saved-search kind's search: its newest matching items. The feed
 * follows the reader's language (links open in it); entry ids do not depend on it.
 */
export async function searchFeed(
  ctx: ServiceContext,
  kindName: string,
  query: string,
  options: { localePrefix: string },
): Promise<string> {
  const kind = await savedSearchKind(kindName);
  if (!kind) throw AppError.notFound('This feed');
  const canonical = canonicalQuery(query);
  const params = new URLSearchParams(canonical);
  const items = await kind.changesSince(asPublic(ctx), params, new Date(0), FEED_ITEMS);
  const base = ctx.config.baseUrl;
  const t = translatorFor(ctx.locale);
  const suffix = canonical ? `?${canonical}` : '';
  const summary = describeQuery(canonical);
  return renderAtom({
    id: `${base}/feeds/${kindName}.atom${suffix}`,
    title: summary
      ? t('awareness.feed.titleWithQuery', { kind: t(kind.label), query: summary })
      : t('awareness.feed.title', { kind: t(kind.label) }),
    subtitle: t('awareness.feed.subtitle'),
    selfUrl: `${base}${options.localePrefix}/feeds/${kindName}.atom${suffix}`,
    alternateUrl: `${base}${options.localePrefix}${kind.searchPath ?? '/'}${kind.searchPath ? suffix : ''}`,
    language: ctx.locale,
    entries: items.map((item) => ({
      id: `${base}${item.path}`,
      title: item.title,
      url: `${base}${options.localePrefix}${item.path}`,
      summary: item.summary,
      updated: item.updatedAt,
    })),
  });
}
