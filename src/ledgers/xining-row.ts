import type { Category } from '../machines/campaign-types';
import { isEvidenceFile, type ItemContext } from '../machines/item-types';
import { calendarDateOf } from './cells';
import { LONG_TERM_LABEL } from './vocabulary';

/** The current result a long-term row imported with a blank progress cell records. */
export const LONG_TERM_PLACEHOLDER = '长期推进中';

/**
 * 整改时限 as the sheet shows it: what the clerk typed when the import kept it (9月30日前, 立行立改,
 * 2023年9月30日前完成，长期推进), else a calendar date, or 长期推进 for long-term items.
 */
export type DeadlineCell =
  | { type: 'date'; date: string }
  | { type: 'longTerm'; date: string | null }
  | { type: 'text'; text: string }
  | null;

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
  person: string | null;
  remarks: string | null;
  /** Stored evidence files cited by the item's progress records and submissions (distinct). */
  evidenceFiles: number;
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
    // A long-term row imported with a blank progress cell recorded a placeholder: it goes back blank.
    ...cellLines(context.ledger?.longTerm?.currentResult ?? null).filter((l) => l !== LONG_TERM_PLACEHOLDER),
    // A closed item looked at again says so: 回头看, and 反弹 when the problem came back.
    ...(context.lookBacks ?? []).map(lookBackLine),
  ];
  return [...new Set(lines)];
}

const LOOK_BACK_OUTCOME = {
  started: '开展回头看',
  passed: '回头看通过',
  rebound: '问题反弹（反弹），重新整改',
} as const;

/** One look-back as a line of 整改进度: `2023-06-01 回头看通过：note`. */
function lookBackLine(lookBack: ItemContext['lookBacks'][number]): string {
  const note = lookBack.note.trim().replace(/\s*\n\s*/g, ' ');
  return `${calendarDateOf(lookBack.at)} ${LOOK_BACK_OUTCOME[lookBack.outcome]}${note ? `：${note}` : ''}`;
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
    unit: ledger ? unitCellOf(ledger, unitNames) : null,
    deadline: !ledger
      ? null
      : ledger.deadlineText
        ? { type: 'text', text: ledger.deadlineText }
        : ledger.longTerm
          ? { type: 'longTerm', date: null }
          : { type: 'date', date: calendarDateOf(ledger.deadline) },
    progress: progress.length > 0 ? progress.join('\n') : null,
    accountability: ledger?.accountability ?? null,
    person: ledger?.responsiblePerson ?? null,
    remarks: ledger?.remarks ?? null,
    evidenceFiles: evidenceFileCount(context),
  };
}

/** The deadline cell as written: the clerk's own text, or the 长期推进 text (a date goes in a date cell). */
export function deadlineCellText(deadline: DeadlineCell): string | null {
  if (deadline?.type === 'text') return deadline.text;
  return deadline?.type === 'longTerm' ? LONG_TERM_LABEL : null;
}

/** 责任单位 as the clerk writes several: the lead marked （牵头）, then the co-operating units, joined by 、. */
function unitCellOf(
  ledger: NonNullable<ItemContext['ledger']>,
  unitNames: ReadonlyMap<string, string>,
): string {
  const name = (id: string) => unitNames.get(id) ?? id;
  const co = ledger.coUnitIds ?? [];
  if (co.length === 0) return name(ledger.responsibleUnitId);
  return [`${name(ledger.responsibleUnitId)}（牵头）`, ...co.map(name)].join('、');
}

/** Distinct stored files (not plain names) that the item's progress records and submissions cite. */
function evidenceFileCount(context: {
  ledger?: { progress?: Array<{ evidence?: unknown[] }> } | null;
  submissions?: Array<{ evidence?: unknown[] }>;
}): number {
  const cited = [...(context.ledger?.progress ?? []), ...(context.submissions ?? [])].flatMap(
    (s) => s.evidence ?? [],
  );
  return new Set(cited.filter(isEvidenceFile).map((e) => e.sha256)).size;
}
