/** The queries behind the shared rate-limit counters (table `rate_limit_hits`). */
import type { Queryable } from './idempotency-keys';

/** Rows of a statement: TypeORM returns `[rows, count]` for UPDATE/DELETE … RETURNING. */
function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}

/**
 * Counts one hit for `key` in its current window (a new window starts once `reset_at` has passed) and
 * returns the count and when the window ends. One statement: concurrent hits from several nodes add up.
 */
export async function incrementRateLimit(
  db: Queryable,
  key: string,
  now: Date,
  windowMs: number,
): Promise<{ hits: number; resetAt: Date }> {
  const rows = rowsOf<{ hits: number; reset_at: string | Date }>(
    await db.query(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at) VALUES ($1, 1, $3)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= $2 THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= $2 THEN $3 ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [key, now.toISOString(), new Date(now.getTime() + windowMs).toISOString()],
    ),
  );
  return { hits: Number(rows[0]!.hits), resetAt: new Date(rows[0]!.reset_at) };
}

/** Takes back one hit (a request that turned out not to count, e.g. a successful login). */
export async function decrementRateLimit(db: Queryable, key: string, now: Date): Promise<void> {
  await db.query(`UPDATE rate_limit_hits SET hits = hits - 1 WHERE key = $1 AND hits > 0 AND reset_at > $2`, [
    key,
    now.toISOString(),
  ]);
}

export async function resetRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limit_hits WHERE key = $1', [key]);
}

/** Forgets windows that ended (housekeeping; an ended window counts as empty anyway). */
export async function deleteEndedRateLimits(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM rate_limit_hits WHERE reset_at <= $1', [now.toISOString()]);
}
