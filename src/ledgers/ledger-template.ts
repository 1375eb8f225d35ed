import type { Writable } from 'node:stream';
import { excel } from './exceljs';
import type { Runtime } from '../runtime/runtime';
import { calendarDateOf, chineseDate, columnLetter } from './cells';
import { finishDataRow, LAYOUT_ROWS, writeLayoutHead } from './layout';
import { loadCampaign, queryOf } from './ledger-source';
import { clueLedgerLayout, xiningLedgerLayout } from './vocabulary';
import { codesOf, labelOf } from '../vocabulary/labels';

/** The ledgers a clerk fills in and imports: 整改工作台账 (Xining annex 2) and 线索台账 (Jiangyuan annex 3). */
export type TemplateLedger = 'rectification' | 'clues';

/** Blank data rows the template offers (序号 pre-filled, drop-downs on every one). */
export const TEMPLATE_ROWS = 200;
/** The hidden sheet holding the drop-down lists. */
export const LISTS_SHEET = '选项';

/**
 * A blank ledger for one campaign, ready for a clerk: the annex's head and headers, numbered empty rows, and
 * drop-down validation lists read from a hidden 选项 sheet, so an import later finds every value it needs —
 * 整改工作台账: 问题类别 (the campaign's categories) and 责任单位 (the units of the campaign's subtree);
 * 线索台账: 线索来源 (the clue sources) and 被反映单位 (the units).
 */
export async function writeLedgerTemplate(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: string | Writable,
  campaignId: string,
  ledger: TemplateLedger = 'rectification',
): Promise<{ categories: number; units: number }> {
  const layout = ledger === 'clues' ? clueLedgerLayout : xiningLedgerLayout;
  const campaign = await loadCampaign(runtime, campaignId);
  const units = await queryOf(runtime)<{ name: string }>(
    'SELECT name FROM units WHERE path LIKE $1 ORDER BY path',
    [`${campaign.unitPath}%`],
  );
  const workbook = new (excel().Workbook)();
  const sheet = workbook.addWorksheet(layout.sheetName, {
    views: [{ state: 'frozen', ySplit: LAYOUT_ROWS.header }],
  });
  writeLayoutHead(sheet, layout, {
    dateLabel: chineseDate(calendarDateOf(runtime.clock.now().toISOString())),
    issuerName: campaign.unitName,
  });
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  // Column A: what the first list offers (问题类别, or 线索来源 for the clue ledger); column B: the units.
  const choices =
    ledger === 'clues'
      ? codesOf('channel').map((code) => labelOf('channel', code))
      : campaign.categories.map((c) => c.label);
  choices.forEach((label, i) => (lists.getCell(`A${i + 1}`).value = label));
  units.forEach((u, i) => (lists.getCell(`B${i + 1}`).value = u.name));
  const columnOf = (key: string) => columnLetter(layout.columns.findIndex((c) => c.key === key) + 1);
  const first =
    ledger === 'clues' ? { key: 'source', what: '线索来源' } : { key: 'category', what: '问题类别' };
  const validations = [
    {
      column: columnOf(first.key),
      range: `${LISTS_SHEET}!$A$1:$A$${Math.max(1, choices.length)}`,
      what: first.what,
      enforced: true,
    },
    {
      column: columnOf('unit'),
      range: `${LISTS_SHEET}!$B$1:$B$${Math.max(1, units.length)}`,
      what: ledger === 'clues' ? '被反映单位' : '责任单位',
      enforced: false,
    },
  ];
  for (let n = 1; n <= TEMPLATE_ROWS; n++) {
    const row = sheet.addRow([n]);
    finishDataRow(row, layout);
    for (const v of validations) {
      // 责任单位 may also name several units (牵头、配合): the list is offered, not enforced.
      row.getCell(v.column).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [v.range],
        showErrorMessage: v.enforced,
        errorTitle: v.what,
        error: `请从下拉列表中选择${v.what}`,
      };
    }
  }
  if (typeof target === 'string') await workbook.xlsx.writeFile(target);
  else await workbook.xlsx.write(target);
  return { categories: choices.length, units: units.length };
}
