import { Feed } from 'feed';

export interface FeedEntry {
  /** A permanent IRI for the entry (its unprefixed page URL is a good one). */
  id: string;
  title: string;
  url: string;
  summary?: string;
  updated: Date;
  published?: Date;
  categories?: string[];
}

export interface AtomOptions {
  /** A permanent IRI for the feed (its own URL). */
  id: string;
  title: string;
  subtitle?: string;
  selfUrl: string;
  /** The HTML page the feed mirrors. */
  alternateUrl: string;
  language: string;
  entries: FeedEntry[];
  /** Defaults to the newest entry's date (a stable value keeps conditional requests cheap). */
  updated?: Date;
}

/**
 * An Atom 1.0 document (RFC 4287), for any list that readers may follow: search results, a
 * process's decisions, an event's programme. Other modules use it through awareness/index.ts.
 */
export function renderAtom(options: AtomOptions): string {
  const newest = options.entries.reduce<Date | null>(
    (max, e) => (!max || e.updated > max ? e.updated : max),
    null,
  );
  const feed = new Feed({
    id: options.id,
    title: options.title,
    description: options.subtitle,
    link: options.alternateUrl,
    language: options.language,
    updated: options.updated ?? newest ?? new Date(0),
    generator: 'Capacity Commons',
    feedLinks: { atom: options.selfUrl },
    copyright: '',
  });
  for (const entry of options.entries) {
    feed.addItem({
      id: entry.id,
      title: entry.title,
      link: entry.url,
      date: entry.updated,
      published: entry.published,
      description: entry.summary,
      category: entry.categories?.map((name) => ({ name, term: name })),
    });
  }
  // The `feed` package writes the language only into RSS; Atom carries it as xml:lang.
  return feed
    .atom1()
    .replace(/<feed\b/, `<feed xml:lang="${options.language.replace(/[^\w-]/g, '')}"`);
}

export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';
