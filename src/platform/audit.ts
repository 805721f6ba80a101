import type { Db } from '../db/database.ts';
import type { ServiceContext } from './context.ts';
import { newId } from './ids.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  /** Shown on the entity's public history (confidential fields must already be left out). */
  isPublic?: boolean;
}

/**
 * The audit row of an entry, as one JSON document (`before`/`after` as JSON values, `at` as an ISO
 * instant), for a statement that writes its audit row itself, e.g. with
 * `jsonb_populate_record(NULL::audit_log, …)` inside a larger statement (see the live module's
 * ask path). Same rules as `recordAudit`.
 */
export function auditRecord(ctx: ServiceContext, entry: AuditEntry): Record<string, unknown> {
  return {
    id: newId(),
    at: ctx.clock.now().toISOString(),
    actor_id: ctx.actor.userId,
    actor_label: ctx.actor.userId ? null : ctx.actor.label,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : entry.before,
    after: entry.after === undefined ? null : entry.after,
    is_public: entry.isPublic ?? false,
    request_id: ctx.requestId,
  };
}

/**
 * Records one audit row. Call it with the transaction that makes the change, so that the change
 * and its record commit or vanish together.
 *
 * A person is recorded by id only (never by name or email), so that erasing their account needs no
 * change to this append-only table: the id then points at an anonymised, 'erased' account. Keep
 * personal data out of `before` and `after` for the same reason; refer to people by id.
 */
export async function recordAudit(
  executor: Db,
  ctx: ServiceContext,
  entry: AuditEntry,
): Promise<void> {
  await executor
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: ctx.clock.now(),
      actor_id: ctx.actor.userId,
      actor_label: ctx.actor.userId ? null : ctx.actor.label,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      is_public: entry.isPublic ?? false,
      request_id: ctx.requestId,
    })
    .execute();
}
