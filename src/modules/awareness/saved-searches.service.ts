import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import { isLocale } from '../../platform/i18n/index.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './awareness.repository.ts';
import {
  canonicalQuery,
  describeQuery,
  FREQUENCIES,
  MAX_LABEL_LENGTH,
  MAX_QUERY_LENGTH,
  MAX_SAVED_SEARCHES,
  periodKey,
  verifyUnsubscribeToken,
  type Frequency,
} from './awareness.ts';
import { savedSearchKind, savedSearchKinds } from './extensions.ts';
import { translatorFor } from './messages.ts';

export interface SaveSearchInput {
  kind: string;
  query: string;
  label?: string | null;
  frequency: string;
}

export interface SavedSearchView {
  id: string;
  kind: string;
  kindLabel: string;
  query: string;
  label: string;
  frequency: Frequency;
  /** The search page with the saved query, without locale; null when the kind has no page. */
  searchHref: string | null;
  feedHref: string;
  lastSentAt: Date | null;
  createdAt: Date;
}

function requireUser(ctx: ServiceContext): string {
  authorize(ctx, 'alerts.manage');
  if (!ctx.actor.userId) throw new AppError('unauthenticated', 'Please sign in to do this.');
  return ctx.actor.userId;
}

function withQuery(path: string, query: string): string {
  return query ? `${path}?${query}` : path;
}

async function present(ctx: ServiceContext, row: repo.SavedSearchRow): Promise<SavedSearchView> {
  const kind = await savedSearchKind(row.kind);
  const t = translatorFor(ctx.locale);
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: kind ? t(kind.label) : row.kind,
    query: row.query,
    label: row.label,
    frequency: row.frequency,
    searchHref: kind?.searchPath ? withQuery(kind.searchPath, row.query) : null,
    feedHref: withQuery(`/feeds/${row.kind}.atom`, row.query),
    lastSentAt: row.last_sent_at,
    createdAt: row.created_at,
  };
}

/**
 * Saves a search with its alert, or updates the one already saved with the same query (saving
 * twice is not an error). The alert starts with the next period: nothing is sent for the past.
 */
export async function saveSearch(ctx: ServiceContext, input: SaveSearchInput) {
  const userId = requireUser(ctx);
  const errors: FieldError[] = [];
  const kinds = await savedSearchKinds();
  const kind = kinds[input.kind];
  if (!kind) errors.push({ path: '/kind', message: 'This kind of search cannot be saved.' });
  if (input.query.length > MAX_QUERY_LENGTH) {
    errors.push({ path: '/query', message: `Use at most ${MAX_QUERY_LENGTH} characters.` });
  }
  if (!(FREQUENCIES as readonly string[]).includes(input.frequency)) {
    errors.push({ path: '/alertFrequency', message: 'Choose one of the offered values.' });
  }
  const label = (input.label ?? '').trim();
  if (label.length > MAX_LABEL_LENGTH) {
    errors.push({ path: '/alertLabel', message: `Use at most ${MAX_LABEL_LENGTH} characters.` });
  }
  if (errors.length) throw AppError.validation(errors);
  const query = canonicalQuery(input.query);
  const frequency = input.frequency as Frequency;
  const t = translatorFor(ctx.locale);
  const name =
    label ||
    [t(kind!.label), describeQuery(query)].filter(Boolean).join(': ').slice(0, MAX_LABEL_LENGTH);
  const locale = isLocale(ctx.locale) ? ctx.locale : 'en';
  const now = ctx.clock.now();
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findByQuery(trx, userId, input.kind, query);
    if (existing) {
      const changes = {
        label: label || existing.label,
        frequency,
        locale,
        updated_at: now,
        ...(existing.frequency !== frequency ? { last_period: periodKey(frequency, now) } : {}),
      };
      const row = (await repo.updateSavedSearch(trx, existing.id, changes))!;
      await recordAudit(trx, ctx, {
        action: 'saved-search.update',
        entityType: 'saved-search',
        entityId: row.id,
        before: { label: existing.label, frequency: existing.frequency },
        after: { label: row.label, frequency: row.frequency },
      });
      return row;
    }
    if ((await repo.countSavedSearches(trx, userId)) >= MAX_SAVED_SEARCHES) {
      throw AppError.validation([
        {
          path: '/kind',
          message: `You can keep at most ${MAX_SAVED_SEARCHES} saved searches; delete one first.`,
        },
      ]);
    }
    const row = await repo.insertSavedSearch(trx, {
      id: newId(),
      user_id: userId,
      kind: input.kind,
      query,
      label: name,
      frequency,
      locale,
      watermark: now,
      last_period: periodKey(frequency, now),
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'saved-search.create',
      entityType: 'saved-search',
      entityId: row.id,
      after: { kind: row.kind, query: row.query, frequency: row.frequency },
    });
    return row;
  });
  return present(ctx, saved);
}

