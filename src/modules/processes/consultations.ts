import { createHash } from 'node:crypto';

/** Consultations: domain types and pure rules (eligibility, timing, receipts, file types). */

export const CONSULTATION_KINDS = ['draft', 'questions'] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

/** Who may submit: any signed-in person, representatives of registered organisations, or of accredited ones. */
export const ELIGIBILITY = [
  'everyone',
  'registered-organisations',
  'accredited-organisations',
] as const;
export type Eligibility = (typeof ELIGIBILITY)[number];

/** Written input may carry these, recognised by their content, never by their name. */
export const ATTACHMENT_TYPES = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.oasis.opendocument.text': 'odt',
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 3;
export const MAX_SUBMISSION_CHARS = 20_000;
export const MAX_COMMENT_CHARS = 4_000;

export function isAttachmentType(mime: string | undefined): mime is AttachmentType {
  return !!mime && Object.hasOwn(ATTACHMENT_TYPES, mime);
}

export interface Consultation {
  id: string;
  slug: string;
  process: { id: string; slug: string; name: string };
  title: string;
  kind: ConsultationKind;
  introduction: string;
  /** The draft's paragraphs, or the questions asked; comments anchor to their numbers (1-based). */
  paragraphs: string[];
  opensAt: Date;
  closesAt: Date;
  eligibility: Eligibility;
  isDemo: boolean;
}

export type ConsultationPhase = 'upcoming' | 'open' | 'closed';

/** Open from its opening instant (inclusive) to its closing instant (exclusive). */
export function consultationPhase(
  consultation: Pick<Consultation, 'opensAt' | 'closesAt'>,
  now: Date,
): ConsultationPhase {
  if (now.getTime() < consultation.opensAt.getTime()) return 'upcoming';
  if (now.getTime() >= consultation.closesAt.getTime()) return 'closed';
  return 'open';
}

/** Submissions are published as a compilation once the consultation has closed. */
export function compilationPublished(
  consultation: Pick<Consultation, 'closesAt'>,
  now: Date,
): boolean {
  return now.getTime() >= consultation.closesAt.getTime();
}

export interface ReceiptAttachment {
  filename: string;
  mediaType: string;
  bytes: number;
  sha256: string;
}

export interface ReceiptContent {
  consultationId: string;
  submissionId: string;
  organisationId: string | null;
  author: string;
  submittedAt: Date;
  text: string;
  comments: Array<{ paragraph: number; text: string }>;
  attachments: ReceiptAttachment[];
}

/**
 * The canonical document a receipt fingerprints: fixed key order, comments by paragraph,
 * attachments by their own SHA-256 (so the receipt covers the files without repeating them).
 * Anyone holding this document can recompute the receipt with `sha256sum`.
 */
export function receiptDocument(content: ReceiptContent): string {
  return JSON.stringify({
    version: 1,
    consultation: content.consultationId,
    submission: content.submissionId,
    organisation: content.organisationId,
    author: content.author,
    submittedAt: content.submittedAt.toISOString(),
    text: content.text,
    comments: [...content.comments]
      .sort((a, b) => a.paragraph - b.paragraph)
      .map((c) => ({ paragraph: c.paragraph, text: c.text })),
    attachments: [...content.attachments]
      .sort((a, b) => a.sha256.localeCompare(b.sha256) || a.filename.localeCompare(b.filename))
      .map((a) => ({
        filename: a.filename,
        mediaType: a.mediaType,
        bytes: a.bytes,
        sha256: a.sha256,
      })),
  });
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function receiptFor(content: ReceiptContent): string {
  return sha256Hex(receiptDocument(content));
}

export function isReceiptCode(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** A file name safe to show and to send back in Content-Disposition. */
export function cleanFilename(name: string, ext: string): string {
  const base = name
    .normalize('NFKC')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[._ ]+/, '')
    .slice(0, 100)
    .trim();
  return `${base || 'attachment'}.${ext}`;
}
