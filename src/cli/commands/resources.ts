import { readFile } from 'node:fs/promises';
import type { Command } from '../command.ts';
import { parse, UsageError, withRuntime } from '../command.ts';
import { systemContext } from '../../platform/context.ts';
import {
  exportResources,
  formatOf,
  importFile,
  searchParamsFrom,
  type FileFormat,
} from '../../modules/catalogue/index.ts';

export const importResources: Command = {
  name: 'import resources',
  summary:
    'Import catalogue resources from a CSV, JSON or NDJSON file (all or nothing unless --skip-invalid)',
  usage: 'commons import resources FILE [--skip-invalid] [--format csv|json|ndjson]',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { 'skip-invalid': { type: 'boolean' }, format: { type: 'string' } },
      true,
    );
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError('Give exactly one file to import.');
    const format = (values.format ?? formatOf(file)) as FileFormat | null;
    if (!format || !['csv', 'json', 'ndjson'].includes(format))
      throw new UsageError('Say the format with --format csv|json|ndjson (or name the file so).');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      console.error(`Cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
    return withRuntime(async ({ deps }) => {
      const report = await importFile(systemContext(deps), text, format, {
        skipInvalid: values['skip-invalid'] ?? false,
      });
      console.log(
        `${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped} skipped.`,
      );
      for (const e of report.errors) console.error(`  row ${e.row} ${e.field}: ${e.message}`);
      return 0;
    });
  },
};

export const exportResourcesCommand: Command = {
  name: 'export resources',
  summary: 'Write published catalogue resources to standard output (CSV, JSON or NDJSON)',
  usage: 'commons export resources [--format csv|json|ndjson] [--search "cost=free&language=fr"]',
  async run(argv) {
    const { values } = parse(argv, { format: { type: 'string' }, search: { type: 'string' } });
    const format = (values.format ?? 'csv') as FileFormat;
    if (!['csv', 'json', 'ndjson'].includes(format))
      throw new UsageError('The format is csv, json or ndjson.');
    let params;
    try {
      params = searchParamsFrom(new URLSearchParams(values.search ?? ''));
    } catch (error) {
      throw new UsageError(`--search: ${(error as Error).message}`);
    }
    // A reader that stops early (| head) is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
    });
    return withRuntime(async ({ deps }) => {
      for await (const chunk of exportResources(systemContext(deps), params, format)) {
        if (!process.stdout.write(chunk))
          await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      return 0;
    });
  },
};
