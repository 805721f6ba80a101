import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import * as repo from './audit.repository.ts';
import * as users from './accounts.repository.ts';
import { authorize } from './accounts.service.ts';

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  action?: string;
  /** A user id or an email address. */
  actor?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string | undefined, path: string, errors: FieldError[]): Date | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(date.getTime())) {
    errors.push({ path, message: 'Use a date like 2026-11-23.' });
    return undefined;
  }
  return date;
}

/** The audit log, filtered, for administrators. */
export async function browseAudit(ctx: ServiceContext, query: AuditQuery) {
  authorize(ctx, 'audit.read');
  const errors: FieldError[] = [];
  const from = parseDay(query.from, '/from', errors);
  const toDay = parseDay(query.to, '/to', errors);
  let actorId: string | undefined;
  if (query.actor) {
    if (isUuid(query.actor)) actorId = query.actor;
    else {
      const user = await users.findUserByEmail(ctx.db, query.actor.trim());
      if (!user) errors.push({ path: '/actor', message: 'No account has this id or email.' });
      else actorId = user.id;
    }
  }
  if (errors.length) throw new AppError('bad_request', 'Some filters are not valid.', errors);
  const { rows, total } = await repo.listAudit(
    ctx.db,
    {
      entityType: query.entityType || undefined,
      entityId: query.entityId || undefined,
      action: query.action || undefined,
      actorId,
      from,
      // "to" is inclusive: up to the end of that day.
      to: toDay ? new Date(toDay.getTime() + 24 * 60 * 60 * 1000) : undefined,
    },
    query.page,
    query.pageSize,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor_id
        ? {
            id: r.actor_id,
            label: r.actor_status === 'erased' ? null : (r.actor_name ?? null),
            erased: r.actor_status === 'erased',
          }
        : { id: null, label: r.actor_label ?? 'system', erased: false },
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      isPublic: r.is_public,
      requestId: r.request_id,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** Keys never shown in public history, whatever a module recorded. */
function neverPublic(key: string): boolean {
  const k = key.toLowerCase();
  return k === 'ip' || /email|password|token|secret|phone|confidential|private/.test(k);
}

function publicFields(value: unknown): Record<string, unknown> | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!neverPublic(key)) out[key] = v;
  }
  return out;
}

export interface PublicHistoryEntry {
  at: Date;
  action: string;
  /** The names of the fields that changed (public ones only). */
  fields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The public history of an entity: only rows its module recorded as public, without who acted
 * (people are not named in public) and without confidential-looking fields.
 */
export async function publicHistory(
  ctx: Pick<ServiceContext, 'readDb'>,
  entityType: string,
  entityId: string,
  limit = 50,
): Promise<PublicHistoryEntry[]> {
  if (entityType.length > 100 || entityId.length > 200) return [];
  const rows = await repo.publicAuditRows(ctx.readDb, entityType, entityId, Math.min(limit, 200));
  return rows.map((r) => {
    const before = publicFields(r.before);
    const after = publicFields(r.after);
    const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
    return { at: r.at, action: r.action, fields, before, after };
  });
}

/** The mail outbox, for administrators (and development without SMTP). */
export async function browseOutbox(
  ctx: ServiceContext,
  query: { to?: string; status?: string; page: number; pageSize: number },
) {
  authorize(ctx, 'mail.outbox');
  const { rows, total } = await repo.listOutbox(
    ctx.db,
    { to: query.to?.trim() || undefined, status: query.status || undefined },
    query.page,
    query.pageSize,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      to: r.to_address,
      subject: r.subject,
      category: r.category,
      status: r.status,
      attempts: r.attempts,
      sentAt: r.sent_at,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
    transport: ctx.mailer.transport,
  };
}

export async function outboxMessage(ctx: ServiceContext, id: string) {
  authorize(ctx, 'mail.outbox');
  if (!isUuid(id)) throw AppError.notFound('The message');
  const row = await repo.findOutboxMessage(ctx.db, id);
  if (!row) throw AppError.notFound('The message');
  return {
    id: row.id,
    createdAt: row.created_at,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    category: row.category,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}
