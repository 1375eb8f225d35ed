import type ExcelJS from 'exceljs';

/** What a cell holds once exceljs's rich text, formulas, hyperlinks and shared strings are unwrapped. */
export type CellValue = string | number | boolean | Date | null;

/** Unwraps an exceljs cell value into a plain value; blank strings become null. */
export function plainCellValue(value: ExcelJS.CellValue | undefined): CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return plainCellValue(value.richText.map((part) => part.text).join(''));
    if ('result' in value) return plainCellValue(value.result as ExcelJS.CellValue);
    if ('text' in value) return plainCellValue(String(value.text));
    if ('error' in value) return null;
  }
  return null;
}

/** The cell's value as trimmed text (numbers and dates in their plain form), or null when blank. */
export function cellText(value: CellValue): string | null {
  if (value === null) return null;
  if (value instanceof Date) return calendarDateOfCell(value);
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** Column letter of a 1-based column index (1 → A, 27 → AA). */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The time zone of the bureaus' calendar (China Standard Time, no daylight saving). */
const CST_OFFSET_MS = 8 * 3_600_000;

/** The CST calendar date (YYYY-MM-DD) an instant falls on. */
export function calendarDateOf(instant: string): string {
  return new Date(Date.parse(instant) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * exceljs reads and writes date cells as UTC midnight of the shown day (Excel dates have no zone), so the
 * shown calendar date is the UTC date of the value.
 */
export function calendarDateOfCell(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** The Date exceljs writes for a calendar date (shown as that day in every zone). */
export function cellDateOf(calendarDate: string): Date {
  return new Date(`${calendarDate}T00:00:00.000Z`);
}

/** The instant a deadline given as a calendar date means: the end of that day in CST. */
export function endOfDayInstant(calendarDate: string): string {
  return new Date(Date.parse(`${calendarDate}T23:59:59+08:00`)).toISOString();
}

/** Chinese date label used in titles and bulletins: 2023年4月11日. */
export function chineseDate(calendarDate: string): string {
  const [y, m, d] = calendarDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const DATE_PATTERNS: RegExp[] = [
  /(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})/,
  /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/,
];

/**
 * Finds a calendar date in a cell: a date cell, or text such as 2023-09-30, 2023/9/30, 2023年9月30日前.
 * Returns null when there is none and 'invalid' for a date that does not exist (2023-02-30).
 */
export function parseCalendarDate(value: CellValue): string | null | 'invalid' {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid' : calendarDateOfCell(value);
  if (typeof value !== 'string') return null;
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(value);
    if (!match) continue;
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      return 'invalid';
    return date.toISOString().slice(0, 10);
  }
  return null;
}
