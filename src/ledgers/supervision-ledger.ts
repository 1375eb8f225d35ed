import type { Runtime } from '../runtime/runtime';
import { calendarDateOf, cellDateOf, chineseDate } from './cells';
import { forEachBatch, loadCampaign, unitNames, unitPathOf } from './ledger-source';
import { supervisionLedgerLayout } from './vocabulary';
import { LedgerSheetWriter, type ExportTarget, type ProgressListener } from './workbook-writer';

/** Labels of escalation states as the 督办台账 prints them (unknown states print as they are). */
const escalationStateLabels: Record<string, string> = {
  issued: '已下达',
  acknowledged: '已签收',
  responded: '已反馈',
  steppedUp: '已升级',
  lifted: '已解除',
};

type Context = Record<string, unknown>;

/** The first of several context fields that holds text (escalation contexts name some fields differently). */
function pick(context: Context, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = context[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
}

/** 办理情况: responses, follow-ups (督办跟踪), the recorded outcome and the lifting, one per line. */
function handlingOf(context: Context): string | null {
  const lines: string[] = [];
  for (const key of ['responses', 'followUps']) {
    const list = context[key];
    if (Array.isArray(list))
      for (const entry of list) lines.push(pick(entry as Context, 'response', 'note') ?? '');
  }
  const outcome = context.outcome;
  if (outcome && typeof outcome === 'object') lines.push(pick(outcome as Context, 'outcome') ?? '');
  if (typeof context.liftReason === 'string') lines.push(`解除：${context.liftReason}`);
  const kept = lines.filter((l) => l.trim() !== '');
  return kept.length > 0 ? kept.join('\n') : null;
}

function dateCell(instant: string | null): Date | null {
  return instant && !Number.isNaN(Date.parse(instant)) ? cellDateOf(calendarDateOf(instant)) : null;
}

/**
 * Exports the 督办台账 (listed-supervision ledger, seed 001 §5) of a campaign: every escalation stream
 * whose measure is 挂牌督办 (`listed_supervision`), with the supervised item, unit, the rule that issued it,
 * issue date, deadline, handling and state. Escalations are streams of type `escalation`; their context
 * (src/machines/escalation-types.ts) gives the item, unit, rule, reason, respondBy and the follow-up log.
 */
export async function exportSupervisionLedger(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: ExportTarget,
  options: { campaignId: string; unitId?: string; asOf?: string; onProgress?: ProgressListener },
): Promise<{ rows: number }> {
  const campaign = await loadCampaign(runtime, options.campaignId);
  const names = await unitNames(runtime);
  const pathPrefix = options.unitId ? await unitPathOf(runtime, options.unitId) : '/';
  const writer = new LedgerSheetWriter(target, supervisionLedgerLayout, {
    dateLabel: chineseDate(calendarDateOf(options.asOf ?? runtime.clock.now().toISOString())),
    issuerName: campaign.unitName,
  });
  const sql = `
    SELECT e.stream_id, e.state, e.unit_id, e.created_at, e.snapshot->'context' AS context, i.snapshot->'context' AS item
      FROM streams e
      LEFT JOIN streams i ON i.stream_id = e.snapshot #>> '{context,itemId}'
     WHERE e.stream_type = 'escalation' AND e.campaign_id = $1 AND e.snapshot #>> '{context,measure}' = 'listed_supervision'
       AND e.unit_path LIKE $2
     ORDER BY e.created_at, e.stream_id`;
  await forEachBatch(runtime, sql, [campaign.campaignId, `${pathPrefix}%`], 2000, (rows) => {
    for (const row of rows) {
      const context = (row.context ?? {}) as Context;
      const item = (row.item ?? null) as Context | null;
      const unitId = pick(context, 'unitId') ?? String(row.unit_id);
      const ledger = (item?.ledger ?? null) as Context | null;
      const clue = (item?.clue ?? null) as Context | null;
      const rule = pick(context, 'ruleTitle', 'ruleId');
      const ruleVersion = pick(context, 'ruleSetVersion', 'ruleVersion');
      writer.addRow([
        writer.rows + 1,
        (ledger && pick(ledger, 'manifestation')) ??
          (clue && pick(clue, 'description')) ??
          pick(context, 'subject', 'title'),
        names.get(unitId) ?? unitId,
        pick(context, 'reason'),
        rule ? `${rule}${ruleVersion ? ` (v${ruleVersion})` : ''}` : null,
        dateCell(pick(context, 'issuedAt') ?? new Date(row.created_at as string).toISOString()),
        dateCell(pick(context, 'respondBy', 'deadline')),
        handlingOf(context),
        escalationStateLabels[String(row.state)] ?? String(row.state),
      ]);
    }
    options.onProgress?.(writer.rows, null);
  });
  await writer.close();
  return { rows: writer.rows };
}
