import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import type { ServiceContext } from '../../../platform/context.ts';
import { AppError, type FieldError } from '../../../platform/errors.ts';
import { regions } from '../../reference/index.ts';
import {
  exportInitiatives,
  importInitiatives,
  type ImportReport,
  type ListQuery,
} from '../initiatives.service.ts';
import { initiativesToIati, parseIati } from './iati.ts';

const SCHEMA_DIR = new URL('./', import.meta.url);
let schemas: { main: string; common: string; xml: string } | null = null;
function loadSchemas() {
  schemas ??= {
    main: readFileSync(new URL('iati-activities-schema.xsd', SCHEMA_DIR), 'utf8'),
    common: readFileSync(new URL('iati-common.xsd', SCHEMA_DIR), 'utf8'),
    xml: readFileSync(new URL('xml.xsd', SCHEMA_DIR), 'utf8'),
  };
  return schemas;
}

/** Problems found by validating against the IATI 2.03 activity schema (libxml2), with lines. */
export async function validateIati(xml: string): Promise<FieldError[]> {
  const s = loadSchemas();
  const result = await validateXML({
    xml: [{ fileName: 'activities.xml', contents: xml }],
    schema: [{ fileName: 'iati-activities-schema.xsd', contents: s.main }],
    preload: [
      { fileName: 'iati-common.xsd', contents: s.common },
      { fileName: 'xml.xsd', contents: s.xml },
    ],
    // Big donor files: up to 1 GiB of WebAssembly memory (64 KiB pages).
    maxMemoryPages: 16384,
  });
  if (result.valid) return [];
  return result.errors.map((e) => ({
    path: `/lines/${e.loc?.lineNumber ?? 0}`,
    message: e.message.replace(/^.*?Schemas validity error : /, '').trim(),
  }));
}

/** Published initiatives as a valid IATI 2.03 activities document. */
export async function exportIati(ctx: ServiceContext, query: ListQuery = {}): Promise<string> {
  const list = await exportInitiatives(ctx, query);
  return initiativesToIati(list, {
    generatedAt: ctx.clock.now(),
    baseUrl: ctx.config.baseUrl,
    regions: await regions(ctx),
  });
}

/**
 * Imports an IATI activities file: refused with every schema error unless it is valid IATI 2.03;
 * then each activity is checked like any import row (all-or-nothing unless skipInvalid).
 */
export async function importIati(
  ctx: ServiceContext,
  xml: string,
  options: { skipInvalid?: boolean } = {},
): Promise<ImportReport> {
  const schemaErrors = await validateIati(xml);
  if (schemaErrors.length) {
    throw AppError.validation(
      schemaErrors,
      `The file is not valid IATI ${'2.03'} activity XML (${schemaErrors.length} problem${schemaErrors.length > 1 ? 's' : ''}); nothing was imported.`,
    );
  }
  const parsed = parseIati(xml, await regions(ctx));
  if (parsed.problems.length)
    throw AppError.validation(parsed.problems, 'The IATI file could not be read.');
  return importInitiatives(ctx, parsed.records, options);
}
