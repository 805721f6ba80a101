import { createHash, randomBytes } from 'node:crypto';
import type { Actor, ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { actorFor, requireSession } from './accounts.service.ts';
import * as repo from './sessions.repository.ts';

export const SESSION_COOKIE = 'cc_session';
/** Signed out after this long without a request… */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** …and after this long whatever happens (OWASP ASVS 3.3). */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a new session (always a new id, so a planted one is useless) and returns its cookie value. */
export async function startSession(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'ip'>,
  userId: string,
  options: { userAgent?: string | null; mfaPassed?: boolean } = {},
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await repo.insertSession(ctx.db, {
    id_hash: hashToken(token),
    user_id: userId,
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS),
    ip: ctx.ip ?? null,
    user_agent: options.userAgent?.slice(0, 300) ?? null,
    mfa_passed: options.mfaPassed ?? false,
  });
  return token;
}

/** The actor a session cookie stands for, or null when it is unknown, idle or expired. */
export async function resolveSession(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  token: string,
): Promise<Actor | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const idHash = hashToken(token);
  const session = await repo.findSession(ctx.db, idHash);
  if (!session || session.status !== 'active') return null;
  const now = ctx.clock.now().getTime();
  const expires = new Date(session.expires_at).getTime();
  const lastSeen = new Date(session.last_seen_at).getTime();
  if (now >= expires || now - lastSeen >= IDLE_TIMEOUT_MS) {
    await repo.deleteSession(ctx.db, idHash);
    return null;
  }
  if (now - lastSeen >= TOUCH_EVERY_MS) await repo.touchSession(ctx.db, idHash, new Date(now));
  const actor = await actorFor(ctx, session.user_id, 'session');
  return { ...actor, sessionId: idHash, mfa: session.mfa_passed };
}

export async function endSession(ctx: Pick<ServiceContext, 'db'>, token: string): Promise<void> {
  await repo.deleteSession(ctx.db, hashToken(token));
}

/** "Sign out everywhere" (system use: after a password reset, on erasure). */
export async function endAllSessions(
  ctx: Pick<ServiceContext, 'db'>,
  userId: string,
): Promise<void> {
  await repo.deleteSessionsOf(ctx.db, userId);
}

/** Signs out the current session (the sign-out button). */
export async function signOut(ctx: ServiceContext, token: string | undefined): Promise<void> {
  if (!token) return;
  const idHash = hashToken(token);
  await ctx.db.transaction().execute(async (trx) => {
    const session = await repo.findSession(trx, idHash);
    if (!session) return;
    await repo.deleteSession(trx, idHash);
    await recordAudit(trx, ctx, {
      action: 'session.end',
      entityType: 'user',
      entityId: session.user_id,
    });
  });
}

/** The signed-in person's sessions, current first. */
export async function mySessions(ctx: ServiceContext) {
  const userId = requireSession(ctx);
  const rows = await repo.sessionsOf(ctx.db, userId);
  return rows
    .map((s) => ({
      id: s.id_hash,
      current: s.id_hash === ctx.actor.sessionId,
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      mfa: s.mfa_passed,
      ip: s.ip,
      userAgent: s.user_agent,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of one's own sessions (e.g. a browser left signed in elsewhere). */
export async function endMySession(ctx: ServiceContext, sessionId: string): Promise<void> {
  const userId = requireSession(ctx);
  if (!/^[0-9a-f]{64}$/.test(sessionId)) throw AppError.notFound('The session');
  await ctx.db.transaction().execute(async (trx) => {
    const result = await repo.deleteSessionOf(trx, userId, sessionId);
    if (Number(result.numDeletedRows) === 0) throw AppError.notFound('The session');
    await recordAudit(trx, ctx, { action: 'session.end', entityType: 'user', entityId: userId });
  });
}

/** Ends every session of the signed-in person, this one included. */
export async function signOutEverywhere(ctx: ServiceContext): Promise<void> {
  const userId = requireSession(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteSessionsOf(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'session.end-all',
      entityType: 'user',
      entityId: userId,
    });
  });
}

export async function purgeExpiredSessions(ctx: Pick<ServiceContext, 'db' | 'clock'>) {
  const now = ctx.clock.now();
  await repo.deleteExpiredSessions(ctx.db, now, new Date(now.getTime() - IDLE_TIMEOUT_MS));
}
