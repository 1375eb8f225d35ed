import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Runtime } from '../engine/bootstrap';
import { HttpProblem } from './problem';

/** A response recorded for a key, replayed verbatim on a retry. */
export interface RecordedResponse {
  status: number;
  body: unknown;
}

export type Claim = { outcome: 'claimed' } | { outcome: 'replay'; response: RecordedResponse };

/** `Idempotency-Key` values: 1–200 visible ASCII characters (UUIDs, ULIDs, client-chosen strings). */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Remembers POST commands by (user, Idempotency-Key). The first request claims the key (a row in
 * `idempotency_keys`, unique per user); the primary key makes a concurrent duplicate lose the claim
 * instead of running twice. A completed key replays the first response; the same key with a different
 * request is refused (422); a key whose request is still running answers 409. A request that fails
 * releases its key so the client can correct it and retry with the same key.
 */
export class IdempotencyStore {
  constructor(private readonly runtime: Runtime) {}

  static checkKey(key: string): void {
    if (!KEY_PATTERN.test(key))
      throw new HttpProblem('validationFailed', 'Idempotency-Key must be 1–200 visible ASCII characters', {
        invalidFields: [{ field: 'Idempotency-Key', messages: ['1–200 visible ASCII characters'] }],
      });
  }

  /** A fingerprint of the request: method, path and canonical JSON body. */
  static fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method} ${path}\n${canonicalize(body ?? null) ?? ''}`)
      .digest('hex');
  }

  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const now = this.runtime.clock.now().toISOString();
    const inserted = (await this.runtime.database.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at) VALUES ($1, $2, $3, 'pending', $4)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [userId, key, requestHash, now],
    )) as unknown[];
    if (inserted.length > 0) return { outcome: 'claimed' };
    const rows = (await this.runtime.database.dataSource.query(
      'SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    )) as Array<{
      request_hash: string;
      status: string;
      response_status: number | null;
      response_body: unknown;
    }>;
    const row = rows[0];
    // Released between our insert and select: claim again.
    if (!row) return this.claim(userId, key, requestHash);
    if (row.request_hash !== requestHash) {
      throw new HttpProblem(
        'idempotencyKeyReused',
        `Idempotency-Key ${key} was already used for a different request; use a new key`,
      );
    }
    if (row.status !== 'completed') {
      throw new HttpProblem(
        'idempotencyInProgress',
        `the request with Idempotency-Key ${key} is still being processed; retry shortly`,
        {},
        { 'Retry-After': '1' },
      );
    }
    return { outcome: 'replay', response: { status: Number(row.response_status), body: row.response_body } };
  }

  async complete(userId: string, key: string, response: RecordedResponse): Promise<void> {
    await this.runtime.database.dataSource.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, completed_at = $5 WHERE user_id = $1 AND key = $2`,
      [userId, key, response.status, JSON.stringify(response.body), this.runtime.clock.now().toISOString()],
    );
  }

  async release(userId: string, key: string): Promise<void> {
    await this.runtime.database.dataSource.query(
      `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'pending'`,
      [userId, key],
    );
  }
}
