import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './rate-limits.repository.ts';

export interface RateLimit {
  /** What is counted, e.g. "sign-in:ip:203.0.113.7" or "questions:user:<id>". */
  key: string;
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  count: number;
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

/**
 * Counts one attempt in the database (so the limit holds across processes) and throws 429 with
 * Retry-After once `limit` attempts were made in the window. The attempt counts even when the
 * request then fails, so guessing costs the guesser.
 */
export async function checkRateLimit(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  limit: RateLimit,
): Promise<RateLimitState> {
  const now = ctx.clock.now();
  const key = limit.key.slice(0, 300);
  const { count, expiresAt } = await repo.hitRateLimit(ctx.db, key, now, limit.windowSeconds);
  const resetSeconds = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
  if (count > limit.limit) {
    throw new AppError(
      'rate_limited',
      `Too many attempts. Please wait ${resetSeconds} second${resetSeconds === 1 ? '' : 's'} and try again.`,
      [],
      { 'retry-after': String(resetSeconds) },
    );
  }
  return { count, remaining: limit.limit - count, resetSeconds };
}

/** The limits on signing in, signing up and resetting a password: 10 a minute per IP and account. */
export const AUTH_LIMIT = { limit: 10, windowSeconds: 60 } as const;

/** Counts an authentication attempt against the client's IP and against the account named. */
export async function checkAuthLimits(
  ctx: ServiceContext,
  action: 'sign-in' | 'sign-up' | 'reset',
  account: string | null,
): Promise<void> {
  if (ctx.ip) await checkRateLimit(ctx, { key: `${action}:ip:${ctx.ip}`, ...AUTH_LIMIT });
  if (account) {
    await checkRateLimit(ctx, {
      key: `${action}:account:${account.trim().toLowerCase()}`,
      ...AUTH_LIMIT,
    });
  }
}

export async function purgeExpiredRateLimits(ctx: Pick<ServiceContext, 'db' | 'clock'>) {
  await repo.deleteExpiredRateLimits(ctx.db, ctx.clock.now());
}
