import { ErrorCode, ZhengzhiError } from '../shared/errors';

/** One row (or header cell) an import could not take, located the way a spreadsheet user finds it. */
export interface ImportProblem {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  /** Column letter (A…). */
  column: string;
  /** Excel address, e.g. F7. */
  cell: string;
  reason: string;
}

/** Formats a problem as one line: file, sheet, cell, reason. */
export function formatProblem(problem: ImportProblem, file?: string): string {
  return `${file ? `${file}: ` : ''}sheet ${problem.sheet}, row ${problem.row}, column ${problem.column} (${problem.cell}): ${problem.reason}`;
}

export function problemAt(sheet: string, column: string, row: number, reason: string): ImportProblem {
  return { sheet, row, column, cell: `${column}${row}`, reason };
}

/** A workbook that cannot be read at all (not .xlsx, no matching sheet). */
export class WorkbookUnreadableError extends ZhengzhiError {
  constructor(file: string, reason: string, cause?: unknown) {
    super(ErrorCode.invalidInput, `${file}: ${reason}`, { file }, { cause });
    this.name = 'WorkbookUnreadableError';
  }
}
