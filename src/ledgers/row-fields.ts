import type { Category } from '../machines/campaign-types';
import { cellText, parseCalendarDate, type CellValue } from './cells';
import { problemAt, type ImportProblem } from './import-problems';
import type { SheetCell } from './sheet-reader';

/** Collects the problems of one row while its cells are read. */
export class RowReader {
  readonly problems: ImportProblem[] = [];
  constructor(
    readonly sheet: string,
    readonly row: number,
  ) {}

  problem(cell: SheetCell, reason: string): null {
    this.problems.push(problemAt(this.sheet, cell.column, this.row, reason));
    return null;
  }

  text(cell: SheetCell, header: string, required: boolean): string | null {
    const text = cellText(cell.value);
    return text === null && required ? this.problem(cell, `${header} is required (missing cell)`) : text;
  }

  /** A positive whole number such as 序号 (a number cell or digits). */
  positiveInteger(cell: SheetCell, header: string): number | null {
    const raw = cell.value;
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (raw === null) return this.problem(cell, `${header} is required (missing cell)`);
    return Number.isInteger(n) && n > 0
      ? n
      : this.problem(cell, `${header} must be a positive whole number, found ${describe(raw)}`);
  }

  /** A calendar date (a date cell or text such as 2023年9月30日前). */
  date(cell: SheetCell, header: string, required: boolean): string | null {
    if (cell.value === null)
      return required ? this.problem(cell, `${header} is required (missing cell)`) : null;
    const date = parseCalendarDate(cell.value);
    if (date === 'invalid')
      return this.problem(cell, `${header} ${describe(cell.value)} is not a real calendar date`);
    return (
      date ??
      this.problem(
        cell,
        `${header} must be a date such as 2023-09-30 or 2023年9月30日, found ${describe(cell.value)}`,
      )
    );
  }
}

/** How a cell value reads in an error message. */
export function describe(value: CellValue): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return JSON.stringify(value);
}

/** Labels compare without whitespace and with any kind of quotation mark dropped (执法“寻租” = 执法"寻租"). */
export function normaliseLabel(text: string): string {
  return text.replace(/[\s"'“”‘’「」]/g, '');
}

/** Finds a campaign category by its label (问题类别 as printed) or its code. */
export function categoryLookup(categories: Category[]): (text: string) => Category | undefined {
  const byText = new Map<string, Category>();
  for (const c of categories) {
    byText.set(normaliseLabel(c.label), c);
    byText.set(normaliseLabel(c.code), c);
  }
  return (text) => byText.get(normaliseLabel(text));
}

/** Finds units by name; a name two units share is ambiguous. */
export function unitLookup(
  units: Array<{ id: string; name: string }>,
): (name: string) => { id: string } | { ambiguous: string[] } | undefined {
  const byName = new Map<string, string[]>();
  for (const u of units)
    byName.set(normaliseLabel(u.name), [...(byName.get(normaliseLabel(u.name)) ?? []), u.id]);
  return (name) => {
    const ids = byName.get(normaliseLabel(name));
    if (!ids) return undefined;
    return ids.length === 1 ? { id: ids[0]! } : { ambiguous: ids };
  };
}
