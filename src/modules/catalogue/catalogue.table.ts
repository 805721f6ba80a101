import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, optional where it has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** A `date` column, read as "YYYY-MM-DD". */
type DateColumn = ColumnType<string, string, string>;

export type ResourceStatus = 'draft' | 'submitted' | 'changes_requested' | 'published' | 'archived';
export type LinkStatus = 'unchecked' | 'ok' | 'moved' | 'broken';

export interface ResourcesTable {
  id: string;
  slug: string;
  external_id: string | null;
  kind: string;
  status: ColumnType<ResourceStatus, ResourceStatus | undefined, ResourceStatus>;
  title: Json<Record<string, string>>;
  summary: Json<Record<string, string>>;
  description: ColumnType<string, string | undefined, string>;
  description_language: string | null;
  url: string;
  themes: string[];
  audiences: string[];
  level: string | null;
  format: string;
  registration: string;
  cost: string;
  price: number | null;
  currency: string | null;
  eligibility: string | null;
  duration_hours: number | null;
  languages: string[];
  regions: string[];
  countries: string[];
  starts_on: DateColumn | null;
  ends_on: DateColumn | null;
  enrol_by: DateColumn | null;
  certificate: boolean;
  accessibility: string | null;
  verified_at: DateColumn | null;
  organisation_id: string | null;
  created_by: string | null;
  revision: ColumnType<number, number | undefined, number>;
  review_note: string | null;
  link_status: ColumnType<LinkStatus, LinkStatus | undefined, LinkStatus>;
  link_http_status: number | null;
  link_location: string | null;
  link_error: string | null;
  link_failures: ColumnType<number, number | undefined, number>;
  link_checked_at: Timestamp | null;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
}

export interface ResourceProvidersTable {
  resource_id: string;
  position: number;
  name: string;
  organisation_id: string | null;
}

export interface ResourceRevisionsTable {
  id: string;
  resource_id: string;
  number: number;
  action: string;
  status: string;
  snapshot: Json<Record<string, unknown>>;
  note: string | null;
  actor_id: string | null;
  actor_label: string | null;
  created_at: Timestamp;
}

export interface ResourceIndexTable {
  resource_id: string;
  kind: string;
  level: string | null;
  format: string;
  cost: string;
  themes: number;
  audiences: number;
  languages: string[];
  regions: string[];
  region_codes: string[];
  countries: string[];
  duration_hours: number | null;
  starts_on: DateColumn | null;
  ends_on: DateColumn | null;
  enrol_by: DateColumn | null;
  published_at: Timestamp;
  updated_at: Timestamp;
  title_vector: ColumnType<string, never, never>;
  search_vector: ColumnType<string, never, never>;
}

export interface CatalogueTermsTable {
  term: string;
}

export interface CatalogueProfilesTable {
  user_id: string;
  languages: string[];
  budget: 'free' | 'scholarships' | 'any';
  hours_per_week: number | null;
  active: Generated<boolean>;
  updated_at: Timestamp;
}

export interface CatalogueTables {
  resources: ResourcesTable;
  resource_providers: ResourceProvidersTable;
  resource_revisions: ResourceRevisionsTable;
  resource_index: ResourceIndexTable;
  catalogue_terms: CatalogueTermsTable;
  catalogue_profiles: CatalogueProfilesTable;
}
