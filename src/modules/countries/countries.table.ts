import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CountryProfileFieldsTable {
  country: string;
  field: string;
  value: string;
  source_url: string | null;
  /** "YYYY-MM-DD": when the fact was last checked. */
  as_of: string;
  updated_by: string | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Timestamp;
}

export interface CountriesTables {
  country_profile_fields: CountryProfileFieldsTable;
}
