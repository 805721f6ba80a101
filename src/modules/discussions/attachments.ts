import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';

/**
 * Attachments are accepted by what their bytes are, not by their name or declared type: a page
 * renamed "report.pdf" is refused. The stored name takes the extension of the detected type.
 */
export const ATTACHMENT_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpg: 'image/jpeg',
};

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 3;

export interface UploadedFile {
  filename: string;
  data: Buffer;
  /** Set when the upload went over the size limit and was cut short. */
  truncated?: boolean;
}

export interface CheckedAttachment {
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export type AttachmentCheck =
  { ok: true; file: CheckedAttachment } | { ok: false; message: string };

function safeName(filename: string, ext: string): string {
  const base = (filename.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} _.-]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  return `${base || 'attachment'}.${ext}`;
}

export async function checkAttachment(file: UploadedFile): Promise<AttachmentCheck> {
  const name = file.filename.slice(0, 200) || 'file';
  if (file.truncated || file.data.length > MAX_ATTACHMENT_BYTES) {
    return {
      ok: false,
      message: `“${name}” is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`,
    };
  }
  if (file.data.length === 0) return { ok: false, message: `“${name}” is empty.` };
  const type = await fileTypeFromBuffer(file.data);
  const mediaType = type ? ATTACHMENT_TYPES[type.ext] : undefined;
  if (!type || !mediaType) {
    return {
      ok: false,
      message: `“${name}” is not a PDF, DOCX, ODT, PNG or JPEG file (checked by its content).`,
    };
  }
  return {
    ok: true,
    file: {
      filename: safeName(name, type.ext),
      mediaType,
      size: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      data: file.data,
    },
  };
}
