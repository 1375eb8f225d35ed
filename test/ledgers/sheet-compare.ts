import ExcelJS from 'exceljs';
import { plainCellValue } from '../../src/ledgers/cells';

/** What a comparison of two sheets looks at: cell values (dates as days), merges and column widths. */
export interface SheetShape {
  cells: Array<Array<string | number | boolean | null>>;
  merges: string[];
  widths: Array<number | undefined>;
}

/** Reads the first sheet of an .xlsx file (or bytes) into its comparable shape. */
export async function sheetShape(source: string | Buffer, columns = 8): Promise<SheetShape> {
  const workbook = new ExcelJS.Workbook();
  if (typeof source === 'string') await workbook.xlsx.readFile(source);
  else await workbook.xlsx.load(source as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const cells: SheetShape['cells'] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row: SheetShape['cells'][number] = [];
    for (let c = 1; c <= columns; c++) {
      const value = plainCellValue(sheet.getRow(r).getCell(c).value);
      row.push(value instanceof Date ? value.toISOString().slice(0, 10) : value);
    }
    cells.push(row);
  }
  const merges = [...((sheet.model as unknown as { merges: string[] }).merges ?? [])].sort();
  const widths = Array.from({ length: columns }, (_, i) => sheet.getColumn(i + 1).width);
  return { cells, merges, widths };
}
