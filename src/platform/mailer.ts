import nodemailer from 'nodemailer';
import type { Db } from '../db/database.ts';
import { newId } from './ids.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** e.g. "account", "digest", "accreditation": for the outbox page and tests. */
  category?: string;
  /**
   * Queues the message at most once per key (e.g. "digest:<search>:<period>"): queueing it again,
   * from a retried job, returns the first message's id and adds nothing.
   */
  idempotencyKey?: string;
}

/** How long a delivering process holds a message before another may try it. */
const CLAIM_MS = 5 * 60 * 1000;

export interface Mailer {
  /**
   * Queues a message in the outbox with the caller's transaction, so a rolled-back change sends
   * nothing. Delivery happens after commit through `deliverPending`.
   */
  queue(executor: Db, message: MailMessage): Promise<string>;
  /** Sends what is pending over SMTP; without SMTP_URL, keeps it in the outbox for the admin page. */
  deliverPending(db: Db, limit?: number): Promise<{ sent: number; kept: number; failed: number }>;
  readonly transport: 'smtp' | 'outbox';
  close(): void;
}

export function createMailer(options: { smtpUrl: string | null; from: string }): Mailer {
  const transporter = options.smtpUrl
    ? nodemailer.createTransport(options.smtpUrl, { from: options.from })
    : null;
  let delivering: Promise<{ sent: number; kept: number; failed: number }> | null = null;

  async function deliver(db: Db, limit: number) {
    const result = { sent: 0, kept: 0, failed: 0 };
    // Claim rows one batch at a time; SKIP LOCKED lets several processes deliver side by side,
    // and the claim (claimed_until) keeps a row from being sent by two of them once the claiming
    // transaction has committed and the slow SMTP conversation begins.
    const rows = await db.transaction().execute(async (trx) => {
      const now = new Date();
      const pending = await trx
        .selectFrom('mail_outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (pending.length === 0) return [];
      const ids = pending.map((r) => r.id);
      if (!transporter) {
        await trx
          .updateTable('mail_outbox')
          .set({ status: 'kept' })
          .where('id', 'in', ids)
          .execute();
        result.kept = pending.length;
        return [];
      }
      await trx
        .updateTable('mail_outbox')
        .set({ claimed_until: new Date(now.getTime() + CLAIM_MS) })
        .where('id', 'in', ids)
        .execute();
      return pending;
    });
    for (const row of rows) {
      try {
        await transporter!.sendMail({
          from: options.from,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          ...(row.html_body ? { html: row.html_body } : {}),
          headers: (row.headers ?? {}) as Record<string, string>,
          messageId: `<${row.id}@capacity-commons>`,
        });
        await db
          .updateTable('mail_outbox')
          .set({ status: 'sent', sent_at: new Date(), attempts: row.attempts + 1 })
          .where('id', '=', row.id)
          .execute();
        result.sent++;
      } catch (error) {
        const attempts = row.attempts + 1;
        await db
          .updateTable('mail_outbox')
          .set({
            attempts,
            last_error: String(error),
            status: attempts >= 5 ? 'failed' : 'pending',
            claimed_until: null,
          })
          .where('id', '=', row.id)
          .execute();
        result.failed++;
      }
    }
    return result;
  }

  return {
    transport: transporter ? 'smtp' : 'outbox',
    async queue(executor, message) {
      const id = newId();
      const inserted = await executor
        .insertInto('mail_outbox')
        .values({
          id,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
          headers: JSON.stringify(message.headers ?? {}),
          category: message.category ?? 'general',
          idempotency_key: message.idempotencyKey ?? null,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return inserted.id;
      const existing = await executor
        .selectFrom('mail_outbox')
        .select('id')
        .where('idempotency_key', '=', message.idempotencyKey!)
        .executeTakeFirstOrThrow();
      return existing.id;
    },
    async deliverPending(db, limit = 50) {
      // One delivery at a time per process; callers after commit just join it.
      while (delivering) await delivering.catch(() => {});
      delivering = deliver(db, limit);
      try {
        return await delivering;
      } finally {
        delivering = null;
      }
    },
    close() {
      transporter?.close();
    },
  };
}
