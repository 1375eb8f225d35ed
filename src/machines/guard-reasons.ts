/**
 * Guards that can say why they failed.
 *
 * XState guards answer only yes or no; a user whose command was refused needs the reason. Each guard is
 * written once as a function returning `null` (allowed) or a sentence (refused); the machine receives the
 * boolean form, and the engine asks the same table for the sentence when `transition()` rejects an event.
 */
export type GuardReason<TContext, TEvent> = (context: TContext, event: TEvent) => string | null;

export type GuardReasonTable<TContext, TEvent> = Record<string, GuardReason<TContext, TEvent>>;

/** Turns a reason table into XState guard implementations. */
export function toXStateGuards<TContext, TEvent>(
  reasons: GuardReasonTable<TContext, TEvent>,
): Record<string, (args: { context: TContext; event: TEvent }) => boolean> {
  const guards: Record<string, (args: { context: TContext; event: TEvent }) => boolean> = {};
  for (const [name, reason] of Object.entries(reasons)) {
    guards[name] = ({ context, event }) => reason(context, event) === null;
  }
  return guards;
}

/** The first reason in the list that refuses, or null. Lets one guard combine several checks. */
export function firstFailure(...checks: Array<string | null>): string | null {
  return checks.find((check) => check !== null) ?? null;
}

/** A non-empty string, trimmed. */
export function requireText(value: unknown, field: string): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? null : `${field} is required`;
}

/** An ISO-8601 instant with a timezone (e.g. 2023-05-10T00:00:00+08:00). */
export function requireInstant(value: unknown, field: string): string | null {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  ) {
    return `${field} must be an ISO-8601 instant with a timezone, e.g. 2023-05-10T18:00:00+08:00`;
  }
  return Number.isNaN(Date.parse(value)) ? `${field} is not a real date` : null;
}

/** `later` is strictly after `earlier` (both valid instants). */
export function requireAfter(later: string, earlier: string, message: string): string | null {
  return Date.parse(later) > Date.parse(earlier) ? null : message;
}
