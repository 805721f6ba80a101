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
  /** Encrypted TOTP secret once two-step verification is on. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** Encrypted secret shown during set-up, until the first code confirms it. */
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The last TOTP time step accepted (a code is never accepted twice). */
  totp_last_step: ColumnType<string | null, number | null | undefined, number | null>;
  erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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

export type AccountTokenPurpose =
  'verify-email' | 'reset-password' | 'change-email' | 'mfa-challenge';

export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  token_hash: string;
  new_email: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string[];
  created_at: Timestamp;
  expires_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_start: Timestamp;
  expires_at: Timestamp;
}

export type MembershipStatus = 'pending' | 'accepted' | 'refused' | 'left';

export interface OrganisationMembershipsTable {
  id: string;
  organisation_id: string;
  user_id: string;
  status: MembershipStatus;
  message: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  decided_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  decided_by: string | null;
}

export interface AccountsTables {
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  recovery_codes: RecoveryCodesTable;
  api_tokens: ApiTokensTable;
  rate_limits: RateLimitsTable;
  organisation_memberships: OrganisationMembershipsTable;
}
