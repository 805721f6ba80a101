import { Type } from 'typebox';
import { fileTypeFromBuffer } from 'file-type';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId, slugify } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, checkRateLimit } from '../accounts/index.ts';
import { getOrganisationById } from '../organisations/index.ts';
import * as repo from './consultations.repository.ts';
import * as accreditationRepo from './accreditation.repository.ts';
import { getProcess } from './processes.service.ts';
import { SUBMISSION_LIMITS } from './processes.ts';
import {
  ATTACHMENT_TYPES,
  CONSULTATION_KINDS,
  ELIGIBILITY,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENT_BYTES,
  MAX_COMMENT_CHARS,
  MAX_SUBMISSION_CHARS,
  cleanFilename,
  compilationPublished,
  consultationPhase,
  isAttachmentType,
  isReceiptCode,
  receiptDocument,
  sha256Hex,
  type Consultation,
  type ConsultationPhase,
  type ReceiptAttachment,
  type ReceiptContent,
} from './consultations.ts';

export interface ConsultationView extends Consultation {
  phase: ConsultationPhase;
  submissions: number;
  compilationPublished: boolean;
}

function toConsultation(
  row: repo.ConsultationRow,
  process: { id: string; slug: string; name: string },
): Consultation {
  return {
    id: row.id,
    slug: row.slug,
    process,
    title: row.title,
    kind: row.kind as Consultation['kind'],
    introduction: row.introduction,
    paragraphs: row.paragraphs,
    opensAt: new Date(row.opens_at),
    closesAt: new Date(row.closes_at),
    eligibility: row.eligibility as Consultation['eligibility'],
    isDemo: row.is_demo,
  };
}

async function findConsultation(ctx: Pick<ServiceContext, 'readDb'>, idOrSlug: string) {
  const row = isUuid(idOrSlug)
    ? await repo.findConsultationById(ctx.readDb, idOrSlug)
    : await repo.findConsultationBySlug(ctx.readDb, idOrSlug);
  if (!row) throw AppError.notFound('The consultation');
  return row;
}

export async function getConsultation(
  ctx: ServiceContext,
  idOrSlug: string,
): Promise<ConsultationView> {
  const row = await findConsultation(ctx, idOrSlug);
  const process = await getProcess(ctx, row.process_id);
  const consultation = toConsultation(row, {
    id: process.id,
    slug: process.slug,
    name: process.name,
  });
  const now = ctx.clock.now();
  return {
    ...consultation,
    phase: consultationPhase(consultation, now),
    submissions: await repo.countSubmissions(ctx.readDb, row.id),
    compilationPublished: compilationPublished(consultation, now),
  };
}

export async function consultationsOfProcess(ctx: ServiceContext, processId: string) {
  const process = await getProcess(ctx, processId);
  const rows = await repo.consultationsOfProcess(ctx.readDb, process.id);
  const now = ctx.clock.now();
  return rows.map((row) => {
    const c = toConsultation(row, { id: process.id, slug: process.slug, name: process.name });
    return { ...c, phase: consultationPhase(c, now) };
  });
}

export const NewConsultation = Type.Object(
  {
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 })),
    title: Type.String({ minLength: 3, maxLength: 200 }),
    kind: Type.Union(CONSULTATION_KINDS.map((k) => Type.Literal(k))),
    introduction: Type.Optional(Type.String({ maxLength: 5000 })),
    paragraphs: Type.Array(Type.String({ minLength: 1, maxLength: 5000 }), {
      minItems: 1,
      maxItems: 200,
    }),
    opensAt: Type.String({ format: 'date-time' }),
    closesAt: Type.String({ format: 'date-time' }),
    eligibility: Type.Union(ELIGIBILITY.map((e) => Type.Literal(e))),
    isDemo: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The secretariat opens a consultation on a draft (paragraphs) or on questions. */
export async function createConsultation(
  ctx: ServiceContext,
  processIdOrSlug: string,
  input: unknown,
): Promise<ConsultationView> {
  const process = await getProcess(ctx, processIdOrSlug);
  authorize(ctx, 'consultation.manage', { type: 'process', id: process.id });
  const data = parseOrThrow(NewConsultation, input);
  const opensAt = new Date(data.opensAt);
  const closesAt = new Date(data.closesAt);
  if (closesAt.getTime() <= opensAt.getTime())
    throw AppError.validation([{ path: '/closesAt', message: 'It must close after it opens.' }]);
  const slug = data.slug ?? slugify(`${process.shortName ?? process.slug}-${data.title}`);
  const row = await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findConsultationBySlug(trx, slug))
      throw new AppError('conflict', `A consultation with the address "${slug}" exists.`, [
        { path: '/slug', message: 'This address is taken.' },
      ]);
    const inserted = await repo.insertConsultation(trx, {
      id: newId(),
      process_id: process.id,
      slug,
      title: data.title,
      kind: data.kind,
      introduction: data.introduction ?? '',
      paragraphs: JSON.stringify(data.paragraphs.map((p) => p.trim())),
      opens_at: opensAt,
      closes_at: closesAt,
      eligibility: data.eligibility,
      is_demo: data.isDemo ?? false,
    });
    await recordAudit(trx, ctx, {
      action: 'consultation.create',
      entityType: 'consultation',
      entityId: inserted.id,
      after: { process: process.id, slug, opensAt: data.opensAt, closesAt: data.closesAt },
      isPublic: true,
    });
    return inserted;
  });
  return getConsultation(ctx, row.id);
}

