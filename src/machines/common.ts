/**
 * What every machine event carries: the instant it happened. Machines never read a clock; the engine
 * stamps `at` from its injectable clock (or the importer from the source record) before the transition.
 */
export interface Timed {
  at: string;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). Pure: both instants are data. */
export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/**
 * The tag of a state that is over for everything but a correction (item version 3's 已查否 and 已移送): not
 * XState-final, because a final state accepts no event at all, yet reported as finished for anything else.
 */
export const CONCLUDED_TAG = 'concluded';
