import { calendarDateOfCell, type CellValue } from './cells';

/**
 * 整改时限 as clerks write it. The annex's own sample is `9月30日前` (no year: the campaign's year), and
 * sheets in the field carry `2023年9月底`, full-width digits `２０２３年９月３０日`, an Excel serial number in a
 * General cell, `立行立改` (immediately) and `2023年9月30日前完成，长期推进` (a date and long-term together).
 */
export type ClerkDeadline =
  | { kind: 'date'; date: string; text: string | null }
  | { kind: 'longTerm'; date: string | null; text: string }
  | { kind: 'immediate'; date: string; text: string };

/** Excel's day 0 is 1899-12-30 (with the 1900 leap-year bug, serials from 61 on count from here). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Serial numbers of plausible deadlines (1990–2100): other numbers are not read as dates. */
const SERIAL_RANGE = [32_874, 73_415] as const;

const pad = (n: number): string => String(n).padStart(2, '0');

function realDate(y: number, m: number, d: number): string | 'invalid' {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return 'invalid';
  return `${y}-${pad(m)}-${pad(d)}`;
}

const lastDayOf = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Full-width digits and punctuation to ASCII (NFKC), so ２０２３年９月３０日 reads as 2023年9月30日. */
export function halfWidth(text: string): string {
  return text.normalize('NFKC');
}

/**
 * A calendar date in clerk text: `2023-09-30`, `2023/9/30`, `2023年9月30日`, `2023年9月底` (last day),
 * `9月30日` / `9月底` with the campaign's `year`. Null when there is none, 'invalid' for 2023年2月30日.
 */
export function dateInText(text: string, year: number): string | null | 'invalid' {
  const t = halfWidth(text);
  let m = /(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})/.exec(t);
  if (m) return realDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|(底|末))/.exec(t);
  if (!m) return null;
  const y = m[1] ? Number(m[1]) : year;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return 'invalid';
  return realDate(y, month, m[4] ? lastDayOf(y, month) : Number(m[3]));
}

/**
 * Reads a 整改时限 cell. `year` fills in dates written without one (the campaign's year); `today` is the
 * calendar date 立行立改 means. Null for a blank cell, 'invalid' for a date that does not exist, 'unreadable'
 * for text with no date and no known phrase.
 */
export function readClerkDeadline(
  value: CellValue,
  year: number,
  today: string,
): ClerkDeadline | null | 'invalid' | 'unreadable' {
  if (value === null) return null;
  if (value instanceof Date)
    return Number.isNaN(value.getTime())
      ? 'invalid'
      : { kind: 'date', date: calendarDateOfCell(value), text: null };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < SERIAL_RANGE[0] || value > SERIAL_RANGE[1]) return 'unreadable';
    return {
      kind: 'date',
      date: new Date(EXCEL_EPOCH_MS + value * 86_400_000).toISOString().slice(0, 10),
      text: null,
    };
  }
  if (typeof value !== 'string') return 'unreadable';
  const text = value.trim();
  const date = dateInText(text, year);
  if (date === 'invalid') return 'invalid';
  if (text.includes('长期')) return { kind: 'longTerm', date, text };
  if (date !== null) return { kind: 'date', date, text: isPlainDate(text) ? null : text };
  if (/立行立改|立即整改|即知即改/.test(text)) return { kind: 'immediate', date: today, text };
  return 'unreadable';
}

/** A date written the plain way (2023-09-30, 2023年9月30日): the date cell says it all, no text to keep. */
function isPlainDate(text: string): boolean {
  return /^\s*(\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$/.test(
    text,
  );
}
