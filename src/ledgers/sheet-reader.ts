import ExcelJS from 'exceljs';
import { cellText, columnLetter, plainCellValue, type CellValue } from './cells';
import { problemAt, WorkbookUnreadableError, type ImportProblem } from './import-problems';
import type { LedgerLayout } from './layout';

/** A cell of a data row: where it is and what it holds. */
export interface SheetCell {
  column: string;
  value: CellValue;
}

/** A data row of a ledger sheet, cells keyed by the layout's column keys. */
export interface SheetRow<K extends string> {
  row: number;
  cells: Record<K, SheetCell>;
}

export interface ReadSheet<K extends string> {
  sheet: string;
  headerRow: number | null;
  /** Wrong or missing headers: the sheet's rows cannot be trusted, so none are taken. */
  headerProblems: ImportProblem[];
  rows: Array<SheetRow<K>>;
}

const normalise = (text: string | null): string => (text ?? '').replace(/\s+/g, '');

/** Loads a workbook from a path or bytes; a file that is not .xlsx is refused with its name. */
export async function loadWorkbook(source: string | Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    if (typeof source === 'string') await workbook.xlsx.readFile(source);
    else await workbook.xlsx.load(source as unknown as ArrayBuffer);
  } catch (error) {
    throw new WorkbookUnreadableError(
      fileName,
      `not a readable .xlsx workbook (${(error as Error).message})`,
      error,
    );
  }
  return workbook;
}

/**
 * Finds the layout's sheet (by name, else the first sheet), checks its header row (searched in the first
 * ten rows by the first header, then compared column by column, whitespace ignored) and returns the data
 * rows below it. Rows whose cells are all blank except 序号 are the template's empty placeholder rows and
 * are skipped.
 */
export function readLedgerSheet<K extends string>(
  workbook: ExcelJS.Workbook,
  layout: LedgerLayout<K>,
  fileName: string,
): ReadSheet<K> {
  const sheet = workbook.getWorksheet(layout.sheetName) ?? workbook.worksheets[0];
  if (!sheet) throw new WorkbookUnreadableError(fileName, 'the workbook has no sheets');
  const name = sheet.name;
  const columns = layout.columns;
  let headerRow: number | null = null;
  for (let r = 1; r <= Math.min(10, Math.max(sheet.rowCount, 1)); r++) {
    if (
      normalise(cellText(plainCellValue(sheet.getRow(r).getCell(1).value))) === normalise(columns[0]!.header)
    ) {
      headerRow = r;
      break;
    }
  }
  if (headerRow === null) {
    const expected = columns.map((c) => c.header).join(' | ');
    return {
      sheet: name,
      headerRow,
      rows: [],
      headerProblems: [problemAt(name, 'A', 4, `header row not found in rows 1–10: expected ${expected}`)],
    };
  }
  const header = sheet.getRow(headerRow);
  const headerProblems: ImportProblem[] = [];
  columns.forEach((column, index) => {
    const found = cellText(plainCellValue(header.getCell(index + 1).value));
    if (normalise(found) !== normalise(column.header)) {
      headerProblems.push(
        problemAt(
          name,
          columnLetter(index + 1),
          headerRow,
          `expected header ${column.header}, found ${found ?? '(blank)'}`,
        ),
      );
    }
  });
  const extra = cellText(plainCellValue(header.getCell(columns.length + 1).value));
  if (extra !== null) {
    headerProblems.push(
      problemAt(
        name,
        columnLetter(columns.length + 1),
        headerRow,
        `unexpected extra column ${extra}; the sheet has ${columns.length} columns`,
      ),
    );
  }
  const rows: Array<SheetRow<K>> = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = {} as Record<K, SheetCell>;
    columns.forEach((column, index) => {
      cells[column.key] = {
        column: columnLetter(index + 1),
        value: plainCellValue(row.getCell(index + 1).value),
      };
    });
    const filled = columns.slice(1).some((c) => cells[c.key].value !== null);
    if (filled) rows.push({ row: r, cells });
  }
  return { sheet: name, headerRow, headerProblems, rows };
}
