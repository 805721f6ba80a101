/**
 * Import (CSV, JSON, NDJSON) and export (same formats) of resources.
 *
 * Import checks every row and reports every problem with its row and field. By default nothing is
 * written when any row is bad; with `skipInvalid` the good rows are written and the rest reported.
 * A row updates the resource with the same external id, else the same URL, so re-importing a file
 * updates instead of duplicating.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './resources.repository.ts';
import type { ResourceRow } from './resources.repository.ts';
import { checkResourceInput, diffSnapshots, snapshotOf, type ResourceInput } from './resources.ts';
import { hydrate, lookups, resolveProviders, writeResource } from './resources.service.ts';
import { inputOf } from './resources.present.ts';
import { sortedIdsForExport } from './search.service.ts';
import type { SearchParams } from './search-params.ts';
import {
  csvHeader,
  csvHeaderLine,
  csvRows,
  exportRecord,
  parseFile,
  type FileFormat,
} from './transfer.ts';

export interface ImportError {
  /** 1-based number of the record in the file (the CSV header line is not counted). */
  row: number;
  field: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: ImportError[];
}

export interface ImportOptions {
  skipInvalid?: boolean;
  /** Status of new resources (editors' imports publish; demo data too). */
  status?: 'draft' | 'published';
  isDemo?: boolean;
  /** For demo data: when each new resource counts as published. */
  publishedAt?: (input: ResourceInput) => Date | null;
}

function asFieldErrors(errors: readonly ImportError[]): FieldError[] {
  return errors.map((e) => ({ path: `/rows/${e.row}${e.field}`, message: e.message }));
}

/** Parses then imports a file's text. */
export async function importFile(
  ctx: ServiceContext,
  text: string,
  format: FileFormat,
  options: ImportOptions = {},
): Promise<ImportReport> {
  authorize(ctx, 'catalogue.import');
  const parsed = parseFile(text, format);
  if (parsed.errors.length) {
    throw AppError.validation(parsed.errors, 'The file could not be read; nothing was imported.');
  }
  return importResources(ctx, parsed.records, options);
}

