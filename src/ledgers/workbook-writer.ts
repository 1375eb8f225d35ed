import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { excel } from './exceljs';
import { finishDataRow, writeLayoutHead, type LedgerHead, type LedgerLayout } from './layout';

/** Where an export goes: a file path or any writable stream (an HTTP response). */
export type ExportTarget = string | Writable;

/** Progress of a long export or import, for the CLI's stderr line. */
export type ProgressListener = (done: number, total: number | null) => void;

/**
 * A streaming .xlsx sheet in one of the ledger layouts: rows are committed as they are added, so memory
 * stays flat however long the ledger is (exceljs WorkbookWriter, no shared strings).
 */
export class LedgerSheetWriter {
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #sheet: ExcelJS.Worksheet;
  readonly #layout: LedgerLayout;
  #rows = 0;

  constructor(target: ExportTarget, layout: LedgerLayout, head: LedgerHead) {
    this.#workbook = new (excel().stream.xlsx.WorkbookWriter)({
      ...(typeof target === 'string' ? { filename: target } : { stream: target }),
      useStyles: true,
      useSharedStrings: false,
    });
    this.#layout = layout;
    this.#sheet = this.#workbook.addWorksheet(layout.sheetName, {
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
      views: [{ state: 'frozen', ySplit: 4 }],
    });
    writeLayoutHead(this.#sheet, layout, head);
  }

  /** Adds one data row (values in column order) and commits it. */
  addRow(values: ExcelJS.CellValue[]): void {
    finishDataRow(this.#sheet.addRow(values), this.#layout);
    this.#rows += 1;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Finishes the file (or stream). */
  async close(): Promise<void> {
    (this.#sheet as unknown as { commit(): void }).commit();
    await this.#workbook.commit();
  }
}
