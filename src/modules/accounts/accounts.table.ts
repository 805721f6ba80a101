import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, optional where it has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  email_verified_at: Timestamp | null;
  locale: Generated<string>;
  status: Generated<'active' | 'disabled' | 'erased'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleGrantsTable {
  id: string;
  user_id: string;
  role: string;
  scope_type: 'site' | 'process' | 'event' | 'organisation';
  scope_id: string | null;
  granted_by: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  mfa_passed: ColumnType<boolean, boolean | undefined, boolean>;
  ip: string | null;
  user_agent: string | null;
}

export interface AccountsTables {
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
}
