import type { Db } from '../../db/database.ts';

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
}

/** The audit log for administrators, newest first, with who acted (as they are now). */
export async function listAudit(db: Db, filter: AuditFilter, page: number, pageSize: number) {
  let query = db.selectFrom('audit_log').leftJoin('users', 'users.id', 'audit_log.actor_id');
  if (filter.entityType) query = query.where('audit_log.entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.action) {
    const action = filter.action;
    // "user" matches "user.create", "user.erase"…
    query = query.where((eb) =>
      eb.or([
        eb('audit_log.action', '=', action),
        eb('audit_log.action', 'like', `${action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`),
      ]),
    );
  }
  if (filter.actorId) query = query.where('audit_log.actor_id', '=', filter.actorId);
  if (filter.from) query = query.where('audit_log.at', '>=', filter.from);
  if (filter.to) query = query.where('audit_log.at', '<', filter.to);
  const [rows, total] = await Promise.all([
    query
      .select([
        'audit_log.id',
        'audit_log.at',
        'audit_log.actor_id',
        'audit_log.actor_label',
        'audit_log.action',
        'audit_log.entity_type',
        'audit_log.entity_id',
        'audit_log.before',
        'audit_log.after',
        'audit_log.is_public',
        'audit_log.request_id',
        'users.display_name as actor_name',
        'users.status as actor_status',
      ])
      .orderBy('audit_log.at', 'desc')
      .orderBy('audit_log.id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
  ]);
  return { rows, total };
}

/** The public history of one entity: only rows recorded as public. */
export function publicAuditRows(db: Db, entityType: string, entityId: string, limit: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'action', 'before', 'after'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .where('is_public', '=', true)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** What a person did (for "download my data"). */
export function auditByActor(db: Db, actorId: string, limit: number) {
  return db
    .selectFrom('audit_log')
    .select(['at', 'action', 'entity_type', 'entity_id', 'request_id'])
    .where('actor_id', '=', actorId)
    .orderBy('at')
    .limit(limit)
    .execute();
}

export async function listOutbox(
  db: Db,
  filter: { to?: string; status?: string; category?: string },
  page: number,
  pageSize: number,
) {
  let query = db.selectFrom('mail_outbox');
  if (filter.to) {
    const like = `%${filter.to.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb(eb.fn('lower', ['to_address']), 'like', like));
  }
  if (filter.status) query = query.where('status', '=', filter.status as never);
  if (filter.category) query = query.where('category', '=', filter.category);
  const [rows, total] = await Promise.all([
    query
      .select([
        'id',
        'created_at',
        'to_address',
        'subject',
        'category',
        'status',
        'attempts',
        'sent_at',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n)),
  ]);
  return { rows, total };
}

export function findOutboxMessage(db: Db, id: string) {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export function outboxTo(db: Db, address: string) {
  return db
    .selectFrom('mail_outbox')
    .select(['created_at', 'subject', 'category', 'status'])
    .where((eb) => eb(eb.fn('lower', ['to_address']), '=', address.toLowerCase()))
    .orderBy('created_at')
    .execute();
}

export function deleteOutboxTo(db: Db, address: string) {
  return db
    .deleteFrom('mail_outbox')
    .where((eb) => eb(eb.fn('lower', ['to_address']), '=', address.toLowerCase()))
    .execute();
}
