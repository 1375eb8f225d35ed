/** Rule sets read from files and uploads: `.rules` text or a decision-table workbook (.xlsx), compiled by the pure rules core. */
import { readFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { excel } from '../ledgers/exceljs';
import { checkWorkbookBytes } from '../ledgers/workbook-limits';
import { compileRuleSet, type CompileResult } from '../rules/compile-rule-set';
import {
  formatTableDiagnostic,
  locateInTable,
  tablesToSource,
  type Grid,
  type TableSource,
} from '../rules/decision-table';
import { diagnostic, type Diagnostic } from '../rules/errors';
import { formatDiagnostic } from '../rules/format-diagnostic';

/** The media type a decision-table workbook is uploaded with. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A rule file of either form, compiled, with diagnostics located in its own terms (line:col or sheet!cell). */
export interface LoadedRules {
  readonly file: string;
  /** The `.rules` text that was compiled (generated from the tables for a workbook). */
  readonly source: string;
  readonly result: CompileResult;
  /** Formats a diagnostic of `result` for people: `file:line:col` or `file:表1!C7` (message in `lang`, else both). */
  format(diag: Diagnostic, lang?: 'zh' | 'en'): string;
  /** Relocates a diagnostic of `result` (adds `cell` for a workbook). */
  locate(diag: Diagnostic): Diagnostic & { cell?: string };
}

const isWorkbookName = (file: string): boolean => /\.xlsx$/i.test(file);

/** Reads the sheets of a decision-table workbook as grids of cell text (bytes checked against the limits first). */
export async function readDecisionWorkbook(bytes: Buffer, file: string): Promise<Grid[]> {
  checkWorkbookBytes(bytes, file);
  const workbook = new (excel().Workbook)();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const cells: Array<Array<string | null>> = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values: Array<string | null> = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        values[column - 1] = cellText(cell.value);
      });
      cells[rowNumber - 1] = Array.from(values, (v) => v ?? null);
    });
    return { name: sheet.name, cells: Array.from(cells, (r) => r ?? []) };
  });
}

function cellText(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '真' : '假';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
  }
  return null;
}

/** Writes grids as a workbook (numbers stay numbers, so 版本 and 优先级 read as numbers in Excel). */
export async function writeDecisionWorkbook(grids: readonly Grid[]): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  for (const grid of grids) {
    const sheet = workbook.addWorksheet(grid.name);
    grid.cells.forEach((row, r) =>
      row.forEach((value, c) => {
        if (value === null) return;
        sheet.getCell(r + 1, c + 1).value =
          /^-?\d+$/.test(value) && value.length < 12 ? Number(value) : value;
      }),
    );
    sheet.columns.forEach((column) => (column.width = 18));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Compiles a workbook through the one checker and compiler; diagnostics point at cells. */
export async function compileWorkbook(bytes: Buffer, file: string): Promise<LoadedRules> {
  const grids = await readDecisionWorkbook(bytes, file);
  const table = tablesToSource(grids, file);
  return fromTable(table, file);
}

function fromTable(table: TableSource, file: string): LoadedRules {
  const compiled = compileRuleSet(table.source, file);
  const result: CompileResult =
    table.problems.length > 0
      ? { ok: false, diagnostics: [...table.problems, ...(compiled.ok ? [] : compiled.diagnostics)] }
      : compiled;
  const locate = (diag: Diagnostic) =>
    'cell' in diag ? (diag as Diagnostic & { cell: string }) : locateInTable(diag, table, file);
  return {
    file,
    source: table.source,
    result,
    locate,
    format: (diag, lang) => formatTableDiagnostic(locate(diag), lang),
  };
}

/** Reads and compiles a `.rules` or `.xlsx` file; an unreadable file is a ZR0009 diagnostic. */
export async function loadAnyRuleFile(file: string): Promise<LoadedRules> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return unreadable(file, error);
  }
  if (isWorkbookName(file)) {
    try {
      return await compileWorkbook(bytes, file);
    } catch (error) {
      return unreadable(file, error);
    }
  }
  const source = bytes.toString('utf8');
  return {
    file,
    source,
    result: compileRuleSet(source, file),
    format: (diag, lang) => formatDiagnostic(diag, source, lang),
    locate: (diag) => diag,
  };
}

function unreadable(file: string, error: unknown): LoadedRules {
  const detail = error instanceof Error ? error.message : String(error);
  const diag = diagnostic(
    'ZR0009',
    { line: 1, column: 1, offset: 0, length: 0 },
    { detail },
    undefined,
    file,
  );
  return {
    file,
    source: '',
    result: { ok: false, diagnostics: [diag] },
    format: (d, lang) => formatDiagnostic(d, '', lang),
    locate: (d) => d,
  };
}
