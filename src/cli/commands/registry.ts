import { readFileSync } from 'node:fs';
import { EXIT, parse, UsageError, withRuntime, type Command } from '../command.ts';
import { systemContext } from '../../platform/context.ts';
import { guessFormat, readRecords, type RecordFormat } from '../../platform/records.ts';
import {
  exportIati,
  exportInitiatives,
  importIati,
  importInitiatives,
  serialiseInitiatives,
  type ImportReport,
} from '../../modules/initiatives/index.ts';
import {
  exportOrganisations,
  importOrganisations,
  serialiseOrganisations,
} from '../../modules/organisations/index.ts';

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

function report(kind: string, r: ImportReport): void {
  console.log(
    `${kind}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped.`,
  );
  for (const s of r.skipped)
    for (const e of s.errors) console.log(`  skipped ${e.path}: ${e.message}`);
}

function formatOf(file: string, content: string, allowXml: boolean): RecordFormat | 'xml' {
  const format = guessFormat(file, content);
  if (!format || (format === 'xml' && !allowXml)) {
    throw new UsageError(
      `Cannot tell the format of ${file}: use a .csv, .json or .ndjson${allowXml ? ' or IATI .xml' : ''} file.`,
    );
  }
  return format;
}

export const importInitiativesCommand: Command = {
  name: 'import initiatives',
  summary:
    'Import initiatives from CSV, JSON, NDJSON or IATI 2.03 XML (all rows checked; nothing written if any is bad unless --skip-invalid; re-import updates)',
  usage: 'commons import initiatives FILE [--skip-invalid]',
  async run(argv) {
    const { values, positionals } = parse(argv, { 'skip-invalid': { type: 'boolean' } }, true);
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError('Give exactly one file to import.');
    const content = readInput(file);
    const format = formatOf(file, content, true);
    return withRuntime(async ({ deps }) => {
      const ctx = systemContext(deps);
      const options = { skipInvalid: values['skip-invalid'] ?? false };
      const r =
        format === 'xml'
          ? await importIati(ctx, content, options)
          : await importInitiatives(ctx, readRecords(content, format), options);
      report('Initiatives', r);
      return EXIT.ok;
    });
  },
};

export const importOrganisationsCommand: Command = {
  name: 'import organisations',
  summary:
    'Import organisations from CSV, JSON or NDJSON (all rows checked; re-import by slug updates)',
  usage: 'commons import organisations FILE [--skip-invalid]',
  async run(argv) {
    const { values, positionals } = parse(argv, { 'skip-invalid': { type: 'boolean' } }, true);
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError('Give exactly one file to import.');
    const content = readInput(file);
    const format = formatOf(file, content, false) as RecordFormat;
    return withRuntime(async ({ deps }) => {
      const r = await importOrganisations(systemContext(deps), readRecords(content, format), {
        skipInvalid: values['skip-invalid'] ?? false,
      });
      report('Organisations', r);
      return EXIT.ok;
    });
  },
};

function exportFormat(value: string | undefined, allowIati: boolean): RecordFormat | 'iati' {
  const format = value ?? 'csv';
  const allowed = ['csv', 'json', 'ndjson', ...(allowIati ? ['iati'] : [])];
  if (!allowed.includes(format))
    throw new UsageError(`Unknown format "${format}": use ${allowed.join(', ')}.`);
  return format as RecordFormat | 'iati';
}

export const exportInitiativesCommand: Command = {
  name: 'export initiatives',
  summary: 'Write published initiatives to standard output (csv, json, ndjson, or IATI 2.03 XML)',
  usage: 'commons export initiatives [--format csv|json|ndjson|iati]',
  async run(argv) {
    const { values } = parse(argv, { format: { type: 'string' } });
    const format = exportFormat(values.format, true);
    return withRuntime(async ({ deps }) => {
      const ctx = systemContext(deps);
      process.stdout.write(
        format === 'iati'
          ? await exportIati(ctx)
          : serialiseInitiatives(await exportInitiatives(ctx), format),
      );
      return EXIT.ok;
    });
  },
};

export const exportOrganisationsCommand: Command = {
  name: 'export organisations',
  summary: 'Write the organisations directory to standard output (csv, json or ndjson)',
  usage: 'commons export organisations [--format csv|json|ndjson]',
  async run(argv) {
    const { values } = parse(argv, { format: { type: 'string' } });
    const format = exportFormat(values.format, false) as RecordFormat;
    return withRuntime(async ({ deps }) => {
      process.stdout.write(
        serialiseOrganisations(await exportOrganisations(systemContext(deps)), format),
      );
      return EXIT.ok;
    });
  },
};

export const REGISTRY_COMMANDS: Command[] = [
  importInitiativesCommand,
  importOrganisationsCommand,
  exportInitiativesCommand,
  exportOrganisationsCommand,
];
