import { basename } from 'node:path';
import type { Runtime } from '../runtime/runtime';
import type { Actor } from '../engine/engine';
import { currentDefinition } from '../machines/registry';
import { start } from '../machines/step';
import { calendarDateOf, cellDateOf, chineseDate } from './cells';
import { problemAt, type ImportProblem } from './import-problems';
import {
  checkStates,
  forEachNumberedBatch,
  loadCampaign,
  NUMBERED_ITEMS_SQL,
  queryOf,
  toNumberedItem,
  unitNames,
  unitPathOf,
  type NumberedItem,
} from './ledger-source';
import { normaliseLabel, RowReader, unitLookup } from './row-fields';
import { readLedgerFile, type SheetRow } from './sheet-reader';
import { codeFor, codesOf, labelOf } from '../vocabulary/labels';
import { clueLedgerLayout } from './vocabulary';
import { LedgerSheetWriter, type ExportTarget, type ProgressListener } from './workbook-writer';
import type { ClueSource, ItemContext } from '../machines/item-types';

type ClueKey = (typeof clueLedgerLayout.columns)[number]['key'];

const ITEM_STATES: string[] = codesOf('itemState');

/** The 核查情况 column: the verification findings, the dismissal reason or the transfer. */
function outcomeOf(context: ItemContext): string | null {
  if (context.transfer) return `移送${context.transfer.to}：${context.transfer.reason}`;
  if (context.dismissal) return `查否：${context.dismissal.reason}`;
  return context.confirmation?.findings ?? null;
}

/**
 * Exports the 线索台账 (Jiangyuan annex 3) of a campaign: every registered clue with its source, channel,
 * reported unit, received date, verifying unit, outcome and state, ordered by 序号.
 */
export async function exportClueLedger(
  runtime: Pick<Runtime, 'database' | 'store' | 'clock'>,
  target: ExportTarget,
  options: {
    campaignId: string;
    unitId?: string;
    states?: string[];
    asOf?: string;
    onProgress?: ProgressListener;
  },
): Promise<{ rows: number }> {
  checkStates(options.states, ITEM_STATES);
  const campaign = await loadCampaign(runtime, options.campaignId);
  const names = await unitNames(runtime);
  const pathPrefix = options.unitId ? await unitPathOf(runtime, options.unitId) : '/';
  const writer = new LedgerSheetWriter(target, clueLedgerLayout, {
    dateLabel: chineseDate(calendarDateOf(options.asOf ?? runtime.clock.now().toISOString())),
    issuerName: campaign.unitName,
  });
  const filter = { campaignId: campaign.campaignId, states: options.states ?? ITEM_STATES, pathPrefix };
  const contextSql = `jsonb_build_object('clue', c -> 'clue', 'reportedUnitId', c -> 'reportedUnitId', 'verification',
    c -> 'verification', 'transfer', c -> 'transfer', 'dismissal', c -> 'dismissal', 'confirmation', c -> 'confirmation')`;
  await forEachNumberedBatch(runtime, filter, contextSql, (items) => {
    for (const { number, context, state } of items) {
      const verifier = context.verification?.unitId;
      writer.addRow([
        number,
        labelOf('channel', context.clue.source),
        context.clue.channel,
        names.get(context.reportedUnitId) ?? context.reportedUnitId,
        context.clue.description,
        cellDateOf(calendarDateOf(context.clue.receivedAt)),
        verifier ? (names.get(verifier) ?? verifier) : null,
        outcomeOf(context),
        labelOf('itemState', state),
      ]);
    }
    options.onProgress?.(writer.rows, null);
  });
  await writer.close();
  return { rows: writer.rows };
}

interface ClueFields {
  number: number;
  source: ClueSource;
  channel: string | null;
  reportedUnitId: string;
  description: string;
  receivedDate: string;
}

function readClueRow(
  sheet: string,
  row: SheetRow<ClueKey>,
  findUnit: ReturnType<typeof unitLookup>,
): { fields: ClueFields | null; problems: ImportProblem[] } {
  const reader = new RowReader(sheet, row.row);
  const c = row.cells;
  const number = reader.positiveInteger(c.number, '序号');
  const sourceText = reader.text(c.source, '线索来源', true);
  const source =
    sourceText === null
      ? null
      : ((codeFor('channel', normaliseLabel(sourceText)) as ClueSource | undefined) ?? null);
  if (sourceText !== null && source === null) {
    reader.problem(
      c.source,
      `unknown clue source ${JSON.stringify(sourceText)}; known: ${codesOf('channel')
        .map((c) => labelOf('channel', c))
        .join('、')}`,
    );
  }
  const channel = reader.text(c.channel, '反映渠道', false);
  const unitName = reader.text(c.unit, '被反映单位', true);
  let reportedUnitId: string | null = null;
  if (unitName !== null) {
    const found = findUnit(unitName);
    if (!found) reader.problem(c.unit, `unknown unit ${JSON.stringify(unitName)}: no unit has this name`);
    else if ('ambiguous' in found)
      reader.problem(
        c.unit,
        `unit name ${JSON.stringify(unitName)} is ambiguous: units ${found.ambiguous.join(', ')}`,
      );
    else reportedUnitId = found.id;
  }
  const description = reader.text(c.description, '问题线索', true);
  const receivedDate = reader.date(c.receivedAt, '收到时间', true);
  if (
    number === null ||
    source === null ||
    reportedUnitId === null ||
    description === null ||
    receivedDate === null ||
    reader.problems.length > 0
  ) {
    return { fields: null, problems: reader.problems };
  }
  return { fields: { number, source, channel, reportedUnitId, description, receivedDate }, problems: [] };
}

