import type { PostRow, ThreadRow } from './discussions.repository.ts';
import {
  canModerate,
  canSeeHiddenPost,
  excerptOf,
  type LinkKind,
  type Reader,
} from './discussions.ts';

export interface AuthorView {
  name: string;
  handle: string | null;
}

export interface ThreadSummary {
  id: string;
  title: string;
  excerpt: string;
  language: string;
  themes: string[];
  region: string | null;
  group: { id: string; slug: string; name: string } | null;
  author: AuthorView | null;
  link: { kind: LinkKind; ref: string; path: string } | null;
  status: 'visible' | 'hidden';
  hiddenReason: string | null;
  replyCount: number;
  slowModeSeconds: number;
  isDemo: boolean;
  authorId: string | null;
  createdAt: Date;
  lastActivityAt: Date;
}

export interface AttachmentView {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
}

export interface PostView {
  id: string;
  isOpening: boolean;
  author: AuthorView | null;
  /** Sanitised HTML; null when hidden from this reader or erased. */
  html: string | null;
  hidden: boolean;
  /** Shown to the author and to moderators. */
  hiddenReason: string | null;
  erased: boolean;
  mine: boolean;
  quoteOf: string | null;
  attachments: AttachmentView[];
  createdAt: Date;
}

/** Only rows that passed the visibility rule reach this: the reader may see the thread. */
export function toSummary(row: ThreadRow, reader: Reader): ThreadSummary {
  const facts = { groupId: row.group_id };
  const seesHiddenOpening = canSeeHiddenPost(reader, facts, { authorId: row.author_id });
  const openingShown = row.opening_status !== 'hidden' || seesHiddenOpening;
  return {
    id: row.id,
    title: row.title,
    excerpt: openingShown && !row.opening_erased && row.opening_md ? excerptOf(row.opening_md) : '',
    language: row.language,
    themes: row.themes,
    region: row.region,
    group:
      row.group_id && row.group_slug && row.group_name
        ? { id: row.group_id, slug: row.group_slug, name: row.group_name }
        : null,
    author: row.author_name ? { name: row.author_name, handle: row.author_handle ?? null } : null,
    link:
      row.link_kind && row.link_ref
        ? { kind: row.link_kind, ref: row.link_ref, path: row.link_path ?? '' }
        : null,
    status: row.status,
    hiddenReason:
      row.status === 'hidden' && (canModerate(reader, facts) || reader.userId === row.author_id)
        ? row.hidden_reason
        : null,
    replyCount: row.reply_count,
    slowModeSeconds: row.slow_mode_seconds,
    isDemo: row.is_demo,
    authorId: row.author_id,
    createdAt: new Date(row.created_at),
    lastActivityAt: new Date(row.last_activity_at),
  };
}

export function toPostView(
  row: PostRow,
  reader: Reader,
  groupId: string | null,
  attachments: AttachmentView[],
): PostView {
  const hidden = row.status === 'hidden';
  const seesContent = !hidden || canSeeHiddenPost(reader, { groupId }, { authorId: row.author_id });
  return {
    id: row.id,
    isOpening: row.is_opening,
    author: row.author_name ? { name: row.author_name, handle: row.author_handle ?? null } : null,
    html: seesContent && !row.erased ? row.body_html : null,
    hidden,
    hiddenReason: hidden && seesContent ? row.hidden_reason : null,
    erased: row.erased,
    mine: reader.userId !== null && reader.userId === row.author_id,
    quoteOf: row.quote_of,
    attachments: seesContent ? attachments : [],
    createdAt: new Date(row.created_at),
  };
}

// API JSON

export function threadJson(t: ThreadSummary) {
  return {
    id: t.id,
    url: `/discussions/${t.id}`,
    title: t.title,
    excerpt: t.excerpt,
    language: t.language,
    themes: t.themes,
    region: t.region,
    group: t.group,
    author: t.author,
    link: t.link,
    status: t.status,
    hiddenReason: t.hiddenReason,
    replyCount: t.replyCount,
    slowModeSeconds: t.slowModeSeconds,
    isDemo: t.isDemo,
    createdAt: t.createdAt.toISOString(),
    lastActivityAt: t.lastActivityAt.toISOString(),
  };
}

export function postJson(p: PostView) {
  return {
    id: p.id,
    isOpening: p.isOpening,
    author: p.author,
    html: p.html,
    hidden: p.hidden,
    hiddenReason: p.hiddenReason,
    erased: p.erased,
    quoteOf: p.quoteOf,
    attachments: p.attachments.map((a) => ({
      ...a,
      url: `/discussions/attachments/${a.id}`,
    })),
    createdAt: p.createdAt.toISOString(),
  };
}
