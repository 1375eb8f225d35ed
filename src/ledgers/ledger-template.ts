import type { Writable } from 'node:stream';
import { excel } from './exceljs';
import type { Runtime } from '../runtime/runtime';
import { calendarDateOf, chineseDate, columnLetter } from './cells';
import { finishDataRow, LAYOUT_ROWS, writeLayoutHead } from './layout';
import { loadCampaign, queryOf } from './ledger-source';
import { xiningLedgerLayout } from './vocabulary';

/** Blank data rows the template offers (序号 pre-filled, drop-downs on every one). */
export const TEMPLATE_ROWS = 200;
/** The hidden sheet holding the drop-down lists. */
export const LISTS_SHEET = '选项';

/**
 * A blank 整改工作台账 for one campaign, ready for a clerk: the annex's head and headers, numbered empty
 * rows, and drop-down validation lists on 问题类别 (the campaign's categories) and 责任单位 (the units of
 * the campaign's subtree) read from a hidden 选项 sheet, so an import later finds every value it needs.
 */
export async function writeLedgerTemplate(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: string | Writable,
  campaignId: string,
): Promise<{ categories: number; units: number }> {
  const campaign = await loadCampaign(runtime, campaignId);
  const units = await queryOf(runtime)<{ name: string }>(
    'SELECT name FROM units WHERE path LIKE $1 ORDER BY path',
    [`${campaign.unitPath}%`],
  );
  const workbook = new (excel().Workbook)();
  const sheet = workbook.addWorksheet(xiningLedgerLayout.sheetName, {
    views: [{ state: 'frozen', ySplit: LAYOUT_ROWS.header }],
  });
  writeLayoutHead(sheet, xiningLedgerLayout, {
    dateLabel: chineseDate(calendarDateOf(runtime.clock.now().toISOString())),
    issuerName: campaign.unitName,
  });
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  campaign.categories.forEach((c, i) => (lists.getCell(`A${i + 1}`).value = c.label));
  units.forEach((u, i) => (lists.getCell(`B${i + 1}`).value = u.name));
  const columnOf = (key: string) =>
    columnLetter(xiningLedgerLayout.columns.findIndex((c) => c.key === key) + 1);
  const validations = [
    {
      column: columnOf('category'),
      range: `${LISTS_SHEET}!$A$1:$A$${Math.max(1, campaign.categories.length)}`,
      what: '问题类别',
    },
    {
      column: columnOf('unit'),
      range: `${LISTS_SHEET}!$B$1:$B$${Math.max(1, units.length)}`,
      what: '责任单位',
    },
  ];
  for (let n = 1; n <= TEMPLATE_ROWS; n++) {
    const row = sheet.addRow([n]);
    finishDataRow(row, xiningLedgerLayout);
    for (const v of validations) {
      // 责任单位 may also name several units (牵头、配合): the list is offered, not enforced.
      row.getCell(v.column).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [v.range],
        showErrorMessage: v.what === '问题类别',
        errorTitle: v.what,
        error: `请从下拉列表中选择${v.what}`,
      };
    }
  }
  if (typeof target === 'string') await workbook.xlsx.writeFile(target);
  else await workbook.xlsx.write(target);
  return { categories: campaign.categories.length, units: units.length };
}
