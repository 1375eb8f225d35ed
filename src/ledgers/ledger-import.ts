import { basename } from 'node:path';
import type { Runtime } from '../runtime/runtime';
import type { Actor } from '../engine/engine';
import { dryRun } from './dry-run';
import { problemAt, type ImportProblem } from './import-problems';
import {
  loadCampaign,
  NUMBERED_ITEMS_SQL,
  queryOf,
  toNumberedItem,
  type NumberedItem,
} from './ledger-source';
import { categoryLookup } from './row-fields';
import { calendarDateOf } from './cells';
import { unitCellResolver, type UnitAliases } from './clerk-units';
import { readFileSync } from 'node:fs';
import { readLedgerFile } from './sheet-reader';
import { xiningLedgerLayout } from './vocabulary';
import type { ProgressListener } from './workbook-writer';
import { planXiningRow, type PlannedCommand, type RowPlan } from './xining-plan';

export interface ImportOptions {
  campaignId: string;
  /** The officer the events are recorded for (provenance). */
  actor: Actor;
  /** Take the rows that pass validation even when others do not (default: a bad row stops the whole sheet). */
  takeGoodRows?: boolean;
  /** Name used in messages (default: the file's base name). */
  fileName?: string;
  onProgress?: ProgressListener;
  /** Rows applied at once (default 8); each row's commands stay in order. */
  concurrency?: number;
  /** The sheet to read (default: the one named 整改工作台账, else the first whose header row matches). */
  sheet?: string;
  /** Names clerks write for units → unit id (besides full names and the short forms read automatically). */
  unitAliases?: UnitAliases;
  /** Check every row (cells, lookups, the machine dry run) and report; write nothing. */
  dryRun?: boolean;
}

/** What an import did, row by row in totals, and every row it could not take. */
export interface ImportReport {
  file: string;
  sheet: string;
  /** Data rows read (template placeholder rows with only a 序号 are not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** False when validation problems kept the whole sheet out. */
  applied: boolean;
  /** Rows refused by validation (including the machine dry run). */
  problems: ImportProblem[];
  /** Rows that passed validation but were refused when applied (a concurrent change, a rule). */
  failures: ImportProblem[];
  /** Footer rows (合计, a merged 备注, 填表人/审核人) that are not data: skipped, with the reason. */
  skipped: Array<{ row: number; reason: string }>;
  /** True for a dry run: the report says what an import would do; nothing was written. */
  dryRun: boolean;
}

/** Rows that share a 序号: every one of them is refused, since none can be matched unambiguously. */
function duplicateNumbers(
  sheet: string,
  rows: Array<{ row: number; cells: { number: { column: string; value: unknown } } }>,
): Map<number, ImportProblem> {
  const byNumber = new Map<string, number[]>();
  for (const r of rows) {
    const key = String(r.cells.number.value ?? '').trim();
    if (key !== '') byNumber.set(key, [...(byNumber.get(key) ?? []), r.row]);
  }
  const problems = new Map<number, ImportProblem>();
  for (const [key, rowNumbers] of byNumber) {
    if (rowNumbers.length < 2) continue;
    for (const row of rowNumbers) {
      const others = rowNumbers.filter((r) => r !== row).join(', ');
      problems.set(row, problemAt(sheet, 'A', row, `duplicated 序号 ${key}: also used in row ${others}`));
    }
  }
  return problems;
}

/**
 * The bureau's unit alias table: a JSON object {"name as written": "unit id"} in the file named by
 * ZHENGZHI_UNIT_ALIASES (read at each import, so an edit takes effect without a restart).
 */
