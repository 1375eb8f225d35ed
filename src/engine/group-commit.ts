import { AsyncResource } from 'node:async_hooks';
import type { EventStore, EventStoreTransaction } from '../persistence/event-store';

/** How commands are grouped into transactions. */
export interface GroupCommitOptions {
  /** Most commands in one transaction (default 32; 1 turns group commit off). */
  maxBatch?: number;
  /** Transactions in flight at once, each on its own connection (default 2; the embedded database has one). */
  lanes?: number;
}

interface Entry {
  work: (tx: EventStoreTransaction) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: commands that arrive together share one transaction and one WAL flush.
 *
 * Commands queue; whenever a lane (a connection) is free, the queue is split over the free lanes and each
 * part runs as one transaction, the commands one after the other on that connection, so each sees the
 * ones before it exactly as if they had committed first. Every command is still its own event(s) and its
 * own result, and a caller hears back only after COMMIT.
 *
 * - A command refused before it wrote anything (the machine said no, a guard, a pinned version that moved,
 *   a 403 decided on the locked head) is answered with its refusal; the others go on in the same
 *   transaction, which it left untouched (`EventStoreTransaction.writes`, `.failed`).
 * - A command that fails after writing, or any statement error, rolls the batch back; then every command
 *   of the batch runs again alone, in its own transaction, so one failing command never takes others
 *   down. Nothing of the rolled-back batch was acknowledged, so nothing acknowledged is lost or doubled.
 * - If COMMIT itself fails, every command of the batch gets that error, as a lone command would.
 *
 * The work runs in the async context of the caller that queued it (AsyncResource.bind), so request-scoped
 * state (the Idempotency-Key in scope) follows each command into the shared transaction.
 */
export class GroupCommit {
  readonly #store: EventStore;
  readonly #maxBatch: number;
  readonly #lanes: number;
  readonly #queue: Entry[] = [];
  #busy = 0;
  #scheduled = false;

  constructor(store: EventStore, options: GroupCommitOptions = {}) {
    this.#store = store;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 32);
    this.#lanes = Math.max(1, options.lanes ?? 2);
  }

  /** Runs `work` in a transaction shared with other commands; resolves with its result after COMMIT. */
  run<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    if (this.#maxBatch === 1) return this.#store.transaction(work);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        work: AsyncResource.bind(work),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#schedule();
    });
  }

  /** Gathers what arrives in this turn of the event loop before starting (the "few hundred µs" window). */
  #schedule(): void {
    if (this.#scheduled || this.#busy >= this.#lanes) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    while (this.#queue.length > 0 && this.#busy < this.#lanes) {
      const free = this.#lanes - this.#busy;
      const size = Math.min(this.#maxBatch, Math.ceil(this.#queue.length / free));
      const batch = this.#queue.splice(0, size);
      this.#busy++;
      void this.#runBatch(batch).finally(() => {
        this.#busy--;
        this.#schedule();
      });
    }
  }

  async #runBatch(batch: Entry[]): Promise<void> {
    if (batch.length === 1) return this.#alone(batch[0]!);
    const outcomes: Outcome[] = [];
    let insideFailed = false;
    try {
      await this.#store.transaction(async (tx) => {
        for (const entry of batch) {
          const writes = tx.writes;
          try {
            outcomes.push({ ok: true, value: await entry.work(tx) });
          } catch (error) {
            if (tx.failed || tx.writes !== writes) {
              insideFailed = true;
              throw error;
            }
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      if (insideFailed) {
        // Rolled back before COMMIT: nothing of the batch is durable. Each command runs again on its own,
        // in the order they came.
        for (const entry of batch) await this.#alone(entry);
        return;
      }
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  async #alone(entry: Entry): Promise<void> {
    try {
      entry.resolve(await this.#store.transaction(entry.work));
    } catch (error) {
      entry.reject(error);
    }
  }
}
