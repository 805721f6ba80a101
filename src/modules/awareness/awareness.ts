/** Pure rules of awareness: digest periods, saved queries, signed unsubscribe tokens. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Frequency } from './awareness.table.ts';

export type { Frequency };
export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'off'];
export const MAX_SAVED_SEARCHES = 50;
export const MAX_QUERY_LENGTH = 1000;
export const MAX_LABEL_LENGTH = 120;
/** Items listed in one digest; the mail links to the search for the rest. */
export const DIGEST_ITEMS = 20;
/** Entries of an Atom feed. */
export const FEED_ITEMS = 50;

/** Query parameters that page through results rather than choose them. */
const PAGING = new Set(['page', 'pageSize', '_csrf']);

/** The ISO 8601 week of a date, e.g. "2026-W48" (weeks start on Monday; UTC). */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * The digest period a moment falls in: a UTC day ("2026-11-23") for daily alerts, an ISO week
 * ("2026-W48") for weekly ones. One digest per saved search and period, never two.
 */
export function periodKey(frequency: Frequency, at: Date): string {
  if (frequency === 'weekly') return isoWeek(at);
  return at.toISOString().slice(0, 10);
}

/**
 * A saved query in one canonical form: parameters sorted, empty values and paging dropped, so
 * that saving one search twice finds the first.
 */
export function canonicalQuery(query: string | URLSearchParams): string {
  const params = typeof query === 'string' ? new URLSearchParams(query.replace(/^\?/, '')) : query;
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of params) {
    if (PAGING.has(key) || value.trim() === '') continue;
    pairs.push([key, value.trim()]);
  }
  pairs.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  return new URLSearchParams(pairs).toString();
}

/** "q: cyber · cost: free" — a readable summary of a query for labels and lists. */
export function describeQuery(query: string): string {
  const parts: string[] = [];
  for (const [key, value] of new URLSearchParams(query)) parts.push(`${key}: ${value}`);
  return parts.join(' · ');
}

function mac(secret: string, purpose: string, id: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
}

/**
 * A token that lets whoever holds the digest mail unsubscribe without signing in (RFC 8058
 * one-click): the saved search's id and its HMAC under the server's secret.
 */
export function unsubscribeToken(secret: string, savedSearchId: string): string {
  return `${savedSearchId}.${mac(secret, 'unsubscribe', savedSearchId)}`;
}

/** The saved search a token names, or null when it was not made with this secret. */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  const match = /^([0-9a-f-]{36})\.([\w-]{43})$/i.exec(token);
  if (!match) return null;
  const [, id, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(mac(secret, 'unsubscribe', id));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? id : null;
}

/** A fresh secret for a private calendar URL (256 bits, URL-safe). */
export function newCalendarToken(): string {
  return randomBytes(32).toString('base64url');
}

export const CALENDAR_TOKEN = /^[\w-]{43}$/;

/** Whether a deadline's page belongs under `prefix` (a process's or event's path). */
export function underPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
