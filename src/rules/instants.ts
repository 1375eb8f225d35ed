/** ISO 8601 instants as the rules language accepts them (a date, or a date-time with optional offset). */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO instant, or NaN when it is not one. Pure: parses data, reads no clock. */
export function parseInstant(text: string): number {
  return ISO.test(text) ? Date.parse(text) : NaN;
}

/** ISO text (UTC) of epoch ms. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}