/** Registration cells that differ from the registered clue (a registration is the first event: it cannot change). */
function registrationDifferences(
  sheet: string,
  row: SheetRow<ClueKey>,
  f: ClueFields,
  item: NumberedItem,
): ImportProblem[] {
  const clue = item.context.clue;
  const checks: Array<[boolean, ClueKey, string]> = [
    [f.source === clue.source, 'source', '线索来源'],
    [(f.channel ?? null) === (clue.channel ?? null), 'channel', '反映渠道'],
    [f.reportedUnitId === item.context.reportedUnitId, 'unit', '被反映单位'],
    [f.description === clue.description, 'description', '问题线索'],
    [f.receivedDate === calendarDateOf(clue.receivedAt), 'receivedAt', '收到时间'],
  ];
  return checks
    .filter(([same]) => !same)
    .map(([, key, header]) =>
      problemAt(
        sheet,
        row.cells[key].column,
        row.row,
        `序号 ${f.number} is already registered with a different ${header}; a registered clue cannot be edited by import`,
      ),
    );
}

export interface ClueImportReport {
  file: string;
  sheet: string;
  rows: number;
  created: number;
  unchanged: number;
  applied: boolean;
  problems: ImportProblem[];
  failures: ImportProblem[];
  /** True for a dry run: the report says what an import would do; nothing was written. */
  dryRun: boolean;
}

/**
 * Imports a 线索台账 (Jiangyuan annex 3): each new 序号 registers a clue (REGISTER through the engine, with
 * the row's source, channel, reported unit, description and received date); a 序号 already registered
 * with the same cells is left alone. Columns 核查单位, 核查情况 and 办理状态 are output only. Validation as for
 * the 整改工作台账: every row is checked first and a bad row keeps the sheet out unless `takeGoodRows`.
 */
export async function importClueLedger(
  runtime: Runtime,
  source: string | Buffer,
  options: {
    campaignId: string;
    actor: Actor;
    takeGoodRows?: boolean;
    fileName?: string;
    onProgress?: ProgressListener;
    /** The sheet to read (default: 线索台账, else the first whose header row matches). */
    sheet?: string;
    /** Check every row and report; register nothing. */
    dryRun?: boolean;
  },
): Promise<ClueImportReport> {
  const file = options.fileName ?? (typeof source === 'string' ? basename(source) : 'upload.xlsx');
  const at = runtime.clock.now().toISOString();
  const read = await readLedgerFile(source, clueLedgerLayout, file, undefined, { sheet: options.sheet });
  const report: ClueImportReport = {
    file,
    sheet: read.sheet,
    rows: read.rows.length,
    created: 0,
    unchanged: 0,
    applied: false,
    problems: [],
    failures: [],
    dryRun: options.dryRun === true,
  };
  if (read.headerProblems.length > 0) return { ...report, problems: read.headerProblems };
  const campaign = await loadCampaign(runtime, options.campaignId);
  const query = queryOf(runtime);
  const findUnit = unitLookup(await query<{ id: string; name: string }>('SELECT id, name FROM units'));
  const existing = new Map(
    (await query(NUMBERED_ITEMS_SQL, [campaign.campaignId])).map((r) => [
      Number(r.number),
      toNumberedItem(r),
    ]),
  );
  const seen = new Map<number, number>();
  const inputs: Array<{ row: number; input: Record<string, unknown> }> = [];
  for (const row of read.rows) {
    const { fields, problems } = readClueRow(read.sheet, row, findUnit);
    if (!fields) {
      report.problems.push(...problems);
      continue;
    }
    const earlier = seen.get(fields.number);
    if (earlier !== undefined) {
      report.problems.push(
        problemAt(
          read.sheet,
          row.cells.number.column,
          row.row,
          `duplicated 序号 ${fields.number}: also used in row ${earlier}`,
        ),
      );
      continue;
    }
    seen.set(fields.number, row.row);
    const item = existing.get(fields.number);
    if (item) {
      const differences = registrationDifferences(read.sheet, row, fields, item);
      if (differences.length > 0) report.problems.push(...differences);
      else report.unchanged += 1;
      continue;
    }
    const input = {
      campaignId: campaign.campaignId,
      reportedUnitId: fields.reportedUnitId,
      source: fields.source,
      ...(fields.channel ? { channel: fields.channel } : {}),
      description: fields.description,
      receivedAt: new Date(`${fields.receivedDate}T00:00:00+08:00`).toISOString(),
      ledgerNumber: fields.number,
    };
    const started = start(currentDefinition('item'), { ...input, itemId: `dry-run-row-${row.row}`, at });
    if (!started.ok) report.problems.push(problemAt(read.sheet, 'A', row.row, started.rejection.message));
    else inputs.push({ row: row.row, input });
  }
  if (report.problems.length > 0 && !options.takeGoodRows) return { ...report, unchanged: 0 };
  // A dry run reports what would be registered and writes nothing.
  if (options.dryRun) return { ...report, created: inputs.length };
  report.applied = true;
  for (const [index, { row, input }] of inputs.entries()) {
    try {
      await runtime.engine.create('item', input, options.actor, { at });
      report.created += 1;
    } catch (error) {
      report.failures.push(problemAt(read.sheet, 'A', row, `not applied: ${(error as Error).message}`));
    }
    if ((index + 1) % 500 === 0 || index + 1 === inputs.length)
      options.onProgress?.(index + 1, inputs.length);
  }
  return report;
}
