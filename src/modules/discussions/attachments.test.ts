import { describe, expect, it } from 'vitest';
import { HTML_AS_PDF, PDF, PNG } from '../../../test/helpers/multipart.ts';
import { MAX_ATTACHMENT_BYTES, checkAttachment } from './attachments.ts';

describe('attachments', () => {
  it('accepts files by their content and names them after it', async () => {
    const pdf = await checkAttachment({ filename: 'C:\\docs\\Report <final>.PDF', data: PDF });
    expect(pdf).toMatchObject({
      ok: true,
      file: { filename: 'Report final.pdf', mediaType: 'application/pdf' },
    });
    const png = await checkAttachment({ filename: 'scan.pdf', data: PNG });
    expect(png).toMatchObject({ ok: true, file: { filename: 'scan.png', mediaType: 'image/png' } });
  });

  it('refuses what is not a PDF, DOCX, ODT, PNG or JPEG, whatever its name', async () => {
    for (const data of [
      HTML_AS_PDF,
      Buffer.from('GIF89a\x01\x00\x01\x00'),
      Buffer.from('PK\x03\x04zip'),
    ]) {
      const result = await checkAttachment({ filename: 'report.pdf', data });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('is not a PDF, DOCX, ODT, PNG or JPEG file');
    }
  });

  it('refuses empty and oversized files', async () => {
    expect((await checkAttachment({ filename: 'e.pdf', data: Buffer.alloc(0) })).ok).toBe(false);
    const big = await checkAttachment({
      filename: 'b.pdf',
      data: Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES)]),
    });
    expect(big).toMatchObject({ ok: false });
    expect((await checkAttachment({ filename: 'b.pdf', data: PDF, truncated: true })).ok).toBe(
      false,
    );
  });
});
