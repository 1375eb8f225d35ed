/**
 * The queries behind `Idempotency-Key` (src/api/idempotency.ts). A pending key is a lease: `holder` is the
 * request running the command, `lease_until` when a holder that died (or stalled) loses the key to a retry.
 * The command's own transaction links the key to its event only while it still holds the lease, so a key is
 * never acted on twice: either the holder's command commits with the link, or the taker finds no link and
 * runs the command itself.
 */

/** Anything with `query(sql, params)`: TypeORM's data source or an event-store transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface IdempotencyKeyRow {
  request_hash: string;
  status: 'pending' | 'completed';
  response_status: number | null;
  response_body: unknown;
  stream_id: string | null;
  sequence: number | null;
  holder: string | null;
  lease_until: string | Date;
}

export interface KeyRef {
  userId: string;
  key: string;
}

/** The rows of a statement: TypeORM returns `[rows, count]` for UPDATE/DELETE … RETURNING. */
async function rowsOf<T>(db: Queryable, sql: string, parameters: unknown[]): Promise<T[]> {
  const result = (await db.query(sql, parameters)) as unknown;
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}

/** Claims a new key for `holder` until `leaseUntil`; false when the key exists already. */
export async function insertIdempotencyClaim(
  db: Queryable,
  ref: KeyRef,
  claim: { requestHash: string; holder: string; now: Date; leaseUntil: Date },
): Promise<boolean> {
  const rows = await rowsOf(
    db,
    `INSERT INTO idempotency_keys (user_id, key, request_hash, status, holder, created_at, lease_until)
     VALUES ($1, $2, $3, 'pending', $4, $5, $6) ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
    [
      ref.userId,
      ref.key,
      claim.requestHash,
      claim.holder,
      claim.now.toISOString(),
      claim.leaseUntil.toISOString(),
    ],
  );
  return rows.length > 0;
}

export async function readIdempotencyKey(db: Queryable, ref: KeyRef): Promise<IdempotencyKeyRow | undefined> {
  const rows = await rowsOf<IdempotencyKeyRow>(
    db,
    `SELECT request_hash, status, response_status, response_body, stream_id, sequence, holder, lease_until
     FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
    [ref.userId, ref.key],
  );
  return rows[0];
}

/**
 * Takes over a pending key whose lease ran out. If the old holder's transaction is linking the key right
 * now, this waits for its row lock and then sees the link. Returns the row as taken (with `stream_id` set
 * when the old holder's command committed), or undefined when someone else took or finished it first.
 */
export async function takeOverExpiredIdempotencyKey(
  db: Queryable,
  ref: KeyRef,
  claim: { holder: string; now: Date; leaseUntil: Date },
): Promise<IdempotencyKeyRow | undefined> {
  const rows = await rowsOf<IdempotencyKeyRow>(
    db,
    `UPDATE idempotency_keys SET holder = $3, lease_until = $5
     WHERE user_id = $1 AND key = $2 AND status = 'pending' AND lease_until <= $4
     RETURNING request_hash, status, response_status, response_body, stream_id, sequence, holder, lease_until`,
    [ref.userId, ref.key, claim.holder, claim.now.toISOString(), claim.leaseUntil.toISOString()],
  );
  return rows[0];
}

/**
 * Links the key to its command's event inside the command's transaction — only while `holder` still holds
 * it. False means the lease was taken over: the transaction must not commit.
 */
export async function linkIdempotencyKey(
  tx: Queryable,
  ref: KeyRef,
  holder: string,
  event: { streamId: string; sequence: number },
): Promise<boolean> {
  const rows = await rowsOf(
    tx,
    `UPDATE idempotency_keys SET stream_id = $4, sequence = $5
     WHERE user_id = $1 AND key = $2 AND status = 'pending' AND holder = $3 RETURNING key`,
    [ref.userId, ref.key, holder, event.streamId, event.sequence],
  );
  return rows.length > 0;
}

/** Records the response of a pending key (the first to record wins; the others change nothing). */
export async function completeIdempotencyKey(
  db: Queryable,
  ref: KeyRef,
  response: { status: number; body: unknown; completedAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, completed_at = $5,
       holder = NULL
     WHERE user_id = $1 AND key = $2 AND status = 'pending'`,
    [ref.userId, ref.key, response.status, JSON.stringify(response.body), response.completedAt.toISOString()],
  );
}

/** Releases a pending key its holder failed on, so that a corrected retry may reuse it. */
export async function releaseIdempotencyKey(db: Queryable, ref: KeyRef, holder: string): Promise<void> {
  await db.query(
    `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'pending' AND holder = $3`,
    [ref.userId, ref.key, holder],
  );
}

/** Pending keys whose lease ran out (an operator's and the fault suite's check that nothing is stuck). */
export async function countExpiredIdempotencyLeases(db: Queryable, now: Date): Promise<number> {
  const rows = await rowsOf<{ n: string | number }>(
    db,
    `SELECT count(*) AS n FROM idempotency_keys WHERE status = 'pending' AND lease_until <= $1`,
    [now.toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}
