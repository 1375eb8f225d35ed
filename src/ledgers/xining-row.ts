import type { Category } from '../machines/campaign-types';
import type { ItemContext } from '../machines/item-types';
import { calendarDateOf } from './cells';
import { LONG_TERM_LABEL } from './vocabulary';

/** 整改时限 as the sheet shows it: a calendar date, or 长期推进 for long-term items. */
export type DeadlineCell = { type: 'date'; date: string } | { type: 'longTerm'; date: string | null } | null;

/** One row of the 整改工作台账 in sheet terms (labels and names, not ids). */
export interface XiningRowValues {
  number: number;
  category: string;
  manifestation: string;
  measures: string | null;
  unit: string | null;
  deadline: DeadlineCell;
  progress: string | null;
  accountability: string | null;
}

/** Text lines of a multi-line cell, trimmed, without blanks. */
export function cellLines(text: string | null): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * 整改进度及可验证成果: every progress note, every result submitted for acceptance, and the current result
 * of a long-term item, one per line, each line once. Import reads the cell back the same way: lines it
 * does not find here are new progress.
 */
export function progressLines(context: ItemContext): string[] {
  const lines = [
    ...(context.ledger?.progress ?? []).flatMap((p) => cellLines(p.note)),
    ...context.submissions.flatMap((s) => cellLines(s.result)),
    ...cellLines(context.ledger?.longTerm?.currentResult ?? null),
  ];
  return [...new Set(lines)];
}

/** The label of a category code in this campaign (the code itself if the campaign no longer lists it). */
export function categoryLabel(categories: Category[], code: string | null): string {
  return categories.find((c) => c.code === code)?.label ?? code ?? '';
}

/** Maps a confirmed item to its 整改工作台账 row. */
export function xiningRowOf(
  number: number,
  context: ItemContext,
  categories: Category[],
  unitNames: ReadonlyMap<string, string>,
): XiningRowValues {
  const ledger = context.ledger;
  const progress = progressLines(context);
  return {
    number,
    category: categoryLabel(categories, context.confirmation?.category ?? null),
    manifestation: ledger?.manifestation ?? context.clue.description,
    measures: ledger?.measures ?? null,
    unit: ledger ? (unitNames.get(ledger.responsibleUnitId) ?? ledger.responsibleUnitId) : null,
    deadline: !ledger
      ? null
      : ledger.longTerm
        ? { type: 'longTerm', date: null }
        : { type: 'date', date: calendarDateOf(ledger.deadline) },
    progress: progress.length > 0 ? progress.join('\n') : null,
    accountability: ledger?.accountability ?? null,
  };
}

/** The deadline cell as written: a date cell, or the 长期推进 text. */
export function deadlineCellText(deadline: DeadlineCell): string | null {
  return deadline?.type === 'longTerm' ? LONG_TERM_LABEL : null;
}
