import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type UploadedFile } from './attachments.ts';

export type FormFields = Record<string, string | string[] | undefined>;

const CSRF_COOKIE = 'cc_csrf';

/**
 * The platform checks CSRF before validation, when a multipart body is not parsed yet; forms with
 * files therefore opt out of that hook (`csrf: false`) and are checked here, after parsing, with
 * the same signed token the page embedded.
 */
function verifyCsrf(request: FastifyRequest, given: unknown): void {
  const seed = request.cookies[CSRF_COOKIE];
  const expected = Buffer.from(request.csrfToken());
  const actual = Buffer.from(typeof given === 'string' ? given : '');
  if (!seed || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new AppError(
      'forbidden',
      'This form has expired or was sent from another site. Reload the page and try again.',
    );
  }
}

function add(fields: FormFields, name: string, value: string): void {
  const current = fields[name];
  if (current === undefined) fields[name] = value;
  else fields[name] = Array.isArray(current) ? [...current, value] : [current, value];
}

/** A posted form, urlencoded or multipart (with its files), after the CSRF check. */
export async function readForm(
  request: FastifyRequest,
): Promise<{ fields: FormFields; files: UploadedFile[] }> {
  const fields: FormFields = {};
  const files: UploadedFile[] = [];
  if (request.isMultipart()) {
    for await (const part of request.parts({
      limits: {
        fileSize: MAX_ATTACHMENT_BYTES,
        // One more than allowed, so that "too many" is reported rather than silently cut.
        files: MAX_ATTACHMENTS + 1,
        fields: 60,
        fieldSize: 100_000,
      },
    })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        // A file input left empty still sends a part, with no name and no bytes.
        if (!part.filename && data.length === 0) continue;
        files.push({ filename: part.filename, data, truncated: part.file.truncated });
      } else {
        add(fields, part.fieldname, String(part.value ?? ''));
      }
    }
  } else {
    for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
      if (typeof v === 'string') add(fields, k, v);
      else if (Array.isArray(v)) for (const item of v) add(fields, k, String(item));
    }
  }
  if (request.routeOptions.config?.csrf === false) verifyCsrf(request, fields._csrf);
  delete fields._csrf;
  return { fields, files };
}

export const asArray = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
export const asString = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
