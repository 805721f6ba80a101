/**
 * The file formats of import and export (documented in docs/catalogue.md). Pure: text in, records
 * out, and back. A record is the shape checkResourceInput accepts, so an export imports again.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { FieldError } from '../../platform/errors.ts';
import { UN_LANGUAGES, type Resource } from './resources.ts';

export const FORMATS = ['csv', 'json', 'ndjson'] as const;
export type FileFormat = (typeof FORMATS)[number];

/** CSV columns, in order; `title_<lang>` and `summary_<lang>` exist for any language code. */
export const CSV_COLUMNS = [
  'externalId',
  'slug',
  'kind',
  'url',
  'providers',
  'themes',
  'audiences',
  'level',
  'format',
  'registration',
  'cost',
  'price',
  'currency',
  'eligibility',
  'durationHours',
  'languages',
  'regions',
  'countries',
  'startsOn',
  'endsOn',
  'enrolBy',
  'certificate',
  'accessibility',
  'verifiedAt',
  'description',
  'descriptionLanguage',
] as const;

/** Columns an export adds that an import ignores (they are the platform's, not the file's). */
export const READ_ONLY_FIELDS = [
  'id',
  'status',
  'path',
  'linkStatus',
  'updatedAt',
  'publishedAt',
] as const;

const LIST_COLUMNS = new Set([
  'providers',
  'themes',
  'audiences',
  'languages',
  'regions',
  'countries',
]);
const TEXT_COLUMN = /^(title|summary)_([a-z]{2})$/;

export interface ParsedFile {
  records: Record<string, unknown>[];
  /** Problems with the file as a whole (bad JSON, unknown columns). */
  errors: FieldError[];
}

export function formatOf(fileName: string, contentType?: string): FileFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/ndjson') return 'ndjson';
  if (type === 'application/json') return 'json';
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

/** A file's format from its content, for uploads that carry no usable type. */
export function sniffFormat(text: string): FileFormat {
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    try {
      JSON.parse(start);
      return 'json';
    } catch {
      return 'ndjson';
    }
  }
  return 'csv';
}

function fromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const title: Record<string, string> = {};
  const summary: Record<string, string> = {};
  for (const [column, cell] of Object.entries(row)) {
    const value = cell.trim();
    const text = TEXT_COLUMN.exec(column);
    if (text) {
      if (value) (text[1] === 'title' ? title : summary)[text[2]!] = value;
      continue;
    }
    if ((READ_ONLY_FIELDS as readonly string[]).includes(column)) continue;
    if (value === '') continue;
    // Provider names may hold commas; codes may be separated by either.
    const separator = column === 'providers' ? /;/ : /[;,]/;
    out[column] = LIST_COLUMNS.has(column) ? value.split(separator).map((v) => v.trim()) : value;
  }
  out.title = title;
  out.summary = summary;
  return out;
}

export function parseFile(text: string, format: FileFormat): ParsedFile {
  if (format === 'csv') {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(text, {
        columns: true,
        bom: true,
        skip_empty_lines: true,
        relax_column_count: false,
      }) as Record<string, string>[];
    } catch (error) {
      return {
        records: [],
        errors: [{ path: '/', message: `Not valid CSV: ${(error as Error).message}` }],
      };
    }
    const header = Object.keys(rows[0] ?? {});
    const unknown = header.filter(
      (c) =>
        !(CSV_COLUMNS as readonly string[]).includes(c) &&
        !(READ_ONLY_FIELDS as readonly string[]).includes(c) &&
        !TEXT_COLUMN.test(c),
    );
    if (unknown.length)
      return {
        records: [],
        errors: [
          {
            path: '/columns',
            message: `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
          },
        ],
      };
    return { records: rows.map(fromCsvRow), errors: [] };
  }
  let items: unknown[];
  try {
    if (format === 'ndjson') {
      items = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown);
    } else {
      const data = JSON.parse(text) as unknown;
      items = Array.isArray(data)
        ? data
        : data && typeof data === 'object' && Array.isArray((data as { items?: unknown }).items)
          ? (data as { items: unknown[] }).items
          : [];
      if (!Array.isArray(data) && items.length === 0)
        return {
          records: [],
          errors: [
            { path: '/', message: 'Expected a JSON array of resources (or {"items": [...]}).' },
          ],
        };
    }
  } catch (error) {
    return {
      records: [],
      errors: [{ path: '/', message: `Not valid JSON: ${(error as Error).message}` }],
    };
  }
  return {
    records: items.map((item) => {
      if (!item || typeof item !== 'object' || Array.isArray(item))
        return item as Record<string, unknown>;
      const copy = { ...(item as Record<string, unknown>) };
      for (const field of READ_ONLY_FIELDS) delete copy[field];
      return copy;
    }),
    errors: [],
  };
}

/** A resource as an export record (and an import record: the same fields). */
export function exportRecord(resource: Resource) {
  return {
    id: resource.id,
    externalId: resource.externalId,
    slug: resource.slug,
    status: resource.status,
    kind: resource.kind,
    title: resource.title,
    summary: resource.summary,
    description: resource.description,
    descriptionLanguage: resource.descriptionLanguage,
    url: resource.url,
    providers: resource.providers.map((p) => p.name),
    themes: resource.themes,
    audiences: resource.audiences,
    level: resource.level,
    format: resource.format,
    registration: resource.registration,
    cost: resource.cost,
    price: resource.price,
    currency: resource.currency,
    eligibility: resource.eligibility,
    durationHours: resource.durationHours,
    languages: resource.languages,
    regions: resource.regions,
    countries: resource.countries,
    startsOn: resource.startsOn,
    endsOn: resource.endsOn,
    enrolBy: resource.enrolBy,
    certificate: resource.certificate,
    accessibility: resource.accessibility,
    verifiedAt: resource.verifiedAt,
    linkStatus: resource.link.status,
    updatedAt: resource.updatedAt.toISOString(),
  };
}

/** The CSV header: fixed columns around title/summary columns for the UN languages and any other. */
export function csvHeader(extraLanguages: readonly string[] = []): string[] {
  const languages = [
    ...UN_LANGUAGES,
    ...extraLanguages.filter((l) => !(UN_LANGUAGES as readonly string[]).includes(l)),
  ];
  const [externalId, slug, kind, ...rest] = CSV_COLUMNS;
  return [
    'id',
    externalId,
    slug,
    kind,
    ...languages.flatMap((l) => [`title_${l}`, `summary_${l}`]),
    ...rest,
    'status',
    'linkStatus',
    'updatedAt',
  ];
}

export function csvRows(resources: readonly Resource[], header: readonly string[]): string {
  const rows = resources.map((resource) => {
    const record = exportRecord(resource) as Record<string, unknown>;
    return header.map((column) => {
      const text = TEXT_COLUMN.exec(column);
      if (text) return (text[1] === 'title' ? resource.title : resource.summary)[text[2]!] ?? '';
      const value = record[column];
      if (value === null || value === undefined) return '';
      if (Array.isArray(value)) return value.join(';');
      return String(value);
    });
  });
  return stringifyCsv(rows);
}

export function csvHeaderLine(header: readonly string[]): string {
  return stringifyCsv([header as string[]]);
}