export async function mySavedSearches(ctx: ServiceContext): Promise<SavedSearchView[]> {
  const userId = requireUser(ctx);
  const rows = await repo.listSavedSearches(ctx.db, userId);
  return Promise.all(rows.map((row) => present(ctx, row)));
}

/** Changes a saved search's alert frequency or label; only its owner may. */
export async function updateSavedSearch(
  ctx: ServiceContext,
  id: string,
  input: { frequency?: string; label?: string },
) {
  const userId = requireUser(ctx);
  const errors: FieldError[] = [];
  if (
    input.frequency !== undefined &&
    !(FREQUENCIES as readonly string[]).includes(input.frequency)
  ) {
    errors.push({ path: '/alertFrequency', message: 'Choose one of the offered values.' });
  }
  const label = input.label?.trim();
  if (label !== undefined && (label.length === 0 || label.length > MAX_LABEL_LENGTH)) {
    errors.push({ path: '/alertLabel', message: `Use 1 to ${MAX_LABEL_LENGTH} characters.` });
  }
  if (errors.length) throw AppError.validation(errors);
  if (!isUuid(id)) throw AppError.notFound('The saved search');
  const row = await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.lockSavedSearch(trx, id);
    if (!existing || existing.user_id !== userId) throw AppError.notFound('The saved search');
    const now = ctx.clock.now();
    const frequency = (input.frequency ?? existing.frequency) as Frequency;
    const updated = (await repo.updateSavedSearch(trx, id, {
      ...(label ? { label } : {}),
      frequency,
      updated_at: now,
      ...(frequency !== existing.frequency ? { last_period: periodKey(frequency, now) } : {}),
    }))!;
    await recordAudit(trx, ctx, {
      action: 'saved-search.update',
      entityType: 'saved-search',
      entityId: id,
      before: { label: existing.label, frequency: existing.frequency },
      after: { label: updated.label, frequency: updated.frequency },
    });
    return updated;
  });
  return present(ctx, row);
}

export async function deleteSavedSearch(ctx: ServiceContext, id: string): Promise<void> {
  const userId = requireUser(ctx);
  if (!isUuid(id)) throw AppError.notFound('The saved search');
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.lockSavedSearch(trx, id);
    if (!existing || existing.user_id !== userId) throw AppError.notFound('The saved search');
    await repo.deleteSavedSearch(trx, id);
    await recordAudit(trx, ctx, {
      action: 'saved-search.delete',
      entityType: 'saved-search',
      entityId: id,
      before: { kind: existing.kind, query: existing.query, frequency: existing.frequency },
    });
  });
}

/** What an unsubscribe link is about, for its confirmation page; null for a bad link. */
export async function unsubscribeTarget(ctx: ServiceContext, token: string) {
  const id = verifyUnsubscribeToken(ctx.config.sessionSecret, token);
  if (!id) return null;
  const row = await repo.findSavedSearch(ctx.db, id);
  return row ? { id: row.id, label: row.label, frequency: row.frequency } : null;
}

/**
 * Turns a saved search's alert off through the signed link in its digest: no session needed
 * (RFC 8058 one-click). Idempotent; an unknown or forged token is a 404.
 */
export async function unsubscribe(ctx: ServiceContext, token: string) {
  const id = verifyUnsubscribeToken(ctx.config.sessionSecret, token);
  if (!id) throw AppError.notFound('This unsubscribe link');
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.lockSavedSearch(trx, id);
    if (!existing) throw AppError.notFound('This unsubscribe link');
    if (existing.frequency === 'off') return { id, label: existing.label, changed: false };
    await repo.updateSavedSearch(trx, id, { frequency: 'off', updated_at: ctx.clock.now() });
    await recordAudit(trx, ctx, {
      action: 'saved-search.unsubscribe',
      entityType: 'saved-search',
      entityId: id,
      before: { frequency: existing.frequency },
      after: { frequency: 'off', via: 'unsubscribe link' },
    });
    return { id, label: existing.label, changed: true };
  });
}
