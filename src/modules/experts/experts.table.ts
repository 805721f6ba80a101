import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
/** tsvector columns are written through SQL (to_tsvector) and never read back. */
type SearchVector = ColumnType<never, unknown, unknown>;

export interface ExpertProfilesTable {
  id: string;
  user_id: string;
  listed: ColumnType<boolean, boolean | undefined, boolean>;
  name: string;
  about: ColumnType<string, string | undefined, string>;
  themes: TextArray;
  cmm_dimensions: TextArray;
  languages: TextArray;
  regions: TextArray;
  countries: TextArray;
  experience_area: TextArray;
  stakeholder_group: string | null;
  organisation_id: string | null;
  organisation_name: string | null;
  available_for: TextArray;
  availability_note: ColumnType<string, string | undefined, string>;
  links: ColumnType<unknown, string | undefined, string>;
  visibility: ColumnType<unknown, string, string>;
  audience: 'public' | 'members' | 'private';
  search_public: SearchVector;
  search_members: SearchVector;
  search_owner: SearchVector;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExpertsTables {
  expert_profiles: ExpertProfilesTable;
}
