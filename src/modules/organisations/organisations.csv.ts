import { writeRecords, type CsvColumn, type RecordFormat } from '../../platform/records.ts';
import type { Organisation, OrganisationInput } from './organisations.ts';

export function toRecord(o: Organisation): OrganisationInput {
  return {
    slug: o.slug,
    name: o.name,
    acronym: o.acronym,
    stakeholderGroup: o.stakeholderGroup,
    kind: o.kind,
    country: o.country,
    website: o.website,
    description: o.description,
    ecosocStatus: o.ecosocStatus,
    memberStates: o.memberStates,
  };
}

export const ORGANISATION_CSV_COLUMNS: ReadonlyArray<CsvColumn<OrganisationInput>> = [
  { name: 'slug', value: (r) => r.slug },
  { name: 'name', value: (r) => r.name },
  { name: 'acronym', value: (r) => r.acronym },
  { name: 'stakeholderGroup', value: (r) => r.stakeholderGroup },
  { name: 'kind', value: (r) => r.kind },
  { name: 'country', value: (r) => r.country },
  { name: 'website', value: (r) => r.website },
  { name: 'description', value: (r) => r.description },
  { name: 'ecosocStatus', value: (r) => (r.ecosocStatus ? 'true' : 'false') },
  { name: 'memberStates', value: (r) => r.memberStates },
];

export function serialiseOrganisations(
  list: readonly Organisation[],
  format: RecordFormat,
): string {
  return writeRecords(list.map(toRecord), format, ORGANISATION_CSV_COLUMNS, (r) => r);
}
