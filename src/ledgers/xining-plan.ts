import type { Category } from '../machines/campaign-types';
import type { ItemContext } from '../machines/item-types';
import { calendarDateOf, endOfDayInstant } from './cells';
import type { ImportProblem } from './import-problems';
import type { CampaignInfo, NumberedItem } from './ledger-source';
import { RowReader, describe, type categoryLookup } from './row-fields';
import { readClerkDeadline } from './clerk-dates';
import type { unitCellResolver } from './clerk-units';
import type { SheetCell, SheetRow } from './sheet-reader';
import { cellLines, LONG_TERM_PLACEHOLDER, progressLines } from './xining-row';
import type { xiningLedgerLayout } from './vocabulary';

type XiningKey = (typeof xiningLedgerLayout.columns)[number]['key'];

/** A command an import row turns into, with the column it came from (where a refusal is reported). */
export interface PlannedCommand {
  column: string;
  command: Record<string, unknown> & { type: string };
}

/** What one sheet row asks of the engine. */
export type RowPlan =
  | {
      kind: 'create';
      row: number;
      number: number;
      input: Record<string, unknown>;
      commands: PlannedCommand[];
    }
  | { kind: 'update'; row: number; number: number; item: NumberedItem; commands: PlannedCommand[] }
  | { kind: 'unchanged'; row: number; number: number; item: NumberedItem };

/** Everything the planner looks up, read once before any row is planned. */
export interface PlanContext {
  campaign: CampaignInfo;
  findCategory: ReturnType<typeof categoryLookup>;
  /** 责任单位 as written: full names, short names, aliases, a lead unit and co-operating units. */
  findUnits: ReturnType<typeof unitCellResolver>;
  /** The year dates without one (9月30日前) belong to: the campaign's. */
  campaignYear: number;
  /** Who answers for a unit's rectification when a new row names only the unit (its principal, else the unit). */
  responsiblePersonOf(unitId: string): string;
  existing: ReadonlyMap<number, NumberedItem>;
  /** The instant every imported event carries, and the importing officer. */
  at: string;
  officerId: string;
}

const VERIFICATION_DAYS = 7;
const IMPORT_REASON = '整改工作台账导入';

/** The cells of a row, read and checked. */
interface RowFields {
  number: number;
  category: Category;
  manifestation: string;
  rectification: {
    measures: string;
    unitId: string;
    coUnitIds: string[];
    deadline: { longTerm: boolean; date: string | null; text: string | null };
  } | null;
  progress: string[];
  accountability: string | null;
  person: string | null;
  remarks: string | null;
}

function readRow(
  sheet: string,
  row: SheetRow<XiningKey>,
  context: PlanContext,
): { fields: RowFields | null; problems: ImportProblem[] } {
  const reader = new RowReader(sheet, row.row);
  const c = row.cells;
  const number = reader.positiveInteger(c.number, '序号');
  const categoryText = reader.text(c.category, '问题类别', true);
  let category: Category | null = null;
  if (categoryText !== null) {
    category = context.findCategory(categoryText) ?? null;
    if (!category) {
      const known = context.campaign.categories.map((k) => `${k.label} (${k.code})`).join(', ');
      reader.problem(
        c.category,
        `unknown category ${JSON.stringify(categoryText)}; this campaign's categories are ${known}`,
      );
    }
  }
  const manifestation = reader.text(c.manifestation, '具体表现', true);
  const rectificationCells: SheetCell[] = [c.measures, c.unit, c.deadline];
  const wantsRectification = rectificationCells.some((cell) => cell.value !== null);
  let rectification: RowFields['rectification'] = null;
  if (wantsRectification) {
    const measures = reader.text(c.measures, '整改措施', true);
    const unitName = reader.text(c.unit, '责任单位', true);
    let units: { leadId: string; coIds: string[] } | null = null;
    if (unitName !== null) {
      const found = context.findUnits(unitName);
      if ('problem' in found) reader.problem(c.unit, found.problem);
      else units = found;
    }
    const deadline = readDeadlineCell(reader, c.deadline, context);
    if (measures !== null && units !== null && deadline !== null)
      rectification = { measures, unitId: units.leadId, coUnitIds: units.coIds, deadline };
  }
  const progress = cellLines(reader.text(c.progress, '整改进度及可验证成果', false));
  const accountability = reader.text(c.accountability, '问责情况', false);
  const person = reader.text(c.person, '责任人', false);
  const remarks = reader.text(c.remarks, '备注', false);
  if (!wantsRectification) {
    if (progress.length > 0)
      reader.problem(c.progress, 'progress needs a ledger row: fill 整改措施, 责任单位 and 整改时限 too');
    if (accountability !== null)
      reader.problem(
        c.accountability,
        'accountability needs a ledger row: fill 整改措施, 责任单位 and 整改时限 too',
      );
  }
  if (reader.problems.length > 0 || number === null || category === null || manifestation === null)
    return { fields: null, problems: reader.problems };
  return {
    fields: { number, category, manifestation, rectification, progress, accountability, person, remarks },
    problems: [],
  };
}

