import type { CountriesTable, LanguagesTable } from './reference.table.ts';

export interface Country {
  iso2: string;
  iso3: string;
  m49: string;
  /** English short name; other languages come from Intl.DisplayNames. */
  name: string;
  region: string | null;
  subRegion: string | null;
  intermediateRegion: string | null;
  unMember: boolean;
  unGroup: string | null;
  ldc: boolean;
  lldc: boolean;
  sids: boolean;
  languages: string[];
}

export interface Language {
  code: string;
  name: string;
  nativeName: string;
  dir: 'ltr' | 'rtl';
}

export function toCountry(row: CountriesTable): Country {
  return {
    iso2: row.iso2,
    iso3: row.iso3,
    m49: row.m49,
    name: row.name,
    region: row.region,
    subRegion: row.sub_region,
    intermediateRegion: row.intermediate_region,
    unMember: row.un_member,
    unGroup: row.un_group,
    ldc: row.ldc,
    lldc: row.lldc,
    sids: row.sids,
    languages: row.languages,
  };
}

export function toLanguage(row: LanguagesTable): Language {
  return { code: row.code, name: row.name, nativeName: row.native_name, dir: row.dir };
}

/** "Developing" in the sense the platform reports on: least developed, landlocked or small island. */
export function isDevelopingPriority(country: Pick<Country, 'ldc' | 'lldc' | 'sids'>): boolean {
  return country.ldc || country.lldc || country.sids;
}

const displayNames = new Map<string, Intl.DisplayNames>();
/** A country's name in the reader's language, from the platform's Intl data. */
export function countryName(iso2: string, locale: string, fallback?: string): string {
  let names = displayNames.get(`region:${locale}`);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    displayNames.set(`region:${locale}`, names);
  }
  try {
    return names.of(iso2) ?? fallback ?? iso2;
  } catch {
    return fallback ?? iso2;
  }
}

/** A language's name in the reader's language. */
export function languageName(code: string, locale: string): string {
  let names = displayNames.get(`language:${locale}`);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' });
    displayNames.set(`language:${locale}`, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
