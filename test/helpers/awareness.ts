import ICAL from 'ical.js';
import { XMLParser } from 'fast-xml-parser';
import type { TestEnv } from './app.ts';
import { signedInAgent, type TestUser } from './auth.ts';

/** The events of an iCalendar document, as a calendar app reads them. */
export function calendarEvents(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate?.toJSDate().toISOString(),
      url: String(c.getFirstPropertyValue('url')),
      categories: c.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
    };
  });
}

/** The page addresses (`<loc>`) and last changes of a sitemap. */
export function sitemapUrls(xml: string): Array<{ loc: string; lastmod?: string }> {
  const doc = new XMLParser({ isArray: (name) => name === 'url' }).parse(xml) as {
    urlset: { url?: Array<{ loc: string; lastmod?: string }> };
  };
  return doc.urlset.url ?? [];
}

/** Saves a search with daily alerts through the form of /account/alerts, as `user` would. */
export async function saveDailySearch(
  env: TestEnv,
  user: TestUser,
  search: { kind: string; query: string },
): Promise<number> {
  const agent = await signedInAgent(env, user);
  await agent.get('/account/alerts');
  const saved = await agent.postForm('/account/alerts', {
    ...search,
    alertLabel: '',
    alertFrequency: 'daily',
  });
  return saved.statusCode;
}

/** The text of every mail queued to `to`. */
export async function mailTextsTo(env: TestEnv, to: string): Promise<string[]> {
  const rows = await env.deps.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.text_body);
}
