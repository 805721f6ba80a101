import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * Counts one attempt against `key` in a fixed window, atomically: the upsert takes the row lock,
 * so concurrent requests in any number of processes each see their own count. A window that has
 * ended starts again at 1.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  now: Date,
  windowSeconds: number,
): Promise<{ count: number; expiresAt: Date }> {
  const expires = new Date(now.getTime() + windowSeconds * 1000);
  const result = await sql<{ count: number; expires_at: Date }>`
    INSERT INTO rate_limits AS r (key, count, window_start, expires_at)
    VALUES (${key}, 1, ${now}, ${expires})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.expires_at <= ${now} THEN 1 ELSE r.count + 1 END,
      window_start = CASE WHEN r.expires_at <= ${now} THEN ${now} ELSE r.window_start END,
      expires_at = CASE WHEN r.expires_at <= ${now} THEN ${expires} ELSE r.expires_at END
    RETURNING count, expires_at`.execute(db);
  const row = result.rows[0]!;
  return { count: Number(row.count), expiresAt: new Date(row.expires_at) };
}

export function deleteExpiredRateLimits(db: Db, before: Date) {
  return db.deleteFrom('rate_limits').where('expires_at', '<', before).execute();
}
