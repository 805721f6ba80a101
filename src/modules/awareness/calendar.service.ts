import ical, { ICalEventTransparency } from 'ical-generator';
import type { ServiceContext } from '../../platform/context.ts';
import type { Deadline } from '../../platform/module.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isLocale } from '../../platform/i18n/index.ts';
import { actorFor, authorize } from '../accounts/index.ts';
import * as repo from './awareness.repository.ts';
import { CALENDAR_TOKEN, newCalendarToken, underPath } from './awareness.ts';
import { allDeadlines, asPublic } from './extensions.ts';
import { translatorFor } from './messages.ts';

/** The sections whose items have public calendars of their own: /calendar/{section}/{slug}.ics. */
export const CALENDAR_SECTIONS = ['processes', 'events'] as const;

/** Public deadlines of every module, or of the pages under `prefix` (one process or event). */
export async function publicDeadlines(ctx: ServiceContext, prefix?: string): Promise<Deadline[]> {
  const deadlines = await allDeadlines(asPublic(ctx), {});
  if (!prefix) return deadlines;
  return deadlines.filter(
    (d) => underPath(d.path, prefix) || !!d.alsoUnder?.some((path) => underPath(path, prefix)),
  );
}

/** An iCalendar (RFC 5545) document of deadlines, in `locale`, with stable event ids. */
export function renderCalendar(
  ctx: ServiceContext,
  options: { name: string; deadlines: Deadline[]; locale: string; url?: string },
): string {
  const base = ctx.config.baseUrl;
  const host = new URL(base).hostname;
  const t = translatorFor(options.locale);
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Capacity Commons', product: 'deadlines', language: 'EN' },
    ttl: 60 * 60,
    url: options.url,
  });
  for (const d of options.deadlines) {
    const kindKey = `awareness.deadlineKind.${d.kind}`;
    const kindLabel = t(kindKey) === kindKey ? d.kind : t(kindKey);
    const url = `${base}/${options.locale}${d.path}`;
    calendar.createEvent({
      id: `${d.id}@${host}`,
      start: d.at,
      end: d.endsAt ?? d.at,
      stamp: ctx.clock.now(),
      summary: d.title,
      description: [d.description, url].filter(Boolean).join('\n\n'),
      url,
      categories: [{ name: kindLabel }],
      // A deadline is a moment to remember, not time taken: it does not block the calendar.
      transparency: d.endsAt ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

export interface CalendarLink {
  token: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function myCalendarLink(ctx: ServiceContext): Promise<CalendarLink | null> {
  authorize(ctx, 'alerts.manage');
  const row = await repo.findCalendarFeed(ctx.db, ctx.actor.userId!);
  return row ? { token: row.token, createdAt: row.created_at, lastUsedAt: row.last_used_at } : null;
}

/** Makes a new secret calendar URL; an earlier one stops working at once. */
export async function resetCalendarLink(ctx: ServiceContext): Promise<string> {
  authorize(ctx, 'alerts.manage');
  const userId = ctx.actor.userId;
  if (!userId) throw new AppError('unauthenticated', 'Please sign in to do this.');
  const token = newCalendarToken();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findCalendarFeed(trx, userId);
    await repo.upsertCalendarFeed(trx, userId, token, ctx.clock.now());
    await recordAudit(trx, ctx, {
      action: before ? 'calendar.reset' : 'calendar.create',
      entityType: 'user',
      entityId: userId,
    });
  });
  return token;
}

export async function revokeCalendarLink(ctx: ServiceContext): Promise<void> {
  authorize(ctx, 'alerts.manage');
  const userId = ctx.actor.userId;
  if (!userId) throw new AppError('unauthenticated', 'Please sign in to do this.');
  await ctx.db.transaction().execute(async (trx) => {
    const result = await repo.deleteCalendarFeed(trx, userId);
    if (Number(result.numDeletedRows) > 0) {
      await recordAudit(trx, ctx, {
        action: 'calendar.revoke',
        entityType: 'user',
        entityId: userId,
      });
    }
  });
}

/**
 * A person's private calendar, reached through the secret in its URL (no session: calendar apps
 * have none). Modules see the person as an actor limited to reading calendars.
 */
export async function privateCalendar(ctx: ServiceContext, token: string): Promise<string> {
  if (!CALENDAR_TOKEN.test(token)) throw AppError.notFound('This calendar');
  const feed = await repo.findCalendarByToken(ctx.db, token);
  if (!feed || feed.status !== 'active') throw AppError.notFound('This calendar');
  const actor = {
    ...(await actorFor(ctx, feed.user_id, 'token')),
    tokenScopes: ['calendar.read'],
  };
  const locale = isLocale(feed.locale) ? feed.locale : 'en';
  const asUser: ServiceContext = { ...ctx, actor, locale };
  const deadlines = await allDeadlines(asUser, { userId: feed.user_id });
  await repo.touchCalendarFeed(ctx.db, feed.user_id, ctx.clock.now());
  const t = translatorFor(locale);
  return renderCalendar(asUser, {
    name: t('awareness.calendar.privateName', { name: feed.display_name }),
    deadlines,
    locale,
  });
}
