import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';
import { AppError } from '../../platform/errors.ts';
import type { UploadedFile } from './consultations.service.ts';
import { MAX_ATTACHMENT_BYTES } from './consultations.ts';

/**
 * Multipart uploads for this module's routes only (an encapsulated registration): fields and files
 * are read into `request.body` before validation; files stop at the size limit and are marked as
 * cut, so the service can answer with a message tied to the file instead of dropping the request.
 */
export async function registerUploads(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: {
      fileSize: MAX_ATTACHMENT_BYTES,
      files: 10,
      fields: 300,
      fieldSize: 100 * 1024,
      parts: 320,
    },
    async onFile(part: MultipartFile) {
      const data = await part.toBuffer();
      const file: UploadedFile = {
        filename: part.filename,
        data,
        truncated: part.file.truncated,
      };
      (part as unknown as { value: unknown }).value = file;
    },
  });
}

function isUpload(value: unknown): value is UploadedFile {
  return (
    !!value &&
    typeof value === 'object' &&
    Buffer.isBuffer((value as UploadedFile).data) &&
    typeof (value as UploadedFile).filename === 'string'
  );
}

/** Files of a field (one or many), skipping the empty part browsers send for "no file chosen". */
export function filesOf(body: Record<string, unknown>, field: string): UploadedFile[] {
  const raw = body[field];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter(isUpload).filter((f) => f.data.length > 0 || f.filename !== '');
}

const CSRF_COOKIE = 'cc_csrf';

/**
 * The platform checks CSRF before multipart bodies are parsed, so routes that take uploads opt out
 * of that check (`config: { csrf: false }`) and run this equivalent one once the body is read: the
 * token from the form or the X-CSRF-Token header must be the one the platform issues for this
 * cookie and session. Bearer-token requests carry no ambient credentials and pass, as platform-wide.
 */
export async function csrfAfterParsing(request: FastifyRequest): Promise<void> {
  if (/^Bearer\s/i.test(request.headers.authorization ?? '')) return;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const header = request.headers['x-csrf-token'];
  const given =
    typeof header === 'string' ? header : typeof body._csrf === 'string' ? body._csrf : '';
  const expected = request.cookies[CSRF_COOKIE] ? request.csrfToken() : '';
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (!expected || !given || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AppError(
      'forbidden',
      'This form has expired or was sent from another site. Reload the page and try again.',
    );
  }
  if (typeof body._csrf === 'string') delete body._csrf;
}
