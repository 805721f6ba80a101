import { writeRecords, type CsvColumn, type RecordFormat } from '../../platform/records.ts';
import type { Initiative } from './initiatives.ts';
import { toRecord } from './initiatives.present.ts';

type Row = ReturnType<typeof toRecord>;

/**
 * The CSV columns, in order: the same names as the JSON fields. Lists are separated by ";"
 * (outputs by "|", since an output may contain a semicolon).
 */
export const CSV_COLUMNS: ReadonlyArray<CsvColumn<Row>> = [
  { name: 'externalId', value: (r) => r.externalId },
  { name: 'slug', value: (r) => r.slug },
  { name: 'title', value: (r) => r.title },
  { name: 'description', value: (r) => r.description },
  { name: 'language', value: (r) => r.language },
  { name: 'implementers', value: (r) => r.implementers },
  { name: 'funders', value: (r) => r.funders },
  { name: 'partners', value: (r) => r.partners },
  { name: 'countries', value: (r) => r.countries },
  { name: 'regions', value: (r) => r.regions },
  { name: 'themes', value: (r) => r.themes },
  { name: 'cmm', value: (r) => r.cmm },
  { name: 'startsOn', value: (r) => r.startsOn },
  { name: 'endsOn', value: (r) => r.endsOn },
  { name: 'status', value: (r) => r.status },
  { name: 'budget', value: (r) => r.budget },
  { name: 'currency', value: (r) => r.currency },
  { name: 'outputs', value: (r) => r.outputs, separator: ' | ' },
  { name: 'links', value: (r) => r.links },
];

export function serialiseInitiatives(list: readonly Initiative[], format: RecordFormat): string {
  return writeRecords(list.map(toRecord), format, CSV_COLUMNS, (r) => r);
}
