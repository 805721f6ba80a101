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

export interface AccountsTables {
  users: UsersTable;
  role_grants: RoleGrantsTable;
}
