/**
 * 超期 (overdue), defined once. A stream is overdue at an instant when the deadline it is measured against
 * has passed by then: for an item, a running verification or rectification deadline (`streams.deadline` is
 * projected only in `verifying` and `rectifying`) that is not carried into long-term rectification
 * (长期推进); for a campaign, its current phase's deadline; for an escalation, its response deadline while
 * it is open. Every list, count, dashboard, worklist, digest, rule fact and bulletin reads it from here —
 * never from the scheduler's stored `overdue` flag, which lags until the scheduler has run (issue 13: the
 * bulletin said 13 while the flag said 3).
 */

/** Item states in which a deadline runs (the states `streams.deadline` is projected in for items). */
export const ITEM_STATES_WITH_DEADLINE = ['verifying', 'rectifying'] as const;

/** The columns (or expressions) the definition reads. */
export interface OverdueColumns {
  /** The item's state (as of the instant). */
  state: string;
  /** The running deadline (timestamptz). */
  deadline: string;
  /** Carried into long-term rectification (boolean). */
  longTerm: string;
}

const ITEM_STATES_SQL = ITEM_STATES_WITH_DEADLINE.map((s) => `'${s}'`).join(', ');

/**
 * SQL boolean: an item (state, deadline, long-term as of `at`) is overdue at `at` (an SQL expression).
 * `statesParameter` names a bound parameter holding ITEM_STATES_WITH_DEADLINE where a statement already
 * binds it; otherwise the list is written inline.
 */
export function itemOverdueSql(columns: OverdueColumns, at: string, statesParameter?: string): string {
  const inStates = statesParameter ? `= ANY(${statesParameter})` : `IN (${ITEM_STATES_SQL})`;
  return `COALESCE(${columns.state} ${inStates} AND ${columns.deadline} < ${at} AND NOT COALESCE(${columns.longTerm}, false), false)`;
}

/**
 * SQL boolean: the stream head aliased `alias` is overdue at `at`, whatever its type (items as above;
 * campaigns and escalations: a projected deadline that has passed — the projection clears it once it stops
 * running).
 */
export function streamOverdueSql(alias: string, at: string): string {
  const item = itemOverdueSql(
    { state: `${alias}.state`, deadline: `${alias}.deadline`, longTerm: `${alias}.long_term` },
    at,
  );
  return `(CASE WHEN ${alias}.stream_type = 'item' THEN ${item} ELSE COALESCE(${alias}.deadline < ${at}, false) END)`;
}

/** The same definition for a stream head already in memory (for single-stream views). */
export function isOverdueAt(
  head: { streamType: string; state: string; deadline: string | null; longTerm?: boolean | null },
  at: string,
): boolean {
  if (head.deadline === null || !(Date.parse(head.deadline) < Date.parse(at))) return false;
  if (head.streamType !== 'item') return true;
  return (ITEM_STATES_WITH_DEADLINE as readonly string[]).includes(head.state) && head.longTerm !== true;
}
