import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Runtime } from '../engine/bootstrap';
import type { AppendHook } from '../engine/engine';
import { replayEvents } from '../engine/replay';
import { HttpProblem } from './problem';

/** A response recorded for a key, replayed verbatim on a retry. */
export interface RecordedResponse {
  status: number;
  body: unknown;
}

export type Claim = { outcome: 'claimed' } | { outcome: 'replay'; response: RecordedResponse };

/** The key of the request being handled, seen by the append hook inside the command's transaction. */
const currentKey = new AsyncLocalStorage<{ userId: string; key: string; linked: boolean }>();

/** Runs `work` with the Idempotency-Key in scope, so that the hook can link it to the event it appends. */
export function withIdempotencyKey<T>(userId: string, key: string, work: () => Promise<T>): Promise<T> {
  return currentKey.run({ userId, key, linked: false }, work);
}

/**
 * Links the claimed key to the event of its command in the command's own transaction: if the process
 * dies after the commit but before the response is recorded, a retry still finds the event and answers
 * from it instead of appending a second one.
 */
export function idempotencyHook(): AppendHook {
  return {
    name: 'idempotency',
    async afterAppend(tx, { event }) {
      const scope = currentKey.getStore();
      if (!scope || scope.linked) return [];
      scope.linked = true;
      await tx.query(
        `UPDATE idempotency_keys SET stream_id = $3, sequence = $4 WHERE user_id = $1 AND key = $2 AND status = 'pending'`,
        [scope.userId, scope.key, event.streamId, event.sequence],
      );
      return [];
    },
  };
}

/** How long a pending key may wait for its response before a retry answers from the linked event. */
const ORPHAN_AFTER_MS = 30_000;

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
      'SELECT request_hash, status, response_status, response_body, stream_id, sequence, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    )) as Array<{
      request_hash: string;
      status: string;
      response_status: number | null;
      response_body: unknown;
      stream_id: string | null;
      sequence: number | null;
      created_at: string;
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
    if (
      row.status !== 'completed' &&
      row.stream_id &&
      this.runtime.clock.now().getTime() - new Date(row.created_at).getTime() > ORPHAN_AFTER_MS
    ) {
      return {
        outcome: 'replay',
        response: await this.#fromEvent(userId, key, row.stream_id, Number(row.sequence)),
      };
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

  /** Rebuilds the response of a command whose process died after its commit, from the stored event. */
  async #fromEvent(
    userId: string,
    key: string,
    streamId: string,
    sequence: number,
  ): Promise<RecordedResponse> {
    const events = await this.runtime.store.readStream(streamId, { toSequence: sequence });
    const stream = await this.runtime.store.loadStream(streamId);
    const state = replayEvents(stream!.streamType, events);
    const event = events[events.length - 1]!;
    const { body: _body, ...shown } = event;
    const response = {
      status: sequence === 1 ? 201 : 200,
      body: {
        streamId,
        streamType: stream!.streamType,
        version: sequence,
        state: state!.value,
        event: shown,
        escalations: [],
        effects: {},
        recovered: true,
      },
    };
    await this.complete(userId, key, response);
    return response;
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
