/**
 * Reading and writing tabular records for imports and exports (CSV, JSON, NDJSON), without domain
 * knowledge. Lists in CSV cells are joined with a separator the caller chooses per column.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from './errors.ts';

export type RecordFormat = 'csv' | 'json' | 'ndjson';

/** The format a file name or its first character suggests. */
export function guessFormat(fileName: string, content: string): RecordFormat | 'xml' | null {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'json' || ext === 'ndjson' || ext === 'xml') return ext;
  if (ext === 'jsonl') return 'ndjson';
  const first = content.trimStart()[0];
  if (first === '<') return 'xml';
  if (first === '[') return 'json';
  if (first === '{') return content.trim().includes('\n{') ? 'ndjson' : 'json';
  return content.includes(',') ? 'csv' : null;
}

/** Records from a file's text. Syntax errors are reported with their line, never thrown raw. */
export function readRecords(content: string, format: RecordFormat): Array<Record<string, unknown>> {
  const text = content.replace(/^\uFEFF/, '');
  if (format === 'csv') {
    try {
      return parse(text, {
        columns: (header: string[]) => header.map((h) => h.trim()),
        skip_empty_lines: true,
        trim: true,
        relax_column_count: false,
      }) as Array<Record<string, unknown>>;
    } catch (error) {
      const e = error as { message: string; lines?: number };
      throw AppError.validation(
        [{ path: `/lines/${e.lines ?? 0}`, message: e.message }],
        'The CSV file could not be read.',
      );
    }
  }
  if (format === 'ndjson') {
    const out: Array<Record<string, unknown>> = [];
    const errors: Array<{ path: string; message: string }> = [];
    text.split(/\r?\n/).forEach((line, index) => {
      if (!line.trim()) return;
      try {
        const value = JSON.parse(line) as unknown;
        if (!value || typeof value !== 'object' || Array.isArray(value))
          throw new Error('not an object');
        out.push(value as Record<string, unknown>);
      } catch {
        errors.push({ path: `/lines/${index + 1}`, message: 'This line is not a JSON object.' });
      }
    });
    if (errors.length) throw AppError.validation(errors, 'The NDJSON file could not be read.');
    return out;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw AppError.validation(
      [{ path: '/', message: (error as Error).message }],
      'The JSON file could not be read.',
    );
  }
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { items?: unknown }).items)
      ? (value as { items: unknown[] }).items
      : null;
  if (!list) {
    throw AppError.validation(
      [{ path: '/', message: 'Expected an array of records, or {"items": [...]}.' }],
      'The JSON file could not be read.',
    );
  }
  const bad = list.findIndex((v) => !v || typeof v !== 'object' || Array.isArray(v));
  if (bad >= 0) {
    throw AppError.validation([
      { path: `/rows/${bad + 1}`, message: 'Each record must be an object.' },
    ]);
  }
  return list as Array<Record<string, unknown>>;
}

export interface CsvColumn<T> {
  name: string;
  value: (record: T) => string | number | null | undefined | readonly string[];
  /** Separator for list values (default "; "). */
  separator?: string;
}

export function writeCsv<T>(records: readonly T[], columns: readonly CsvColumn<T>[]): string {
  return stringify(
    records.map((r) =>
      columns.map((c) => {
        const v = c.value(r);
        if (Array.isArray(v)) return v.join(c.separator ?? '; ');
        return v ?? '';
      }),
    ),
    { header: true, columns: columns.map((c) => c.name) },
  );
}

export function writeRecords<T>(
  records: readonly T[],
  format: RecordFormat,
  columns: readonly CsvColumn<T>[],
  toJson: (r: T) => unknown,
): string {
  if (format === 'csv') return writeCsv(records, columns);
  if (format === 'ndjson')
    return records.map((r) => JSON.stringify(toJson(r))).join('\n') + (records.length ? '\n' : '');
  return `${JSON.stringify(records.map(toJson), null, 2)}\n`;
}
