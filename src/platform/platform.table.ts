import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, optional where it has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export interface MetaTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json | null;
  after: Json | null;
  is_public: Generated<boolean>;
  request_id: string | null;
}

export interface MailOutboxTable {
  id: string;
  created_at: Timestamp;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: Json;
  category: Generated<string>;
  status: Generated<'pending' | 'sent' | 'kept' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  sent_at: Timestamp | null;
  /** A message queued twice under one key (a retried job) is kept once. */
  idempotency_key: string | null;
  /** Held by a delivering process until then, so that no other sends it meanwhile. */
  claimed_until: Timestamp | null;
}

export interface IdempotencyKeysTable {
  owner: string;
  key: string;
  request_hash: string;
  /** started: running or interrupted; applied: its write committed, answer not stored; done. */
  state: 'started' | 'applied' | 'done';
  /** The process holding the claim (its PostgreSQL application_name). */
  claimed_by: string | null;
  /** Checked by every transaction of the request before commit: only the holder writes. */
  claim_token: string | null;
  response_status: number | null;
  response_type: string | null;
  response_location: string | null;
  response_body: string | null;
  created_at: Timestamp;
}

export interface PlatformTables {
  idempotency_keys: IdempotencyKeysTable;
  meta: MetaTable;
  audit_log: AuditLogTable;
  mail_outbox: MailOutboxTable;
}