export async function importResources(
  ctx: ServiceContext,
  records: readonly unknown[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  authorize(ctx, 'catalogue.import');
  if (records.length === 0)
    throw AppError.validation([{ path: '/rows', message: 'The file has no rows.' }]);
  if (records.length > 20_000)
    throw AppError.validation([
      { path: '/rows', message: 'Import at most 20,000 rows at a time.' },
    ]);
  const found = await lookups(ctx);
  const errors: ImportError[] = [];
  const valid: Array<{ row: number; input: ResourceInput }> = [];
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const row = index + 1;
    const checked = checkResourceInput(record, found.validation);
    if (!checked.ok) {
      for (const e of checked.errors) errors.push({ row, field: e.path, message: e.message });
      return;
    }
    const key = checked.value.externalId
      ? `id:${checked.value.externalId}`
      : `url:${checked.value.url}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({
        row,
        field: checked.value.externalId ? '/externalId' : '/url',
        message: `The same resource as row ${earlier}.`,
      });
      return;
    }
    seen.set(key, row);
    valid.push({ row, input: checked.value });
  });
  const invalidRows = new Set(errors.map((e) => e.row));
  if (errors.length && !options.skipInvalid) {
    throw AppError.validation(
      asFieldErrors(errors),
      `${invalidRows.size} of ${records.length} rows have problems; nothing was imported.`,
    );
  }
  const providers = await resolveProviders(ctx, [
    ...new Set(valid.flatMap((v) => v.input.providers)),
  ]);
  // Existing resources and their providers are read before the transaction (one connection).
  const byExternalId = new Map(
    (
      await repo.findByExternalIds(
        ctx.readDb,
        valid.flatMap((v) => (v.input.externalId ? [v.input.externalId] : [])),
      )
    ).map((r) => [r.external_id!, r.id]),
  );
  const byUrl = new Map<string, string>();
  for (const r of await repo.findByUrls(
    ctx.readDb,
    valid.filter((v) => !v.input.externalId).map((v) => v.input.url),
  ))
    if (!byUrl.has(r.url)) byUrl.set(r.url, r.id);
  const matchedIds = valid
    .map((v) =>
      v.input.externalId ? byExternalId.get(v.input.externalId) : byUrl.get(v.input.url),
    )
    .filter((id): id is string => !!id);
  const currentInputs = new Map(
    (await hydrate(ctx, await repo.findManyById(ctx.readDb, matchedIds))).map((r) => [
      r.id,
      inputOf(r),
    ]),
  );

  const report: ImportReport = {
    rows: records.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: invalidRows.size,
    errors,
  };
  await ctx.db.transaction().execute(async (trx) => {
    for (const { row, input } of valid) {
      const id = input.externalId ? byExternalId.get(input.externalId) : byUrl.get(input.url);
      let existing: ResourceRow | null = null;
      if (id) existing = (await repo.lockById(trx, id)) ?? null;
      const before = existing ? currentInputs.get(existing.id) : undefined;
      // A re-import without a slug keeps the resource's address.
      const next = existing && !input.slug ? { ...input, slug: existing.slug } : input;
      const changes = before ? diffSnapshots(snapshotOf(before), snapshotOf(next)) : null;
      if (existing && changes?.length === 0) {
        report.unchanged += 1;
        continue;
      }
      try {
        const written = await writeResource(
          trx,
          ctx,
          next,
          existing,
          {
            status: existing?.status ?? options.status ?? 'published',
            organisationId: existing?.organisation_id ?? null,
            action: existing ? 'import-update' : 'import',
            isDemo: options.isDemo,
            publishedAt: options.publishedAt?.(input) ?? null,
          },
          providers,
          found.countries,
        );
        await recordAudit(trx, ctx, {
          action: existing ? 'resource.import.update' : 'resource.import.create',
          entityType: 'resource',
          entityId: written.id,
          before: changes ? Object.fromEntries(changes.map((c) => [c.field, c.before])) : undefined,
          after: changes
            ? Object.fromEntries(changes.map((c) => [c.field, c.after]))
            : { slug: written.slug, status: written.status },
          isPublic: written.status === 'published',
        });
        if (existing) report.updated += 1;
        else report.created += 1;
      } catch (error) {
        // Checks made against the database (a slug or id taken by another resource).
        if (!(error instanceof AppError) || error.code !== 'validation') throw error;
        const rowErrors = error.errors.map((e) => ({ row, field: e.path, message: e.message }));
        if (!options.skipInvalid) {
          throw AppError.validation(
            asFieldErrors(rowErrors),
            `Row ${row} has problems; nothing was imported.`,
          );
        }
        report.errors.push(...rowErrors);
        report.skipped += 1;
      }
    }
  });
  return report;
}

/** Export lines (CSV, JSON or NDJSON) of the published resources a search finds, in batches. */
export async function* exportResources(
  ctx: ServiceContext,
  params: SearchParams,
  format: FileFormat,
): AsyncGenerator<string> {
  const batch = 500;
  let header: string[] | null = null;
  if (format === 'csv') {
    header = csvHeader(await repo.textLanguages(ctx.readDb));
    yield csvHeaderLine(header);
  }
  if (format === 'json') yield '[\n';
  let first = true;
  for (let offset = 0; ; offset += batch) {
    const ids = await sortedIdsForExport(ctx, params, batch, offset);
    if (ids.length === 0) break;
    const rows = await repo.findManyById(ctx.readDb, ids);
    const order = new Map(ids.map((id, i) => [id, i]));
    rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const resources = await hydrate(ctx, rows);
    if (format === 'csv') yield csvRows(resources, header!);
    else if (format === 'ndjson')
      yield resources.map((r) => `${JSON.stringify(exportRecord(r))}\n`).join('');
    else {
      const parts = resources.map((r) => JSON.stringify(exportRecord(r)));
      yield `${first ? '' : ',\n'}${parts.join(',\n')}`;
      first = false;
    }
    if (ids.length < batch) break;
  }
  if (format === 'json') yield '\n]\n';
}
