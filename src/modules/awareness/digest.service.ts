import type { ServiceContext } from '../../platform/context.ts';
import type { ChangedItem } from '../../platform/module.ts';
import * as repo from './awareness.repository.ts';
import { DIGEST_ITEMS, periodKey, unsubscribeToken } from './awareness.ts';
import { asPublic, savedSearchKinds } from './extensions.ts';
import { translatorFor } from './messages.ts';
import { digestHtml, digestSubject, digestText, type DigestContent } from './digest.mail.tsx';

export interface DigestRunSummary {
  checked: number;
  sent: number;
  empty: number;
  failed: number;
}

const BATCH = 100;

/**
 * Sends every due alert digest: for each saved search whose daily or weekly period has no digest
 * yet, what is new or changed since the last one. Each search's digest is claimed, queued and its
 * watermark moved in one transaction (the claim's primary key is the period), and mail leaves the
 * outbox after commit: a run that crashes half-way and is retried sends each digest once.
 */
export async function sendDigests(ctx: ServiceContext): Promise<DigestRunSummary> {
  const summary: DigestRunSummary = { checked: 0, sent: 0, empty: 0, failed: 0 };
  const kinds = await savedSearchKinds();
  const errors: string[] = [];
  let afterId: string | null = null;
  for (;;) {
    const now = ctx.clock.now();
    const periods = { daily: periodKey('daily', now), weekly: periodKey('weekly', now) };
    const batch = await repo.dueSavedSearches(ctx.db, periods, afterId, BATCH);
    if (batch.length === 0) break;
    afterId = batch[batch.length - 1]!.id;
    for (const search of batch) {
      summary.checked++;
      try {
        const outcome = await sendOne(ctx, search, kinds);
        if (outcome === 'sent') summary.sent++;
        else if (outcome === 'empty') summary.empty++;
      } catch (error) {
        summary.failed++;
        errors.push(`${search.id}: ${error instanceof Error ? error.message : String(error)}`);
        ctx.log.error({ err: error, savedSearch: search.id }, 'digest failed');
      }
    }
  }
  // The failed ones are still due: failing the job retries them (and only them) later.
  if (errors.length) throw new Error(`${errors.length} digest(s) failed: ${errors.join('; ')}`);
  return summary;
}

type DueSearch = Awaited<ReturnType<typeof repo.dueSavedSearches>>[number];

async function sendOne(
  ctx: ServiceContext,
  search: DueSearch,
  kinds: Awaited<ReturnType<typeof savedSearchKinds>>,
): Promise<'sent' | 'empty' | 'skipped'> {
  // The watermark moves to the moment before the search ran: anything changed while it ran
  // comes in the next digest rather than in none.
  const now = ctx.clock.now();
  const period = periodKey(search.frequency, now);
  const kind = kinds[search.kind];
  let items: ChangedItem[] = [];
  if (kind) {
    items = await kind.changesSince(
      { ...asPublic(ctx), locale: search.locale },
      new URLSearchParams(search.query),
      search.watermark,
      DIGEST_ITEMS + 1,
    );
  } else {
    ctx.log.warn({ savedSearch: search.id, kind: search.kind }, 'saved search of unknown kind');
  }
  const more = items.length > DIGEST_ITEMS;
  items = items.slice(0, DIGEST_ITEMS);

  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const current = await repo.lockSavedSearch(trx, search.id);
    // Unsubscribed or changed meanwhile: the new settings decide next time.
    if (!current || current.frequency !== search.frequency) return 'skipped' as const;
    const claimed = await repo.claimDigest(trx, {
      saved_search_id: search.id,
      period,
      created_at: now,
      item_count: items.length,
    });
    if (!claimed) return 'skipped' as const;
    if (items.length > 0) {
      const message = digestMessage(ctx, search, {
        items,
        more,
        period,
        searchPath: kind?.searchPath,
      });
      const mailId = await ctx.mailer.queue(trx, message);
      await repo.setDigestMail(trx, search.id, period, mailId);
    }
    await repo.updateSavedSearch(trx, search.id, {
      watermark: now,
      last_period: period,
      ...(items.length > 0 ? { last_sent_at: now } : {}),
    });
    return items.length > 0 ? ('sent' as const) : ('empty' as const);
  });
  if (outcome === 'sent') await ctx.mailer.deliverPending(ctx.db);
  return outcome;
}

function digestMessage(
  ctx: ServiceContext,
  search: DueSearch,
  digest: { items: ChangedItem[]; more: boolean; period: string; searchPath?: string },
) {
  const { items, more, period, searchPath } = digest;
  const base = ctx.config.baseUrl;
  const locale = search.locale;
  const t = translatorFor(locale);
  // Links carry the reader's language, so that each page opens in it.
  const unsubscribeUrl = `${base}/${locale}/alerts/unsubscribe/${unsubscribeToken(ctx.config.sessionSecret, search.id)}`;
  const content: DigestContent = {
    locale,
    t,
    name: search.display_name,
    label: search.label,
    since: search.watermark,
    items,
    more,
    baseUrl: base,
    searchUrl: searchPath
      ? `${base}/${locale}${searchPath}${search.query ? `?${search.query}` : ''}`
      : null,
    manageUrl: `${base}/${locale}/account/alerts`,
    unsubscribeUrl,
  };
  return {
    to: search.email,
    subject: digestSubject(content),
    text: digestText(content),
    html: digestHtml(content),
    category: 'digest',
    idempotencyKey: `digest:${search.id}:${period}`,
    headers: {
      // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe that POSTs here.
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${t('awareness.digest.listName')} <alerts.${new URL(base).hostname}>`,
      'Content-Language': locale,
      'Auto-Submitted': 'auto-generated',
    },
  };
}
