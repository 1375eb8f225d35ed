import { renameSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

/**
 * The 整改工作台账 sample of seed 002 annex 2, built cell by cell from the seed (not through the exporter):
 * title, date and 制定单位 rows, the eight headers, and rows 1–8 of which 1 and 4 carry the seed's
 * examples (its XX placeholders filled with names from the test unit tree).
 */
export const templateTitle = '道路交通安全和运输执法领域突出问题整改工作台账（样表）';
export const templateHeaders = [
  '序号',
  '问题类别',
  '具体表现',
  '整改措施',
  '责任单位',
  '整改时限',
  '整改进度及可验证成果',
  '问责情况',
];
export const templateWidths = [6, 14, 30, 36, 18, 16, 40, 28];

export const seedRow1 = [
  1,
  '逐利执法',
  '乱罚款、滥收费',
  '废止《湟中区交通运输执法罚没指标考核办法》，停止执行违法收费项目',
  '湟中区交通运输局',
  new Date('2023-09-30T00:00:00.000Z'),
  '已完成《关于清理、停止违法设立收费的通知》',
  '对2名领导干部、3名工作人员给予党纪政务处分。',
];
export const seedRow4 = [
  4,
  '制度文件管理',
  '行政法规性文件违反上位法规定',
  '加强规范性文件清理，废止违反上位法的行政规范性文件',
  '西宁市交通运输局',
  '2023年9月30日前，废止行政规范性文件，清理工作长期进行。',
  '废止行政规范性文件已完成，《西宁市交通运输局关于废止行政规范性文件的通知》',
  null,
];

/** Builds the workbook in memory. */
export function buildXiningTemplate(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('整改工作台账');
  sheet.columns = templateWidths.map((width) => ({ width }));
  sheet.getCell('A1').value = templateTitle;
  sheet.getCell('A2').value = '2023年4月11日';
  sheet.getCell('A3').value = '制定单位：西宁市交通运输局';
  sheet.mergeCells('A1:H1');
  sheet.mergeCells('A2:H2');
  sheet.mergeCells('A3:H3');
  sheet.getRow(4).values = templateHeaders;
  const rows: unknown[][] = [seedRow1, [2], [3], seedRow4, [5], [6], [7], [8]];
  rows.forEach((values, index) => {
    sheet.getRow(5 + index).values = values as ExcelJS.CellValue[];
  });
  sheet.getCell('F5').numFmt = 'yyyy"年"m"月"d"日"';
  return workbook;
}

/** Writes test/fixtures/ledgers/xining-template.xlsx (atomically: several test workers may write it). */
export async function writeXiningTemplate(): Promise<string> {
  const path = join(__dirname, '..', 'fixtures', 'ledgers', 'xining-template.xlsx');
  const temporary = `${path}.${process.pid}.tmp`;
  await buildXiningTemplate().xlsx.writeFile(temporary);
  renameSync(temporary, path);
  return path;
}

/** A ledger sheet in the template's layout with the given data rows (and optionally other headers), as bytes. */
export async function ledgerSheet(rows: unknown[][], headers: string[] = templateHeaders): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('整改工作台账');
  sheet.getCell('A1').value = templateTitle;
  sheet.getRow(4).values = headers;
  rows.forEach((values, index) => {
    sheet.getRow(5 + index).values = values as ExcelJS.CellValue[];
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
