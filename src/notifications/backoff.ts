/** Retry policy of the dispatcher. */
export interface RetryPolicy {
  /** Attempts before a delivery is dead-lettered (default 8). */
  maxAttempts: number;
  /** Delay after the first failure (default 2 s); doubles each attempt. */
  baseDelayMs: number;
  /** Largest delay (default 1 h). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 3_600_000,
});

/**
 * The delay before attempt `attempts + 1`: exponential (base × 2^(attempts−1), capped) with "equal
 * jitter" — half fixed, half random — so receivers that failed together do not get retried together,
 * yet the delay never collapses to zero. `random` is injected (tests pass a fixed one).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
