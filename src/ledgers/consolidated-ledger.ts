import type { Runtime } from '../runtime/runtime';
import { descendantCampaigns } from '../engine/campaign-tree';
import { cellDateOf, calendarDateOf, chineseDate } from './cells';
import type { LedgerLayout } from './layout';
import {
  checkStates,
  forEachNumberedBatch,
  LEDGER_STATES,
  loadCampaign,
  unitNames,
  unitPathOf,
} from './ledger-source';
import { LedgerSheetWriter, type ExportTarget } from './workbook-writer';
import { deadlineCellText, xiningRowOf } from './xining-row';
import type { ExportOptions } from './ledger-export';

/**
 * 汇总台账: the 整改工作台账 of a whole campaign tree (province → city → county) in one sheet, as a provincial
 * office consolidates what its cities and counties report. The Xining columns, with 报送单位 (the unit whose
 * campaign reported the row) and 原序号 (the row's number in that campaign's own ledger) after 序号.
 */
export const consolidatedLedgerLayout: LedgerLayout<
  | 'number'
  | 'reportingUnit'
  | 'ownNumber'
  | 'category'
  | 'manifestation'
  | 'measures'
  | 'unit'
  | 'deadline'
  | 'progress'
  | 'accountability'
> = {
  sheetName: '汇总台账',
  title: '道路交通安全和运输执法领域突出问题整改工作汇总台账',
  columns: [
    { key: 'number', header: '序号', width: 6 },
    { key: 'reportingUnit', header: '报送单位', width: 18 },
    { key: 'ownNumber', header: '原序号', width: 8 },
    { key: 'category', header: '问题类别', width: 14 },
    { key: 'manifestation', header: '具体表现', width: 30 },
    { key: 'measures', header: '整改措施', width: 36 },
    { key: 'unit', header: '责任单位', width: 18 },
    { key: 'deadline', header: '整改时限', width: 16, date: true },
    { key: 'progress', header: '整改进度及可验证成果', width: 40 },
    { key: 'accountability', header: '问责情况', width: 28 },
  ],
};

const CONTEXT_SQL = `jsonb_build_object('confirmation', c -> 'confirmation', 'clue', c -> 'clue', 'ledger', c -> 'ledger',
  'submissions', c -> 'submissions', 'lookBacks', c -> 'lookBacks')`;

/**
 * Exports the 汇总台账 of a campaign and every campaign below it: the campaign's own rows first, then each
 * sub-campaign's (parents before children), each in its own 序号 order, numbered anew. Only items whose
 * current unit lies in `unitId`'s subtree (the reader's) are listed.
 */
export async function exportConsolidatedLedger(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: ExportTarget,
  options: ExportOptions,
): Promise<{ rows: number; campaigns: number }> {
  checkStates(options.states, LEDGER_STATES);
  const root = await loadCampaign(runtime, options.campaignId);
  const below = await runtime.store.transaction((tx) => descendantCampaigns(tx, root.campaignId));
  const tree = [root, ...(await Promise.all(below.map((c) => loadCampaign(runtime, c.campaignId))))];
  const names = await unitNames(runtime);
  const pathPrefix = options.unitId ? await unitPathOf(runtime, options.unitId) : '/';
  const asOf = options.asOf ?? runtime.clock.now().toISOString();
  const writer = new LedgerSheetWriter(target, consolidatedLedgerLayout, {
    dateLabel: chineseDate(calendarDateOf(asOf)),
    issuerName: root.unitName,
  });
  for (const campaign of tree) {
    const filter = { campaignId: campaign.campaignId, states: options.states ?? LEDGER_STATES, pathPrefix };
    await forEachNumberedBatch(runtime, filter, CONTEXT_SQL, (items) => {
      for (const item of items) {
        const values = xiningRowOf(item.number, item.context, campaign.categories, names);
        writer.addRow([
          writer.rows + 1,
          campaign.unitName,
          values.number,
          values.category,
          values.manifestation,
          values.measures,
          values.unit,
          values.deadline?.type === 'date'
            ? cellDateOf(values.deadline.date)
            : deadlineCellText(values.deadline),
          values.progress,
          values.accountability,
        ]);
      }
      options.onProgress?.(writer.rows, null);
    });
  }
  await writer.close();
  return { rows: writer.rows, campaigns: tree.length };
}
