import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Runtime } from '../../runtime/runtime';
import {
  decrementRateLimit,
  deleteEndedRateLimits,
  incrementRateLimit,
  resetRateLimit,
} from '../../persistence/rate-limits';

/**
 * An express-rate-limit store in the database, so that every node behind a load balancer counts the same
 * attempts (an in-memory store would give a client N times the limit with N nodes, and forget on restart).
 * Windows run on the wall clock, as express-rate-limit compares them with `Date.now()` (not the runtime's
 * domain clock, which tests and replays set to other days).
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  #windowMs = 60_000;
  #calls = 0;

  constructor(
    private readonly runtime: Runtime,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  get #db() {
    return this.runtime.database.dataSource;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = new Date();
    // Now and then, forget ended windows so the table stays as small as the number of active clients.
    if (++this.#calls % 500 === 0) await deleteEndedRateLimits(this.#db, now);
    const { hits, resetAt } = await incrementRateLimit(this.#db, `${this.prefix}${key}`, now, this.#windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await decrementRateLimit(this.#db, `${this.prefix}${key}`, new Date());
  }

  async resetKey(key: string): Promise<void> {
    await resetRateLimit(this.#db, `${this.prefix}${key}`);
  }
}
