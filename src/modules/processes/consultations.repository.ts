import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  ConsultationsTable,
  ConsultationSubmissionsTable,
  SubmissionAttachmentsTable,
} from './processes.table.ts';

export type ConsultationRow = Selectable<ConsultationsTable>;
export type SubmissionRow = Selectable<ConsultationSubmissionsTable>;
export type AttachmentMeta = Omit<Selectable<SubmissionAttachmentsTable>, 'content'>;

const ATTACHMENT_META = [
  'id',
  'submission_id',
  'filename',
  'media_type',
  'size_bytes',
  'sha256',
] as const;

export function findConsultationById(db: Db, id: string) {
  return db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findConsultationBySlug(db: Db, slug: string) {
  return db.selectFrom('consultations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function consultationsOfProcess(db: Db, processId: string) {
  return db
    .selectFrom('consultations')
    .selectAll()
    .where('process_id', '=', processId)
    .orderBy('opens_at', 'desc')
    .execute();
}

export function insertConsultation(db: Db, row: Insertable<ConsultationsTable>) {
  return db.insertInto('consultations').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findSubmissionOf(
  db: Db,
  consultationId: string,
  by: { organisationId: string | null; userId: string | null },
) {
  let query = db
    .selectFrom('consultation_submissions')
    .selectAll()
    .where('consultation_id', '=', consultationId);
  query = by.organisationId
    ? query.where('organisation_id', '=', by.organisationId)
    : query.where('organisation_id', 'is', null).where('author_user_id', '=', by.userId);
  return query.executeTakeFirst();
}

export function insertSubmission(db: Db, row: Insertable<ConsultationSubmissionsTable>) {
  return db
    .insertInto('consultation_submissions')
    .values(row)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertComments(
  db: Db,
  submissionId: string,
  comments: ReadonlyArray<{ paragraph: number; text: string }>,
) {
  if (comments.length === 0) return Promise.resolve();
  return db
    .insertInto('submission_comments')
    .values(comments.map((c) => ({ submission_id: submissionId, ...c })))
    .execute()
    .then(() => undefined);
}

export function insertAttachment(db: Db, row: Insertable<SubmissionAttachmentsTable>) {
  return db.insertInto('submission_attachments').values(row).execute();
}

export function submissionsOf(db: Db, consultationId: string) {
  return db
    .selectFrom('consultation_submissions')
    .selectAll()
    .where('consultation_id', '=', consultationId)
    .orderBy('submitted_at')
    .orderBy('id')
    .execute();
}

export function countSubmissions(db: Db, consultationId: string) {
  return db
    .selectFrom('consultation_submissions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('consultation_id', '=', consultationId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export function findSubmissionByReceipt(db: Db, receipt: string) {
  return db
    .selectFrom('consultation_submissions')
    .selectAll()
    .where('receipt', '=', receipt)
    .executeTakeFirst();
}

export async function commentsOf(db: Db, submissionIds: readonly string[]) {
  const map = new Map<string, Array<{ paragraph: number; text: string }>>();
  if (submissionIds.length === 0) return map;
  const rows = await db
    .selectFrom('submission_comments')
    .select(['submission_id', 'paragraph', 'text'])
    .where('submission_id', 'in', submissionIds)
    .orderBy('paragraph')
    .execute();
  for (const r of rows)
    map.set(r.submission_id, [
      ...(map.get(r.submission_id) ?? []),
      { paragraph: r.paragraph, text: r.text },
    ]);
  return map;
}

export async function attachmentsOf(db: Db, submissionIds: readonly string[]) {
  const map = new Map<string, AttachmentMeta[]>();
  if (submissionIds.length === 0) return map;
  const rows = await db
    .selectFrom('submission_attachments')
    .select([...ATTACHMENT_META])
    .where('submission_id', 'in', submissionIds)
    .orderBy('filename')
    .execute();
  for (const r of rows) map.set(r.submission_id, [...(map.get(r.submission_id) ?? []), r]);
  return map;
}

export function findAttachment(db: Db, consultationId: string, attachmentId: string) {
  return db
    .selectFrom('submission_attachments')
    .innerJoin(
      'consultation_submissions',
      'consultation_submissions.id',
      'submission_attachments.submission_id',
    )
    .select([
      'submission_attachments.id',
      'submission_attachments.filename',
      'submission_attachments.media_type',
      'submission_attachments.size_bytes',
      'submission_attachments.sha256',
      'submission_attachments.content',
    ])
    .where('consultation_submissions.consultation_id', '=', consultationId)
    .where('submission_attachments.id', '=', attachmentId)
    .executeTakeFirst();
}

/** Attachments with their bytes, to recompute their fingerprints when a receipt is checked. */
export function attachmentsWithContent(db: Db, submissionId: string) {
  return db
    .selectFrom('submission_attachments')
    .selectAll()
    .where('submission_id', '=', submissionId)
    .execute();
}

/** Consultations still taking input at `now`, or not yet open, with their process's slug. */
export function consultationsClosingAfter(db: Db, now: Date) {
  return db
    .selectFrom('consultations')
    .innerJoin('processes', 'processes.id', 'consultations.process_id')
    .select([
      'consultations.id',
      'consultations.slug',
      'consultations.title',
      'consultations.closes_at',
      'processes.name as process_name',
      'processes.slug as process_slug',
    ])
    .where('consultations.closes_at', '>', now)
    .orderBy('consultations.closes_at')
    .orderBy('consultations.id')
    .execute();
}

/** Every consultation with its process's slug (for the sitemap). */
export function allConsultations(db: Db) {
  return db.selectFrom('consultations').select(['slug', 'created_at']).orderBy('slug').execute();
}
