import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  applicationInput,
  createOrganisation,
  createTestProcess,
  meetingId,
  representative,
} from '../../../test/factories/processes.ts';
import { docx, multipart, odt, pdf, zip, type Part } from '../../../test/factories/documents.ts';
import { ManualClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import {
  applyForAccreditation,
  createConsultation,
  getCompilation,
  submitToConsultation,
  verifyReceipt,
  type Process,
} from './index.ts';
import { MAX_ATTACHMENT_BYTES } from './consultations.ts';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const OPENS = new Date('2027-02-01T00:00:00Z');
const CLOSES = new Date('2027-03-01T17:00:00Z');

describe.each(databaseKinds())('consultations on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2027-01-20T12:00:00Z'));
  let process: Process;
  let participant: TestUser;
  let counter = 0;

  async function consultation(
    eligibility: 'everyone' | 'registered-organisations' | 'accredited-organisations',
  ) {
    counter++;
    return createConsultation(env.ctx(), process.id, {
      slug: `consultation-${kind}-${counter}`,
      title: `Draft ${counter}`,
      kind: 'draft',
      paragraphs: ['First paragraph.', 'Second paragraph.', 'Third paragraph.'],
      opensAt: OPENS.toISOString(),
      closesAt: CLOSES.toISOString(),
      eligibility,
    });
  }

  async function postMultipart(agent: TestAgent, url: string, parts: Part[], csrf = agent.csrf) {
    const body = multipart([...(csrf ? [{ name: '_csrf', value: csrf }] : []), ...parts]);
    return agent.request('POST', url, {
      headers: { 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
    });
  }

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    process = await createTestProcess(env, { ecosocExempt: true });
    participant = await createTestUser(env, [], 'Participant Person');
  });
  afterAll(async () => env?.close());

  it('is opened by the secretariat only, with a closing time after its opening', async () => {
    const denied = await refusal(
      createConsultation(env.ctx(participant.actor), process.id, {
        title: 'Not allowed',
        kind: 'questions',
        paragraphs: ['Why?'],
        opensAt: OPENS.toISOString(),
        closesAt: CLOSES.toISOString(),
        eligibility: 'everyone',
      }),
    );
    expect(denied.code).toBe('forbidden');
    const backwards = await refusal(
      createConsultation(env.ctx(), process.id, {
        title: 'Backwards',
        kind: 'questions',
        paragraphs: ['Why?'],
        opensAt: CLOSES.toISOString(),
        closesAt: OPENS.toISOString(),
        eligibility: 'everyone',
      }),
    );
    expect(backwards.errors[0]?.path).toBe('/closesAt');
    const c = await consultation('everyone');
    const response = await env.app.inject(`/api/v1/consultations/${c.id}`);
    expect(response.json()).toMatchObject({
      slug: c.slug,
      phase: 'upcoming',
      eligibility: 'everyone',
      paragraphs: ['First paragraph.', 'Second paragraph.', 'Third paragraph.'],
    });
  });

  it('takes input only while open: from the opening instant, before the closing one', async () => {
    const c = await consultation('everyone');
    const ctx = () => env.ctx(participant.actor);
    clock.set(new Date(OPENS.getTime() - 1));
    expect((await refusal(submitToConsultation(ctx(), c.id, { text: 'Early' }))).message).toMatch(
      /opens at 2027-02-01T00:00:00.000Z/,
    );
    clock.set(new Date(CLOSES.getTime() - 1));
    const receipt = await submitToConsultation(ctx(), c.id, { text: 'Just in time.' });
    expect(receipt.author).toBe('Participant Person');
    clock.set(CLOSES);
    const other = await createTestUser(env);
    const late = await refusal(submitToConsultation(env.ctx(other.actor), c.id, { text: 'Late' }));
    expect(late.code).toBe('conflict');
    expect(late.message).toMatch(/closed at 2027-03-01T17:00:00.000Z; late submissions/);
    const check = await verifyReceipt(env.ctx(), receipt.receipt);
    expect(check.valid).toBe(true);
    expect(check.submittedAt.toISOString()).toBe('2027-03-01T16:59:59.999Z');
  });

  it('refuses a duplicate clearly and keeps the earlier submission intact', async () => {
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const c = await consultation('registered-organisations');
    const org = await createOrganisation(env, { name: 'Duplicate Test Org' });
    const rep = await representative(env, org.id);
    const colleague = await representative(env, org.id);
    const first = await submitToConsultation(env.ctx(rep.actor), c.id, {
      organisationId: org.id,
      text: 'Our first and only input.',
      comments: [{ paragraph: 2, text: 'Clarify.' }],
    });
    expect(first.author).toBe('Duplicate Test Org');
    clock.advance(60_000);
    const dup = await refusal(
      submitToConsultation(env.ctx(colleague.actor), c.id, {
        organisationId: org.id,
        text: 'A second try that must not replace the first.',
      }),
    );
    expect(dup.code).toBe('conflict');
    expect(dup.message).toContain(first.receipt);
    expect(dup.message).toContain('kept unchanged');
    clock.set(CLOSES);
    const compilation = await getCompilation(env.ctx(), c.id);
    expect(compilation.items).toHaveLength(1);
    expect(compilation.items[0]).toMatchObject({
      text: 'Our first and only input.',
      receipt: first.receipt,
      comments: [{ paragraph: 2, text: 'Clarify.' }],
    });
    expect((await verifyReceipt(env.ctx(), first.receipt)).valid).toBe(true);
  });

  it('applies who may submit: everyone, registered organisations, accredited organisations', async () => {
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const registered = await consultation('registered-organisations');
    const accredited = await consultation('accredited-organisations');
    const org = await createOrganisation(env, { name: 'Eligibility Org' });
    const rep = await representative(env, org.id);
    const stranger = await createOrganisation(env);

    const noOrg = await refusal(
      submitToConsultation(env.ctx(participant.actor), registered.id, { text: 'Me' }),
    );
    expect(noOrg.errors[0]?.path).toBe('/organisationId');
    const notMine = await refusal(
      submitToConsultation(env.ctx(rep.actor), registered.id, {
        organisationId: stranger.id,
        text: 'Not mine',
      }),
    );
    expect(notMine.code).toBe('forbidden');
    const anonymous = await refusal(
      submitToConsultation(
        env.ctx({ ...participant.actor, userId: null, via: 'anonymous' }),
        registered.id,
        {
          text: 'x',
        },
      ),
    );
    expect(anonymous.code).toBe('unauthenticated');

    const notAccredited = await refusal(
      submitToConsultation(env.ctx(rep.actor), accredited.id, {
        organisationId: org.id,
        text: 'We are not accredited yet.',
      }),
    );
    expect(notAccredited.code).toBe('forbidden');
    expect(notAccredited.message).toMatch(/Only organisations accredited to/);
    // Accredited on its ECOSOC status (the process admits it at once), the organisation may submit.
    const ecosoc = await createOrganisation(env, { name: 'Accredited Org', ecosocStatus: true });
    const ecosocRep = await representative(env, ecosoc.id);
    clock.set(new Date('2027-01-25T12:00:00Z'));
    await applyForAccreditation(
      env.ctx(ecosocRep.actor),
      process.id,
      applicationInput(ecosoc.id, meetingId(process, 'Second session'), { ecosocStatus: true }),
    );
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const ok = await submitToConsultation(env.ctx(ecosocRep.actor), accredited.id, {
      organisationId: ecosoc.id,
      text: 'Input from an accredited organisation.',
    });
    expect(ok.author).toBe('Accredited Org');
  });

  it('anchors comments to paragraphs that exist, one comment per paragraph', async () => {
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const c = await consultation('everyone');
    const user = await createTestUser(env);
    const outOfRange = await refusal(
      submitToConsultation(env.ctx(user.actor), c.id, {
        comments: [{ paragraph: 4, text: 'There is no fourth paragraph.' }],
      }),
    );
    expect(outOfRange.errors).toEqual([
      { path: '/comments/0/paragraph', message: 'The draft has 3 paragraphs.' },
    ]);
    const twice = await refusal(
      submitToConsultation(env.ctx(user.actor), c.id, {
        comments: [
          { paragraph: 1, text: 'One' },
          { paragraph: 1, text: 'Two' },
        ],
      }),
    );
    expect(twice.errors[0]?.path).toBe('/comments/1/paragraph');
    const empty = await refusal(submitToConsultation(env.ctx(user.actor), c.id, { text: '  ' }));
    expect(empty.errors[0]?.path).toBe('/text');
    const bad = await refusal(
      submitToConsultation(env.ctx(user.actor), c.id, { text: 'x', comments: 'nope' }),
    );
    expect(bad.code).toBe('validation');
  });

  it('accepts PDF, DOCX and ODT judged by content, refuses disguised files and oversize ones', async () => {
    clock.set(new Date('2027-02-10T12:00:00Z'));
    const c = await consultation('everyone');
    const writer = await createTestUser(env, [], 'Upload Person');
    const agent = await signedInAgent(env, writer);
    const form = await agent.get(`/consultations/${c.slug}/submit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('enctype="multipart/form-data"');
    const url = `/consultations/${c.slug}/submit`;

    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const disguised = await postMultipart(agent, url, [
      { name: 'text', value: 'With a disguised file' },
      { name: 'paragraph-2', value: 'A comment kept on re-display' },
      { name: 'attachments', value: html, filename: 'report.pdf', contentType: 'application/pdf' },
    ]);
    expect(disguised.statusCode).toBe(415);
    expect(disguised.body).toContain('&quot;report.pdf&quot; is not a PDF, DOCX or ODT');
    expect(disguised.body).toContain('A comment kept on re-display');
    const plainZip = await postMultipart(agent, url, [
      { name: 'text', value: 'x' },
      { name: 'attachments', value: zip([['a.txt', 'hello']]), filename: 'notes.docx' },
    ]);
    expect(plainZip.statusCode).toBe(415);
    const big = Buffer.concat([pdf(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    const tooBig = await postMultipart(agent, url, [
      { name: 'text', value: 'x' },
      { name: 'attachments', value: big, filename: 'big.pdf', contentType: 'application/pdf' },
    ]);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('larger than 5 MB');
    const four = await postMultipart(agent, url, [
      { name: 'text', value: 'x' },
      ...[1, 2, 3, 4].map((i) => ({ name: 'attachments', value: pdf(), filename: `${i}.pdf` })),
    ]);
    expect(four.statusCode).toBe(422);
    const forged = await postMultipart(agent, url, [{ name: 'text', value: 'No token' }], null);
    expect(forged.statusCode).toBe(403);
    const wrongToken = await postMultipart(agent, url, [{ name: 'text', value: 'x' }], 'forged');
    expect(wrongToken.statusCode).toBe(403);

    const files = { pdf: pdf('PDF input'), docx: docx('DOCX input'), odt: odt('ODT input') };
    const ok = await postMultipart(agent, url, [
      { name: 'text', value: 'Our input, with three documents.' },
      { name: 'paragraph-1', value: 'Agree.' },
      { name: 'paragraph-3', value: 'Say who pays.' },
      // Names and declared types lie; the content decides.
      { name: 'attachments', value: files.pdf, filename: 'input.doc', contentType: 'text/plain' },
      { name: 'attachments', value: files.docx, filename: 'input.docx' },
      { name: 'attachments', value: files.odt, filename: 'input.odt' },
      { name: 'attachments', value: Buffer.alloc(0), filename: '' },
    ]);
    expect(ok.statusCode, ok.body.slice(0, 400)).toBe(303);
    const receipt = /\/receipts\/([0-9a-f]{64})\?new=1$/.exec(ok.headers.location as string)?.[1];
    expect(receipt).toBeTruthy();
    const page = await agent.get(ok.headers.location as string);
    expect(page.body).toContain('Your submission was received');
    expect(page.body).toContain('The receipt matches');

    // Only after closing are the submission and its files published.
    const before = await env.app.inject(`/api/v1/consultations/${c.id}/submissions`);
    expect(before.json()).toMatchObject({ published: false, items: [] });
    clock.set(CLOSES);
    const compilation = (await env.app.inject(`/api/v1/consultations/${c.id}/submissions`)).json();
    const mine = compilation.items.find((i: { receipt: string }) => i.receipt === receipt);
    expect(mine.comments).toEqual([
      { paragraph: 1, text: 'Agree.' },
      { paragraph: 3, text: 'Say who pays.' },
    ]);
    const byType = Object.fromEntries(
      mine.attachments.map((a: { mediaType: string }) => [a.mediaType, a]),
    );
    expect(Object.keys(byType).sort()).toEqual([
      'application/pdf',
      'application/vnd.oasis.opendocument.text',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]);
    expect(byType['application/pdf'].filename).toBe('input.pdf');
    const download = await env.app.inject(
      `/consultations/${c.slug}/attachments/${byType['application/pdf'].id}`,
    );
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="input.pdf"/);
    expect(download.rawPayload.equals(files.pdf)).toBe(true);
    expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(
      byType['application/pdf'].sha256,
    );
    for (const path of ['compilation', 'compilation/print']) {
      const html = await env.app.inject({
        url: `/consultations/${c.slug}/${path}`,
        headers: { accept: 'text/html' },
      });
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain(receipt!);
      expect(html.body).toContain('On paragraph 3');
    }
    const csv = await env.app.inject(`/consultations/${c.slug}/compilation.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(receipt!);
  });

  it('verifies receipts later, and notices any change to what was stored', async () => {
    clock.set(new Date('2027-02-12T12:00:00Z'));
    const c = await consultation('everyone');
    const author = await createTestUser(env);
    const agent = await signedInAgent(env, author);
    await agent.get(`/consultations/${c.slug}/submit`);
    const response = await agent.request('POST', `/api/v1/consultations/${c.id}/submissions`, {
      json: {
        text: 'Receipt test input.',
        comments: [{ paragraph: 1, text: 'Fine.' }],
      },
    });
    expect(response.statusCode).toBe(201);
    const { receipt, verifyUrl } = response.json();
    expect(verifyUrl).toMatch(new RegExp(`/receipts/${receipt}$`));

    // The author may download the fingerprinted document before publication; its hash is the receipt.
    const document = await agent.get(`/receipts/${receipt}/document`);
    expect(document.statusCode).toBe(200);
    expect(createHash('sha256').update(document.rawPayload).digest('hex')).toBe(receipt);
    const stranger = await env.app.inject(`/receipts/${receipt}/document`);
    expect(stranger.statusCode).toBe(404);
    const api = (await env.app.inject(`/api/v1/receipts/${receipt}`)).json();
    expect(api).toMatchObject({ valid: true, published: false, document: null });

    await env.deps.db
      .updateTable('consultation_submissions')
      .set({ text: 'Receipt test input, quietly edited.' })
      .where('receipt', '=', receipt)
      .execute();
    expect((await verifyReceipt(env.ctx(), receipt)).valid).toBe(false);
    const page = await env.app.inject({
      url: `/receipts?code=${receipt}`,
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('does not match');

    const unknown = await env.app.inject({
      url: `/receipts/${'0'.repeat(64)}`,
      headers: { accept: 'text/html' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('No submission has this receipt');
    const malformed = await env.app.inject(`/api/v1/receipts/not-a-receipt`);
    expect(malformed.statusCode).toBe(422);
  });

  it('fingerprints attachments from their stored bytes', async () => {
    clock.set(new Date('2027-02-12T12:00:00Z'));
    const c = await consultation('everyone');
    const author = await createTestUser(env);
    const receipt = await submitToConsultation(
      env.ctx(author.actor),
      c.id,
      { text: 'With a file.' },
      [{ filename: 'input.pdf', data: pdf('original'), truncated: false }],
    );
    expect((await verifyReceipt(env.ctx(), receipt.receipt)).valid).toBe(true);
    await env.deps.db
      .updateTable('submission_attachments')
      .set({ content: pdf('swapped') })
      .where('submission_id', '=', receipt.id)
      .execute();
    expect((await verifyReceipt(env.ctx(), receipt.receipt)).valid).toBe(false);
  });
});