/** 整改时限 as written (see ./clerk-dates): a date, 立行立改, or 长期推进 with or without a date. */
function readDeadlineCell(
  reader: RowReader,
  cell: SheetCell,
  context: PlanContext,
): { longTerm: boolean; date: string | null; text: string | null } | null {
  const read = readClerkDeadline(cell.value, context.campaignYear, calendarDateOf(context.at));
  if (read === null) return reader.problem(cell, '整改时限 is required (missing cell)');
  if (read === 'invalid')
    return reader.problem(cell, `整改时限 ${describe(cell.value)} is not a real calendar date`);
  if (read === 'unreadable')
    return reader.problem(
      cell,
      `整改时限 must be a date such as 2023-09-30, 2023年9月30日, 9月30日前, 2023年9月底, 立行立改 or 长期推进, found ${describe(cell.value)}`,
    );
  return { longTerm: read.kind === 'longTerm', date: read.date, text: read.text };
}

function plusDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * 86_400_000).toISOString();
}

/** Commands that take an item from its current state to the row (create when `item` is null). */
function commandsFor(
  sheet: string,
  row: SheetRow<XiningKey>,
  f: RowFields,
  item: ItemContext | null,
  state: string,
  context: PlanContext,
): { commands: PlannedCommand[]; problems: ImportProblem[] } {
  const reader = new RowReader(sheet, row.row);
  const c = row.cells;
  const commands: PlannedCommand[] = [];
  const add = (cell: SheetCell, command: PlannedCommand['command']) =>
    commands.push({ column: cell.column, command });
  if (['dismissed', 'dismissalPending', 'transferred'].includes(state)) {
    reader.problem(
      c.number,
      `序号 ${f.number} is an item that was ${state}; it is not on the rectification ledger`,
    );
    return { commands, problems: reader.problems };
  }
  const unitForVerification = f.rectification?.unitId ?? context.campaign.unitId;
  if (state === 'registered') {
    add(c.number, {
      type: 'ASSIGN_VERIFICATION',
      unitId: unitForVerification,
      officerId: context.officerId,
      deadline: plusDays(context.at, VERIFICATION_DAYS),
    });
  }
  if (state === 'registered' || state === 'verifying') {
    add(c.category, {
      type: 'CONFIRM',
      category: f.category.code,
      severity: 'general',
      findings: f.manifestation,
    });
  } else if (item?.confirmation && item.confirmation.category !== f.category.code) {
    reader.problem(
      c.category,
      `the category cannot change after confirmation: item ${f.number} was confirmed as ${item.confirmation.category}`,
    );
  }
  const ledger = item?.ledger ?? null;
  const r = f.rectification;
  if (!r) {
    if (ledger)
      reader.problem(c.measures, '整改措施 is required (missing cell): the item already has a ledger row');
    else if (item && f.manifestation !== item.clue.description) {
      reader.problem(
        c.manifestation,
        '具体表现 can change only once the item has a ledger row: fill 整改措施, 责任单位 and 整改时限',
      );
    }
    return { commands, problems: reader.problems };
  }
  if (!ledger) {
    const date =
      r.deadline.date ??
      (context.campaign.rectifyDeadline ? calendarDateOf(context.campaign.rectifyDeadline) : null);
    if (date === null) {
      reader.problem(
        c.deadline,
        '长期推进 needs a start deadline: write a date (e.g. 2023年9月30日前，长期推进) or set the campaign rectify deadline',
      );
      return { commands, problems: reader.problems };
    }
    add(c.measures, {
      type: 'START_RECTIFICATION',
      manifestation: f.manifestation,
      measures: r.measures,
      responsibleUnitId: r.unitId,
      responsiblePerson: f.person ?? context.responsiblePersonOf(r.unitId),
      deadline: endOfDayInstant(date),
      ...(r.coUnitIds.length ? { coUnitIds: r.coUnitIds } : {}),
      ...(f.remarks ? { remarks: f.remarks } : {}),
      ...(r.deadline.text ? { deadlineText: r.deadline.text } : {}),
    });
  } else {
    const changes: Record<string, string> = {};
    const changedCells: SheetCell[] = [];
    if (f.manifestation !== ledger.manifestation) {
      changes.manifestation = f.manifestation;
      changedCells.push(c.manifestation);
    }
    if (r.measures !== ledger.measures) {
      changes.measures = r.measures;
      changedCells.push(c.measures);
    }
    if (r.unitId !== ledger.responsibleUnitId) {
      changes.responsibleUnitId = r.unitId;
      changes.responsiblePerson = f.person ?? context.responsiblePersonOf(r.unitId);
      changedCells.push(c.unit);
    } else if (f.person !== null && f.person !== ledger.responsiblePerson) {
      changes.responsiblePerson = f.person;
      changedCells.push(c.person);
    }
    const extra: Record<string, unknown> = {};
    if (r.coUnitIds.join() !== (ledger.coUnitIds ?? []).join()) {
      extra.coUnitIds = r.coUnitIds;
      changedCells.push(c.unit);
    }
    if (f.remarks !== null && f.remarks !== (ledger.remarks ?? null)) {
      extra.remarks = f.remarks;
      changedCells.push(c.remarks);
    }
    if (changedCells[0]) add(changedCells[0], { type: 'UPDATE_LEDGER', ...changes, ...extra });
    if (ledger.longTerm && !r.deadline.longTerm) {
      reader.problem(
        c.deadline,
        'the item is carried into long-term rectification (长期推进); a date cannot replace that',
      );
    } else if (!ledger.longTerm && !r.deadline.longTerm && r.deadline.date) {
      const current = calendarDateOf(ledger.deadline);
      if (r.deadline.date > current)
        add(c.deadline, {
          type: 'EXTEND_DEADLINE',
          deadline: endOfDayInstant(r.deadline.date),
          reason: IMPORT_REASON,
        });
      else if (r.deadline.date < current)
        reader.problem(
          c.deadline,
          `the deadline can only be extended (now ${current}), not brought forward to ${r.deadline.date}`,
        );
    }
  }
  const known = new Set(item ? progressLines(item) : []);
  const newLines = f.progress.filter((line) => !known.has(line));
  if (newLines.length > 0) add(c.progress, { type: 'RECORD_PROGRESS', note: newLines.join('\n') });
  if (r.deadline.longTerm && !ledger?.longTerm) {
    add(c.deadline, {
      type: 'MARK_LONG_TERM',
      currentResult: f.progress.join('\n') || LONG_TERM_PLACEHOLDER,
      longTermMeasures: r.measures,
    });
  }
  if (f.accountability !== null && f.accountability !== (ledger?.accountability ?? null)) {
    add(c.accountability, { type: 'RECORD_ACCOUNTABILITY', accountability: f.accountability });
  }
  return { commands, problems: reader.problems };
}

