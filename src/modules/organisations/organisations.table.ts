import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganisationsTable {
  id: string;
  slug: string;
  name: string;
  acronym: string | null;
  stakeholder_group: string;
  kind: string;
  country: string | null;
  website: string | null;
  description: ColumnType<string, string | undefined, string>;
  ecosoc_status: ColumnType<boolean, boolean | undefined, boolean>;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrganisationMemberStatesTable {
  organisation_id: string;
  country: string;
}

export interface OrganisationsTables {
  organisations: OrganisationsTable;
  organisation_member_states: OrganisationMemberStatesTable;
}
