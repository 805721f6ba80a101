import type { Generated } from 'kysely';

export interface RegionsTable {
  slug: string;
  m49: string;
  name: string;
  kind: 'region' | 'subRegion' | 'intermediateRegion';
  parent: string | null;
}

export interface CountriesTable {
  iso2: string;
  iso3: string;
  m49: string;
  name: string;
  region: string | null;
  sub_region: string | null;
  intermediate_region: string | null;
  un_member: boolean;
  un_group: string | null;
  ldc: boolean;
  lldc: boolean;
  sids: boolean;
  languages: string[];
}

export interface LanguagesTable {
  code: string;
  name: string;
  native_name: string;
  dir: 'ltr' | 'rtl';
}

export interface TaxonomyTermsTable {
  taxonomy: string;
  code: string;
  label: string;
  sort: number;
  extra: Generated<Record<string, unknown>>;
}

export interface ReferenceTables {
  regions: RegionsTable;
  countries: CountriesTable;
  languages: LanguagesTable;
  taxonomy_terms: TaxonomyTermsTable;
}
