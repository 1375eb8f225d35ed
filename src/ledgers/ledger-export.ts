import type { Runtime } from '../runtime/runtime';
import { cellDateOf, calendarDateOf, chineseDate } from './cells';
import {
  checkStates,
  forEachNumberedBatch,
  LEDGER_STATES,
  loadCampaign,
  unitNames,
  unitPathOf,
} from './ledger-source';
import { LedgerSheetWriter, type ExportTarget, type ProgressListener } from './workbook-writer';
import { deadlineCellText, xiningRowOf } from './xining-row';
import { xiningLedgerLayout } from './vocabulary';

/** Which rows an export holds. */
export interface LedgerFilter {
  campaignId: string;
  /** Only items whose current unit lies in this unit's subtree. */
  unitId?: string;
  /** Only items in these states (default: every confirmed state). */
  states?: string[];
}

/** The parts of an item's context the 整改工作台账 shows (`c` is `snapshot -> 'context'`). */
const XINING_CONTEXT_SQL = `jsonb_build_object('confirmation', c -> 'confirmation', 'clue', c -> 'clue', 'ledger', c -> 'ledger',
  'submissions', c -> 'submissions', 'lookBacks', c -> 'lookBacks')`;

export interface ExportOptions extends LedgerFilter {
  /** The date printed under the title (default: the runtime clock's today). */
  asOf?: string;
  onProgress?: ProgressListener;
  batchSize?: number;
}

/**
 * Exports the 整改工作台账 (seed 002 annex 2) of a campaign: title, date and 制定单位 rows, the eight Xining
 * columns, one row per confirmed item ordered by 序号. Streams from a database cursor into a streaming
 * workbook writer.
 */
export async function exportRectificationLedger(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: ExportTarget,
  options: ExportOptions,
): Promise<{ rows: number }> {
  checkStates(options.states, LEDGER_STATES);
  const campaign = await loadCampaign(runtime, options.campaignId);
  const names = await unitNames(runtime);
  const pathPrefix = options.unitId ? await unitPathOf(runtime, options.unitId) : '/';
  const asOf = options.asOf ?? runtime.clock.now().toISOString();
  const writer = new LedgerSheetWriter(target, xiningLedgerLayout, {
    dateLabel: chineseDate(calendarDateOf(asOf)),
    issuerName: campaign.unitName,
  });
  const filter = { campaignId: campaign.campaignId, states: options.states ?? LEDGER_STATES, pathPrefix };
  await forEachNumberedBatch(runtime, filter, XINING_CONTEXT_SQL, (items) => {
    for (const item of items) {
      const values = xiningRowOf(item.number, item.context, campaign.categories, names);
      writer.addRow([
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
        values.person,
        values.remarks,
        values.evidenceFiles,
      ]);
    }
    options.onProgress?.(writer.rows, null);
  });
  await writer.close();
  return { rows: writer.rows };
}