/** Reads one row and plans the commands it needs; problems instead of a plan when it cannot be taken. */
export function planXiningRow(
  sheet: string,
  row: SheetRow<XiningKey>,
  context: PlanContext,
): { plan: RowPlan | null; problems: ImportProblem[] } {
  const { fields, problems } = readRow(sheet, row, context);
  if (!fields) return { plan: null, problems };
  const item = context.existing.get(fields.number) ?? null;
  const planned = commandsFor(
    sheet,
    row,
    fields,
    item?.context ?? null,
    item?.state ?? 'registered',
    context,
  );
  if (planned.problems.length > 0) return { plan: null, problems: planned.problems };
  if (item) {
    return planned.commands.length === 0
      ? { plan: { kind: 'unchanged', row: row.row, number: fields.number, item }, problems: [] }
      : {
          plan: { kind: 'update', row: row.row, number: fields.number, item, commands: planned.commands },
          problems: [],
        };
  }
  const input = {
    campaignId: context.campaign.campaignId,
    reportedUnitId: fields.rectification?.unitId ?? context.campaign.unitId,
    source: 'other',
    channel: IMPORT_REASON,
    description: fields.manifestation,
    receivedAt: context.at,
    ledgerNumber: fields.number,
  };
  return {
    plan: { kind: 'create', row: row.row, number: fields.number, input, commands: planned.commands },
    problems: [],
  };
}
