import { describe, expect, it } from 'vitest';
import {
  cleanFilename,
  compilationPublished,
  consultationPhase,
  isAttachmentType,
  isReceiptCode,
  receiptDocument,
  receiptFor,
  sha256Hex,
  type ReceiptContent,
} from './consultations.ts';

const content: ReceiptContent = {
  consultationId: 'c1',
  submissionId: 's1',
  organisationId: null,
  author: 'Test',
  submittedAt: new Date('2026-11-23T10:00:00Z'),
  text: 'Our input.',
  comments: [
    { paragraph: 3, text: 'Third' },
    { paragraph: 1, text: 'First' },
  ],
  attachments: [
    { filename: 'b.pdf', mediaType: 'application/pdf', bytes: 10, sha256: 'b'.repeat(64) },
    { filename: 'a.pdf', mediaType: 'application/pdf', bytes: 10, sha256: 'a'.repeat(64) },
  ],
};

describe('receipts', () => {
  it('fingerprint a canonical document: the receipt is its SHA-256', () => {
    const receipt = receiptFor(content);
    expect(isReceiptCode(receipt)).toBe(true);
    expect(sha256Hex(receiptDocument(content))).toBe(receipt);
    const doc = JSON.parse(receiptDocument(content));
    expect(doc.comments.map((c: { paragraph: number }) => c.paragraph)).toEqual([1, 3]);
    expect(doc.submittedAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('do not depend on the order things arrived in, and change with any change', () => {
    const shuffled = {
      ...content,
      comments: [...content.comments].reverse(),
      attachments: [...content.attachments].reverse(),
    };
    expect(receiptFor(shuffled)).toBe(receiptFor(content));
    expect(receiptFor({ ...content, text: 'Our input!' })).not.toBe(receiptFor(content));
    expect(receiptFor({ ...content, submittedAt: new Date('2026-11-23T10:00:00.001Z') })).not.toBe(
      receiptFor(content),
    );
    expect(
      receiptFor({
        ...content,
        attachments: [{ ...content.attachments[0]!, sha256: 'c'.repeat(64) }],
      }),
    ).not.toBe(receiptFor(content));
  });

  it('recognise receipt codes', () => {
    expect(isReceiptCode('a'.repeat(64))).toBe(true);
    expect(isReceiptCode('A'.repeat(64))).toBe(false);
    expect(isReceiptCode('a'.repeat(63))).toBe(false);
    expect(isReceiptCode("' OR 1=1 --")).toBe(false);
  });
});

describe('consultation timing', () => {
  const c = {
    opensAt: new Date('2026-11-01T00:00:00Z'),
    closesAt: new Date('2026-12-01T17:00:00Z'),
  };
  it('is open from its opening instant up to, not including, its closing instant', () => {
    expect(consultationPhase(c, new Date('2026-10-31T23:59:59.999Z'))).toBe('upcoming');
    expect(consultationPhase(c, new Date('2026-11-01T00:00:00Z'))).toBe('open');
    expect(consultationPhase(c, new Date('2026-12-01T16:59:59.999Z'))).toBe('open');
    expect(consultationPhase(c, new Date('2026-12-01T17:00:00Z'))).toBe('closed');
    expect(compilationPublished(c, new Date('2026-12-01T16:59:59.999Z'))).toBe(false);
    expect(compilationPublished(c, new Date('2026-12-01T17:00:00Z'))).toBe(true);
  });
});

describe('attachments', () => {
  it('accept PDF, DOCX and ODT media types only', () => {
    expect(isAttachmentType('application/pdf')).toBe(true);
    expect(
      isAttachmentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe(true);
    expect(isAttachmentType('application/vnd.oasis.opendocument.text')).toBe(true);
    expect(isAttachmentType('application/zip')).toBe(false);
    expect(isAttachmentType('text/html')).toBe(false);
    expect(isAttachmentType(undefined)).toBe(false);
    expect(isAttachmentType('toString')).toBe(false);
  });

  it('clean file names and name them by their real type', () => {
    expect(cleanFilename('../../etc/passwd.pdf', 'pdf')).toBe('etc_passwd.pdf');
    expect(cleanFilename('report.exe', 'docx')).toBe('report.docx');
    expect(cleanFilename('Contribution – final (v2).odt', 'odt')).toBe(
      'Contribution _ final (v2).odt',
    );
    expect(cleanFilename('', 'pdf')).toBe('attachment.pdf');
    expect(cleanFilename('مساهمة.pdf', 'pdf')).toBe('مساهمة.pdf');
  });
});
