import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Frequency = 'daily' | 'weekly' | 'off';

export interface SavedSearchesTable {
  id: string;
  user_id: string;
  kind: string;
  query: string;
  label: string;
  frequency: Frequency;
  locale: string;
  watermark: Timestamp;
  last_period: string;
  last_sent_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DigestDeliveriesTable {
  saved_search_id: string;
  period: string;
  created_at: Timestamp;
  item_count: number;
  mail_id: string | null;
}

export interface CalendarFeedsTable {
  user_id: string;
  token: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export interface AwarenessTables {
  saved_searches: SavedSearchesTable;
  digest_deliveries: DigestDeliveriesTable;
  calendar_feeds: CalendarFeedsTable;
}