export function unitAliasesFromEnvironment(env: NodeJS.ProcessEnv = process.env): UnitAliases {
  const file = env.ZHENGZHI_UNIT_ALIASES;
  if (!file) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${file}: the unit alias table must be a JSON object {"name": "unit id"}`);
  return parsed as UnitAliases;
}

/** Reads what the planner needs: the campaign, units, principals, and the campaign's numbered items. */
async function planContext(runtime: Runtime, options: ImportOptions, at: string) {
  const campaign = await loadCampaign(runtime, options.campaignId);
  const query = queryOf(runtime);
  const units = await query<{ id: string; name: string }>('SELECT id, name FROM units');
  const principals = await query<{ unit_id: string; display_name: string }>(
    'SELECT unit_id, display_name FROM users WHERE is_principal ORDER BY id',
  );
  const items = await query(NUMBERED_ITEMS_SQL, [campaign.campaignId]);
  const existing = new Map<number, NumberedItem>(
    items.map((row) => [Number(row.number), toNumberedItem(row)]),
  );
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const principal = new Map<string, string>();
  for (const p of principals) if (!principal.has(p.unit_id)) principal.set(p.unit_id, p.display_name);
  return {
    campaign,
    findCategory: categoryLookup(campaign.categories),
    findUnits: unitCellResolver(units, options.unitAliases ?? unitAliasesFromEnvironment()),
    // 9月30日前 has no year: the campaign's (its rectify deadline's year, else the import's).
    campaignYear: Number(calendarDateOf(campaign.rectifyDeadline ?? at).slice(0, 4)),
    responsiblePersonOf: (unitId: string) => principal.get(unitId) ?? unitName.get(unitId) ?? unitId,
    existing,
    at,
    officerId: options.actor.userId,
  };
}

async function applyPlan(
  runtime: Runtime,
  plan: Exclude<RowPlan, { kind: 'unchanged' }>,
  actor: Actor,
  at: string,
): Promise<void> {
  let streamId: string;
  let version: number;
  if (plan.kind === 'create') {
    const created = await runtime.engine.create('item', plan.input, actor, { at });
    [streamId, version] = [created.streamId, created.version];
  } else {
    [streamId, version] = [plan.item.streamId, plan.item.version];
  }
  for (const planned of plan.commands) {
    // The expected version pins each command to the state the dry run saw: a concurrent change fails the row.
    const result = await runtime.engine.execute(streamId, planned.command, actor, {
      expectedVersion: version,
      at,
    });
    version = result.version;
  }
}

function columnOf(error: unknown, plan: Exclude<RowPlan, { kind: 'unchanged' }>): PlannedCommand['column'] {
  return (error as { column?: string }).column ?? plan.commands[0]?.column ?? 'A';
}

/**
 * Imports a 整改工作台账 into a campaign through the engine: rows are matched to items by 序号, new rows
 * register items and drive them through verification, confirmation and rectification; changed cells
 * become UPDATE_LEDGER, EXTEND_DEADLINE, RECORD_PROGRESS, MARK_LONG_TERM or RECORD_ACCOUNTABILITY events.
 * Every row is validated (cells, lookups, duplicates, then a dry run through the pure machine) before
 * anything is written; by default one bad row keeps the whole sheet out.
 */
export async function importRectificationLedger(
  runtime: Runtime,
  source: string | Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  const file = options.fileName ?? (typeof source === 'string' ? basename(source) : 'upload.xlsx');
  const at = runtime.clock.now().toISOString();
  const read = await readLedgerFile(source, xiningLedgerLayout, file, undefined, { sheet: options.sheet });
  const report: ImportReport = {
    file,
    sheet: read.sheet,
    rows: read.rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    applied: false,
    problems: [],
    failures: [],
    skipped: read.skipped,
    dryRun: options.dryRun === true,
  };
  if (read.headerProblems.length > 0) return { ...report, problems: read.headerProblems };
  const context = await planContext(runtime, options, at);
  const duplicates = duplicateNumbers(read.sheet, read.rows);
  const plans: RowPlan[] = [];
  for (const row of read.rows) {
    const duplicate = duplicates.get(row.row);
    const { plan, problems } = planXiningRow(read.sheet, row, context);
    const rowProblems = duplicate ? [duplicate, ...problems.filter((p) => p.column !== 'A')] : problems;
    if (rowProblems.length > 0 || !plan) {
      report.problems.push(...rowProblems);
      continue;
    }
    if (plan.kind !== 'unchanged') {
      const begin =
        plan.kind === 'create'
          ? { input: plan.input }
          : { snapshot: plan.item.snapshot, machineVersion: plan.item.machineVersion };
      const refusal = dryRun(read.sheet, row.row, begin, plan.commands, at);
      if (refusal) {
        report.problems.push(refusal);
        continue;
      }
    }
    plans.push(plan);
  }
  if (report.problems.length > 0 && !options.takeGoodRows) return report;
  if (options.dryRun) {
    for (const plan of plans)
      report[plan.kind === 'create' ? 'created' : plan.kind === 'update' ? 'updated' : 'unchanged'] += 1;
    return report;
  }
  report.applied = true;
  // Rows are independent streams: apply them on a few workers (the engine serialises per stream itself).
  let done = 0;
  let next = 0;
  const work = plans.filter(
    (plan): plan is Exclude<RowPlan, { kind: 'unchanged' }> => plan.kind !== 'unchanged',
  );
  report.unchanged = plans.length - work.length;
  const worker = async () => {
    while (next < work.length) {
      const plan = work[next++]!;
      try {
        await applyPlan(runtime, plan, options.actor, at);
        report[plan.kind === 'create' ? 'created' : 'updated'] += 1;
      } catch (error) {
        report.failures.push(
          problemAt(read.sheet, columnOf(error, plan), plan.row, `not applied: ${(error as Error).message}`),
        );
      }
      done += 1;
      if (done % 500 === 0 || done === work.length) options.onProgress?.(done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  report.failures.sort((a, b) => a.row - b.row);
  return report;
}
