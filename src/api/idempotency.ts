import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventStoreTransaction } from '../persistence/event-store';
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Runtime } from '../runtime/runtime';
import type { Clock } from '../shared/clock';
import type { AppendHook } from '../engine/engine';
import { replayEvents } from '../engine/replay';
import {
  completeIdempotencyKey,
  insertIdempotencyClaim,
  linkIdempotencyKey,
  readIdempotencyKey,
  releaseIdempotencyKey,
  takeOverExpiredIdempotencyKey,
  type KeyRef,
} from '../persistence/idempotency-keys';
import { HttpProblem } from './problem';

/** A response recorded for a key, replayed verbatim on a retry. */
export interface RecordedResponse {
  status: number;
  body: unknown;
}

/** A key this request holds: the lease it must hold while its command commits. */
export interface HeldKey {
  userId: string;
  key: string;
  holder: string;
}

export type Claim = { outcome: 'claimed'; held: HeldKey } | { outcome: 'replay'; response: RecordedResponse };

/** The key of the request being handled, seen by the append hook inside the command's transaction. */
// `linkedIn` is the transaction that linked the key: a command that group commit runs again alone (after a
// batch rolled back) links it again in its new transaction.
const currentKey = new AsyncLocalStorage<HeldKey & { linkedIn: EventStoreTransaction | null }>();

/** Runs `work` with the held Idempotency-Key in scope, so that the hook can link it to the event it appends. */
export function withIdempotencyKey<T>(held: HeldKey, work: () => Promise<T>): Promise<T> {
  return currentKey.run({ ...held, linkedIn: null }, work);
}

/**
 * Links the claimed key to the event of its command in the command's own transaction: if the process
 * dies after the commit but before the response is recorded, a retry still finds the event and answers
 * from it instead of appending a second one. A request whose lease was taken over (it stalled past it and
 * a retry took the key) aborts its command here, so the command never commits twice.
 */
export function idempotencyHook(): AppendHook {
  return {
    name: 'idempotency',
    async afterAppend(tx, { event }) {
      const scope = currentKey.getStore();
      if (!scope || scope.linkedIn === tx) return [];
      const linked = await linkIdempotencyKey(tx, scope, scope.holder, event);
      if (!linked)
        throw new HttpProblem(
          'idempotencyInProgress',
          `the lease on Idempotency-Key ${scope.key} ran out and a retry took it over; retry to get its answer`,
          {},
          { 'Retry-After': '1' },
        );
      scope.linkedIn = tx;
      return [];
    },
  };
}

/** How long a claim lasts before a retry may take it over from a holder that died (default 10 s). */
export const DEFAULT_LEASE_MS = 10_000;

/** `Idempotency-Key` values: 1–200 visible ASCII characters (UUIDs, ULIDs, client-chosen strings). */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Remembers POST commands by (user, Idempotency-Key). The first request claims the key with a lease (a row
 * in `idempotency_keys`, unique per user; src/persistence/idempotency-keys.ts); a concurrent duplicate loses
 * the claim instead of running twice. A completed key replays the first response; the same key with a
 * different request is refused (422); a key whose holder is still within its lease answers 409 with
 * Retry-After. Once the lease has run out (the holder died), a retry takes the key over: if the holder's
 * command committed, the retry answers from the linked event; otherwise it runs the command. A request that
 * fails releases its key so the client can correct it and retry with the same key.
 */
export class IdempotencyStore {
  constructor(
    private readonly runtime: Runtime,
    private readonly leaseMs = DEFAULT_LEASE_MS,
    /** Leases run on this clock: the wall clock on a sandbox server, whose domain clock stands still. */
    private readonly clock: Clock = runtime.clock,
  ) {}

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

  get #db() {
    return this.runtime.database.dataSource;
  }

  #lease(): { holder: string; now: Date; leaseUntil: Date } {
    const now = this.clock.now();
    return { holder: randomUUID(), now, leaseUntil: new Date(now.getTime() + this.leaseMs) };
  }

  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const ref = { userId, key };
    for (let attempt = 0; attempt < 5; attempt++) {
      const lease = this.#lease();
      if (await insertIdempotencyClaim(this.#db, ref, { requestHash, ...lease }))
        return { outcome: 'claimed', held: { ...ref, holder: lease.holder } };
      const row = await readIdempotencyKey(this.#db, ref);
      if (!row) continue; // released between our insert and select: claim again
      if (row.request_hash !== requestHash) {
        throw new HttpProblem(
          'idempotencyKeyReused',
          `Idempotency-Key ${key} was already used for a different request; use a new key`,
        );
      }
      if (row.status === 'completed')
        return {
          outcome: 'replay',
          response: { status: Number(row.response_status), body: row.response_body },
        };
      const remaining = new Date(row.lease_until).getTime() - lease.now.getTime();
      if (remaining > 0) throw inProgress(key, remaining);
      const taken = await takeOverExpiredIdempotencyKey(this.#db, ref, lease);
      if (!taken) continue; // another retry took it, or the holder finished: look again
      if (taken.stream_id)
        return {
          outcome: 'replay',
          response: await this.#fromEvent(ref, taken.stream_id, Number(taken.sequence)),
        };
      return { outcome: 'claimed', held: { ...ref, holder: lease.holder } };
    }
    throw inProgress(key, 1000);
  }

  /** Rebuilds the response of a command whose process died after its commit, from the stored event. */
  async #fromEvent(ref: KeyRef, streamId: string, sequence: number): Promise<RecordedResponse> {
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
    await this.complete(ref, response);
    return response;
  }

  async complete(ref: KeyRef, response: RecordedResponse): Promise<void> {
    await completeIdempotencyKey(this.#db, ref, { ...response, completedAt: this.clock.now() });
  }

  async release(held: HeldKey): Promise<void> {
    await releaseIdempotencyKey(this.#db, held, held.holder);
  }
}

function inProgress(key: string, remainingMs: number): HttpProblem {
  return new HttpProblem(
    'idempotencyInProgress',
    `the request with Idempotency-Key ${key} is still being processed; retry shortly`,
    {},
    { 'Retry-After': String(Math.max(1, Math.ceil(remainingMs / 1000))) },
  );
}
