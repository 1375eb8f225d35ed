import type ExcelJS from 'exceljs';
import { cellText, columnLetter, plainCellValue, type CellValue } from './cells';
import { problemAt, WorkbookUnreadableError, type ImportProblem } from './import-problems';
import type { LedgerLayout } from './layout';

/**
 * Finding a ledger in a workbook as clerks keep it: the sheet chosen by name, else the one named like the
 * layout, else the first whose header row matches (the first sheet is often 填表说明); headers matched by
 * text (known variants included) rather than position; footer rows (合计, a merged 备注 row, 填表人/审核人)
 * recognised so that they are skipped and reported instead of refused.
 */

const normalise = (text: string | null): string =>
  (text ?? '')
    .normalize('NFKC')
    .replace(/[\s"'“”‘’]/g, '')
    .replace(/[（(]/g, '(')
    .replace(/[）)]/g, ')');

/** Rows searched for the header row. */
const HEADER_SEARCH_ROWS = 10;

/** The 1-based row of the layout's header (first column's header in column A), or null. */
export function findHeaderRow(sheet: ExcelJS.Worksheet, layout: LedgerLayout): number | null {
  const first = normalise(layout.columns[0]!.header);
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, Math.max(sheet.rowCount, 1)); r++) {
    if (normalise(cellText(plainCellValue(sheet.getRow(r).getCell(1).value))) === first) return r;
  }
  return null;
}

/** The worksheet to read: by name when asked, else by the layout's name, else the first with the header. */
export function chooseWorksheet(
  workbook: ExcelJS.Workbook,
  layout: LedgerLayout,
  fileName: string,
  sheetName?: string,
): ExcelJS.Worksheet {
  const names = workbook.worksheets.map((s) => s.name);
  if (sheetName !== undefined) {
    const chosen = workbook.getWorksheet(sheetName);
    if (!chosen)
      throw new WorkbookUnreadableError(
        fileName,
        `no sheet named ${sheetName}; the sheets are ${names.join(', ')}`,
      );
    return chosen;
  }
  const named = workbook.getWorksheet(layout.sheetName);
  if (named) return named;
  const withHeader = workbook.worksheets.find((s) => findHeaderRow(s, layout) !== null);
  const sheet = withHeader ?? workbook.worksheets[0];
  if (!sheet) throw new WorkbookUnreadableError(fileName, 'the workbook has no sheets');
  return sheet;
}

/** Where each layout column is in the sheet (1-based), read from the header row's text. */
export function mapHeader<K extends string>(
  sheet: ExcelJS.Worksheet,
  layout: LedgerLayout<K>,
  headerRow: number,
): { columnOf: Partial<Record<K, number>>; problems: ImportProblem[] } {
  const byText = new Map<string, K>();
  for (const column of layout.columns)
    for (const text of [column.header, ...(column.aliases ?? [])]) byText.set(normalise(text), column.key);
  const row = sheet.getRow(headerRow);
  const columnOf: Partial<Record<K, number>> = {};
  const problems: ImportProblem[] = [];
  const width = Math.max(row.cellCount, layout.columns.length);
  for (let index = 1; index <= width; index++) {
    const found = cellText(plainCellValue(row.getCell(index).value));
    if (found === null) continue;
    const key = byText.get(normalise(found));
    const at = columnLetter(index);
    if (key === undefined)
      problems.push(
        problemAt(
          sheet.name,
          at,
          headerRow,
          `unexpected column ${found}; expected ${expectedHeaders(layout)}`,
        ),
      );
    else if (columnOf[key] !== undefined)
      problems.push(problemAt(sheet.name, at, headerRow, `column ${found} appears twice`));
    else columnOf[key] = index;
  }
  for (const column of layout.columns) {
    if (column.optional || columnOf[column.key] !== undefined) continue;
    const index = layout.columns.indexOf(column) + 1;
    const at = columnLetter(index);
    // A misspelt header where this column belongs is one problem, not "unexpected" plus "missing".
    const misspelt = problems.findIndex((p) => p.column === at && p.reason.startsWith('unexpected column'));
    const found = cellText(plainCellValue(row.getCell(index).value));
    if (misspelt >= 0) problems.splice(misspelt, 1);
    problems.push(
      problemAt(
        sheet.name,
        at,
        headerRow,
        misspelt >= 0
          ? `expected header ${column.header}, found ${found}`
          : `missing column ${column.header}`,
      ),
    );
  }
  problems.sort((a, b) => a.column.length - b.column.length || a.column.localeCompare(b.column));
  return { columnOf, problems };
}

function expectedHeaders(layout: LedgerLayout): string {
  return layout.columns.map((c) => (c.optional ? `[${c.header}]` : c.header)).join(' | ');
}

const TOTAL = /^(合\s*计|总\s*计|小\s*计)/;
const SIGNATURE = /(填表人|填报人|审核人|制表人|联系人|联系电话|负责人签字|填表日期|报送日期)/;
const NOTE = /^(备\s*注|说\s*明|注)\s*[:：]?/;

/**
 * Why a row below the data is a footer, or null for a data row. A footer never has a numeric 序号: 合计 in
 * it, a signature line (填表人：… 审核人：…), or one text merged across the row (备注：…; exceljs gives every
 * cell of a merged range the same value, which must not be read into every column).
 */
export function footerReason(values: CellValue[], numberValue: CellValue): string | null {
  if (typeof numberValue === 'number' || (typeof numberValue === 'string' && /^\s*\d+\s*$/.test(numberValue)))
    return null;
  const texts = values.map((v) => cellText(v)).filter((t): t is string => t !== null);
  if (texts.length === 0) return null;
  if (TOTAL.test(texts[0]!)) return 'a total row (合计)';
  if (texts.some((t) => SIGNATURE.test(t))) return 'a signature row (填表人/审核人)';
  if (texts.length > 1 && new Set(texts).size === 1)
    return NOTE.test(texts[0]!) ? 'a note merged across the row (备注)' : 'one text merged across the row';
  if (NOTE.test(texts[0]!) && texts.length === 1) return 'a note row (备注)';
  return null;
}
