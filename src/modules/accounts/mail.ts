import { fileURLToPath } from 'node:url';
import type { Db } from '../../db/database.ts';
import type { ServiceContext } from '../../platform/context.ts';
import {
  isLocale,
  loadCatalogue,
  type Catalogue,
  type MessageValues,
} from '../../platform/i18n/index.ts';

let catalogue: Catalogue | null = null;

function messages(): Catalogue {
  catalogue ??= loadCatalogue(fileURLToPath(new URL('../../web/locales/', import.meta.url)));
  return catalogue;
}

/** An absolute link into the site, in the reader's language. */
export function siteLink(
  ctx: Pick<ServiceContext, 'config'>,
  locale: string,
  path: string,
): string {
  const prefix = isLocale(locale) && locale !== 'en' ? `/${locale}` : '';
  return `${ctx.config.baseUrl}${prefix}${path}`;
}

/**
 * Queues a message whose subject and text are `accounts.mail.<kind>.subject|body`, in the
 * recipient's language, with the caller's transaction.
 */
export function queueAccountMail(
  trx: Db,
  ctx: ServiceContext,
  message: { to: string; locale: string; kind: string; values?: MessageValues },
): Promise<string> {
  const t = messages().translator(isLocale(message.locale) ? message.locale : 'en');
  const values = { site: t('layout.siteName'), ...message.values };
  return ctx.mailer.queue(trx, {
    to: message.to,
    subject: t(`accounts.mail.${message.kind}.subject`, values),
    text: `${t(`accounts.mail.${message.kind}.body`, values)}\n\n${t('accounts.mail.signature', values)}\n`,
    category: 'account',
  });
}

/** Sends what was queued, after commit; a mail failure never undoes the change. */
export async function deliverAfterCommit(ctx: ServiceContext): Promise<void> {
  try {
    await ctx.mailer.deliverPending(ctx.db);
  } catch (error) {
    ctx.log.warn({ err: error }, 'mail delivery failed; it stays in the outbox');
  }
}
