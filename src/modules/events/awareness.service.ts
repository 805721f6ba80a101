/**
 * What events give the awareness module through the ModuleDefinition: call-for-proposals
 * deadlines (and, in a person's own calendar, their unsent proposals), public pages for the
 * sitemap, and the "events" saved-search kind (new and changed events) for digests and feeds.
 */
import type { ServiceContext } from '../../platform/context.ts';
import type { ChangedItem, Deadline, SitemapEntry } from '../../platform/module.ts';
import * as repo from './awareness.repository.ts';

export async function eventDeadlines(
  ctx: ServiceContext,
  options: { userId?: string },
): Promise<Deadline[]> {
  const now = ctx.clock.now();
  const [calls, drafts] = await Promise.all([
    repo.callsClosingAfter(ctx.readDb, now),
    options.userId ? repo.draftProposalsOf(ctx.readDb, options.userId, now) : [],
  ]);
  return [
    ...calls.map((c): Deadline => ({
      id: `call-${c.id}`,
      title: `${c.title} — ${c.event_name}`,
      at: new Date(c.closes_at),
      kind: 'call-for-proposals',
      path: `/events/${c.event_slug}`,
    })),
    ...drafts.map((p): Deadline => ({
      id: `proposal-${p.id}`,
      title: `${p.title || p.call_title} — ${p.call_title}`,
      at: new Date(p.closes_at),
      // The kind's label says "draft" in the reader's language.
      kind: 'draft-proposal',
      path: `/proposals/${p.id}/edit`,
    })),
  ];
}

/** The "events" kind takes no parameters: every new or changed event. */
export async function eventsChangesSince(
  ctx: ServiceContext,
  _params: URLSearchParams,
  since: Date,
  limit: number,
): Promise<ChangedItem[]> {
  const rows = await repo.eventsChangedSince(ctx.readDb, since, limit);
  return rows.map((e) => ({
    id: e.id,
    title: e.name,
    path: `/events/${e.slug}`,
    summary: [`${e.place}, ${e.starts_on} – ${e.ends_on}`, e.description.slice(0, 200)]
      .filter(Boolean)
      .join('. '),
    updatedAt: new Date(e.changed_at),
  }));
}

/** Each event's page and programme. */
export async function* eventSitemap(ctx: ServiceContext): AsyncIterable<SitemapEntry> {
  for (const e of await repo.allEvents(ctx.readDb)) {
    const updatedAt = new Date(e.updated_at);
    yield { path: `/events/${e.slug}`, updatedAt };
    yield { path: `/events/${e.slug}/programme`, updatedAt };
  }
}