// ---------------------------------------------------------------------------------------------
// Submitting

/** A file as it arrived: its name and declared type are only hints; its bytes decide. */
export interface UploadedFile {
  filename: string;
  data: Buffer;
  /** The upload went past the size limit and was cut. */
  truncated: boolean;
}

export const SubmissionInput = Type.Object(
  {
    organisationId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    text: Type.Optional(Type.String({ maxLength: MAX_SUBMISSION_CHARS })),
    comments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            paragraph: Type.Integer({ minimum: 1 }),
            text: Type.String({ minLength: 1, maxLength: MAX_COMMENT_CHARS }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface SubmissionReceipt {
  id: string;
  receipt: string;
  submittedAt: Date;
  author: string;
  consultation: { id: string; slug: string; title: string };
}

interface CheckedFile extends ReceiptAttachment {
  data: Buffer;
}

/** Checks each file by its content (magic bytes and container), never by its name. */
async function checkFiles(files: readonly UploadedFile[]): Promise<CheckedFile[]> {
  if (files.length > MAX_ATTACHMENTS)
    throw AppError.validation([
      { path: '/attachments', message: `Attach at most ${MAX_ATTACHMENTS} files.` },
    ]);
  const tooLarge: FieldError[] = [];
  const wrongType: FieldError[] = [];
  const checked: CheckedFile[] = [];
  for (const [i, file] of files.entries()) {
    const name = file.filename.slice(0, 200);
    if (file.truncated || file.data.length > MAX_ATTACHMENT_BYTES) {
      tooLarge.push({
        path: `/attachments/${i}`,
        message: `"${name}" is larger than ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB.`,
      });
      continue;
    }
    const detected = file.data.length ? await fileTypeFromBuffer(file.data) : undefined;
    if (!isAttachmentType(detected?.mime)) {
      wrongType.push({
        path: `/attachments/${i}`,
        message: `"${name}" is not a PDF, DOCX or ODT document (judged by its content, not its name).`,
      });
      continue;
    }
    checked.push({
      filename: cleanFilename(name, ATTACHMENT_TYPES[detected.mime]),
      mediaType: detected.mime,
      bytes: file.data.length,
      sha256: sha256Hex(file.data),
      data: file.data,
    });
  }
  if (tooLarge.length)
    throw new AppError('payload_too_large', 'An attachment is too large.', [
      ...tooLarge,
      ...wrongType,
    ]);
  if (wrongType.length)
    throw new AppError(
      'unsupported_media_type',
      'An attachment is not of an accepted type.',
      wrongType,
    );
  return checked;
}

function phaseError(consultation: Consultation, phase: ConsultationPhase): AppError {
  return phase === 'upcoming'
    ? new AppError(
        'conflict',
        `This consultation opens at ${consultation.opensAt.toISOString()}; submissions are not accepted before.`,
      )
    : new AppError(
        'conflict',
        `This consultation closed at ${consultation.closesAt.toISOString()}; late submissions are not accepted. Submissions received before closing are kept as they were.`,
      );
}

/**
 * Written input, with comments anchored to paragraphs of the draft and up to three attachments.
 * One submission per organisation (or per person speaking for themselves); a duplicate or late
 * one is refused with a clear message and the earlier submission stays exactly as it was.
 */
export async function submitToConsultation(
  ctx: ServiceContext,
  idOrSlug: string,
  input: unknown,
  files: readonly UploadedFile[] = [],
): Promise<SubmissionReceipt> {
  const view = await getConsultation(ctx, idOrSlug);
  authorize(ctx, 'consultation.submit');
  const now = ctx.clock.now();
  const phase = consultationPhase(view, now);
  if (phase !== 'open') throw phaseError(view, phase);
  const data = parseOrThrow(SubmissionInput, input ?? {});
  const text = (data.text ?? '').replace(/\r\n/g, '\n').trim();
  const comments = (data.comments ?? [])
    .map((c) => ({ paragraph: c.paragraph, text: c.text.replace(/\r\n/g, '\n').trim() }))
    .filter((c) => c.text);
  const errors: FieldError[] = [];
  const seen = new Set<number>();
  for (const [i, c] of comments.entries()) {
    if (c.paragraph > view.paragraphs.length)
      errors.push({
        path: `/comments/${i}/paragraph`,
        message: `The draft has ${view.paragraphs.length} paragraphs.`,
      });
    else if (seen.has(c.paragraph))
      errors.push({
        path: `/comments/${i}/paragraph`,
        message: `Paragraph ${c.paragraph} has two comments; join them into one.`,
      });
    seen.add(c.paragraph);
  }
  if (!text && comments.length === 0 && files.length === 0)
    errors.push({
      path: '/text',
      message: 'Write your input, comment on a paragraph or attach a document.',
    });
  const organisationId = data.organisationId ?? null;
  if (!organisationId && view.eligibility !== 'everyone')
    errors.push({
      path: '/organisationId',
      message: 'This consultation takes input from organisations: choose the one you submit for.',
    });
  if (errors.length) throw AppError.validation(errors);

  let author = ctx.actor.label;
  if (organisationId) {
    authorize(ctx, 'consultation.submit-for-organisation', {
      type: 'organisation',
      id: organisationId,
    });
    const organisation = await getOrganisationById(ctx, organisationId);
    if (!organisation)
      throw AppError.validation([
        { path: '/organisationId', message: 'This organisation is not registered.' },
      ]);
    author = organisation.name;
    if (view.eligibility === 'accredited-organisations') {
      const process = await getProcess(ctx, view.process.id);
      const accredited =
        process.modality === 'open' ||
        (
          await accreditationRepo.applicationsOfOrganisation(ctx.readDb, process.id, organisationId)
        ).some((a) => a.status === 'accredited');
      if (!accredited)
        throw AppError.forbidden(
          `Only organisations accredited to ${process.name} may submit to this consultation.`,
        );
    }
  }
  const attachments = await checkFiles(files);
  await checkRateLimit(ctx, {
    key: `processes:consultation-submit:user:${ctx.actor.userId}`,
    ...SUBMISSION_LIMITS.consultationSubmissions,
  });

  const id = newId();
  const content: ReceiptContent = {
    consultationId: view.id,
    submissionId: id,
    organisationId,
    author,
    submittedAt: now,
    text,
    comments,
    attachments,
  };
  const receipt = sha256Hex(receiptDocument(content));
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      const earlier = await repo.findSubmissionOf(trx, view.id, {
        organisationId,
        userId: ctx.actor.userId,
      });
      if (earlier) throw duplicate(earlier);
      await repo.insertSubmission(trx, {
        id,
        consultation_id: view.id,
        organisation_id: organisationId,
        author_user_id: ctx.actor.userId,
        author_name: author,
        text,
        receipt,
        submitted_at: now,
      });
      await repo.insertComments(trx, id, comments);
      for (const a of attachments) {
        await repo.insertAttachment(trx, {
          id: newId(),
          submission_id: id,
          filename: a.filename,
          media_type: a.mediaType,
          size_bytes: a.bytes,
          sha256: a.sha256,
          content: a.data,
        });
      }
      await recordAudit(trx, ctx, {
        action: 'consultation.submit',
        entityType: 'consultation_submission',
        entityId: id,
        after: { consultation: view.id, organisation: organisationId, receipt },
        isPublic: true,
      });
    })
    .catch(async (error: unknown) => {
      if (!isAppError(error) && (error as { code?: string }).code === '23505') {
        const earlier = await repo.findSubmissionOf(ctx.db, view.id, {
          organisationId,
          userId: ctx.actor.userId,
        });
        if (earlier) throw duplicate(earlier);
      }
      throw error;
    });
  return {
    id,
    receipt,
    submittedAt: now,
    author,
    consultation: { id: view.id, slug: view.slug, title: view.title },
  };
}

function duplicate(earlier: repo.SubmissionRow): AppError {
  return new AppError(
    'conflict',
    `Input was already submitted on ${new Date(earlier.submitted_at).toISOString()} (receipt ${earlier.receipt}). It is kept unchanged; a second submission is not accepted.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The compilation and receipts

export interface CompiledSubmission {
  id: string;
  author: string;
  organisation: { id: string; slug: string | null } | null;
  submittedAt: Date;
  text: string;
  comments: Array<{ paragraph: number; text: string }>;
  attachments: Array<{
    id: string;
    filename: string;
    mediaType: string;
    bytes: number;
    sha256: string;
  }>;
  receipt: string;
  isDemo: boolean;
}

export interface Compilation {
  consultation: ConsultationView;
  published: boolean;
  items: CompiledSubmission[];
}

/** Every submission, once the consultation has closed; before, only how many arrived. */
export async function getCompilation(ctx: ServiceContext, idOrSlug: string): Promise<Compilation> {
  const consultation = await getConsultation(ctx, idOrSlug);
  if (!consultation.compilationPublished) return { consultation, published: false, items: [] };
  const rows = await repo.submissionsOf(ctx.readDb, consultation.id);
  const ids = rows.map((r) => r.id);
  const [comments, attachments] = await Promise.all([
    repo.commentsOf(ctx.readDb, ids),
    repo.attachmentsOf(ctx.readDb, ids),
  ]);
  const organisations = new Map<string, string | null>();
  for (const r of rows) {
    if (r.organisation_id && !organisations.has(r.organisation_id))
      organisations.set(
        r.organisation_id,
        (await getOrganisationById(ctx, r.organisation_id))?.slug ?? null,
      );
  }
  return {
    consultation,
    published: true,
    items: rows.map((r) => ({
      id: r.id,
      author: r.author_name,
      organisation: r.organisation_id
        ? { id: r.organisation_id, slug: organisations.get(r.organisation_id) ?? null }
        : null,
      submittedAt: new Date(r.submitted_at),
      text: r.text,
      comments: comments.get(r.id) ?? [],
      attachments: (attachments.get(r.id) ?? []).map((a) => ({
        id: a.id,
        filename: a.filename,
        mediaType: a.media_type,
        bytes: a.size_bytes,
        sha256: a.sha256.trim(),
      })),
      receipt: r.receipt.trim(),
      isDemo: r.is_demo,
    })),
  };
}

/** An attachment of a published compilation. */
export async function getAttachment(ctx: ServiceContext, idOrSlug: string, attachmentId: string) {
  const consultation = await getConsultation(ctx, idOrSlug);
  if (!consultation.compilationPublished || !isUuid(attachmentId))
    throw AppError.notFound('The attachment');
  const row = await repo.findAttachment(ctx.readDb, consultation.id, attachmentId);
  if (!row) throw AppError.notFound('The attachment');
  return {
    filename: row.filename,
    mediaType: row.media_type,
    bytes: row.size_bytes,
    sha256: row.sha256.trim(),
    content: row.content,
  };
}

export interface ReceiptCheck {
  receipt: string;
  /** The stored submission still hashes to the receipt: nothing was changed since. */
  valid: boolean;
  submittedAt: Date;
  author: string;
  consultation: { id: string; slug: string; title: string; processName: string };
  published: boolean;
  /**
   * The canonical document the receipt fingerprints (its SHA-256 is the receipt): shown once the
   * compilation is published, or to the submitter before.
   */
  document: string | null;
}

/**
 * Verifies a receipt by recomputing the fingerprint from what is stored now. Anyone holding a
 * receipt may check it; the content it covers is published with the compilation anyway.
 */
export async function verifyReceipt(ctx: ServiceContext, code: string): Promise<ReceiptCheck> {
  const receipt = code.trim().toLowerCase();
  if (!isReceiptCode(receipt))
    throw AppError.validation([
      { path: '/receipt', message: 'A receipt is 64 hexadecimal characters.' },
    ]);
  const row = await repo.findSubmissionByReceipt(ctx.readDb, receipt);
  if (!row) throw AppError.notFound('A submission with this receipt');
  const consultation = await getConsultation(ctx, row.consultation_id);
  const [comments, attachments] = await Promise.all([
    repo.commentsOf(ctx.readDb, [row.id]),
    repo.attachmentsWithContent(ctx.readDb, row.id),
  ]);
  // Files are fingerprinted from their stored bytes, not from the stored fingerprints.
  const document = receiptDocument({
    consultationId: row.consultation_id,
    submissionId: row.id,
    organisationId: row.organisation_id,
    author: row.author_name,
    submittedAt: new Date(row.submitted_at),
    text: row.text,
    comments: comments.get(row.id) ?? [],
    attachments: attachments.map((a) => ({
      filename: a.filename,
      mediaType: a.media_type,
      bytes: a.content.length,
      sha256: sha256Hex(a.content),
    })),
  });
  const mine = !!ctx.actor.userId && ctx.actor.userId === row.author_user_id;
  return {
    receipt,
    valid: sha256Hex(document) === receipt,
    submittedAt: new Date(row.submitted_at),
    author: row.author_name,
    consultation: {
      id: consultation.id,
      slug: consultation.slug,
      title: consultation.title,
      processName: consultation.process.name,
    },
    published: consultation.compilationPublished,
    document: consultation.compilationPublished || mine ? document : null,
  };
}
