import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
type Flag = ColumnType<boolean, boolean | undefined, boolean>;

export interface DiscussionGroupsTable {
  id: string;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  organisation_id: string | null;
  is_demo: Flag;
  created_by: string | null;
  created_at: Timestamp;
}

export interface DiscussionGroupMembersTable {
  group_id: string;
  user_id: string;
  role: 'admin' | 'member';
  added_by: string | null;
  created_at: Timestamp;
}

export interface DiscussionThreadsTable {
  id: string;
  group_id: string | null;
  author_id: string | null;
  title: string;
  language: string;
  themes: TextArray;
  region: string | null;
  region_path: TextArray;
  link_kind: 'resource' | 'initiative' | 'process' | 'session' | null;
  link_ref: string | null;
  link_path: string | null;
  status: ColumnType<'visible' | 'hidden', 'visible' | 'hidden' | undefined, 'visible' | 'hidden'>;
  hidden_reason: string | null;
  hidden_at: Timestamp | null;
  slow_mode_seconds: ColumnType<number, number | undefined, number>;
  reply_count: ColumnType<number, number | undefined, number>;
  /** Written through SQL (to_tsvector), never read back. */
  search: ColumnType<never, unknown, unknown>;
  is_demo: Flag;
  created_at: Timestamp;
  last_activity_at: Timestamp;
}

export interface DiscussionPostsTable {
  id: string;
  thread_id: string;
  author_id: string | null;
  is_opening: Flag;
  quote_of: string | null;
  body_md: string;
  body_html: string;
  status: ColumnType<'visible' | 'hidden', 'visible' | 'hidden' | undefined, 'visible' | 'hidden'>;
  hidden_reason: string | null;
  hidden_at: Timestamp | null;
  erased: Flag;
  created_at: Timestamp;
}

export interface DiscussionAttachmentsTable {
  id: string;
  post_id: string;
  thread_id: string;
  filename: string;
  media_type: string;
  byte_size: number;
  sha256: string;
  content: Buffer;
  created_at: Timestamp;
}

export interface DiscussionFlagsTable {
  id: string;
  thread_id: string;
  post_id: string;
  reporter_id: string | null;
  reason: string;
  note: ColumnType<string, string | undefined, string>;
  status: ColumnType<
    'open' | 'upheld' | 'dismissed',
    'open' | 'upheld' | 'dismissed' | undefined,
    'open' | 'upheld' | 'dismissed'
  >;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Timestamp;
}

export interface DiscussionModerationLogTable {
  id: string;
  at: Timestamp;
  moderator_id: string | null;
  action: string;
  thread_id: string;
  post_id: string | null;
  reason: string;
  details: ColumnType<unknown, string | undefined, string>;
}

export interface DiscussionFollowsTable {
  user_id: string;
  target_type: 'thread' | 'theme' | 'region';
  target_id: string;
  created_at: Timestamp;
}

export interface DiscussionNotificationsTable {
  event_id: string;
  user_id: string;
  thread_id: string;
  kind: string;
  mailed: Flag;
  created_at: Timestamp;
}

export interface DiscussionPreferencesTable {
  user_id: string;
  handle: string;
  languages: TextArray;
  email_notifications: Flag;
  updated_at: Timestamp;
}

export interface DiscussionsTables {
  discussion_groups: DiscussionGroupsTable;
  discussion_group_members: DiscussionGroupMembersTable;
  discussion_threads: DiscussionThreadsTable;
  discussion_posts: DiscussionPostsTable;
  discussion_attachments: DiscussionAttachmentsTable;
  discussion_flags: DiscussionFlagsTable;
  discussion_moderation_log: DiscussionModerationLogTable;
  discussion_follows: DiscussionFollowsTable;
  discussion_notifications: DiscussionNotificationsTable;
  discussion_preferences: DiscussionPreferencesTable;
}
