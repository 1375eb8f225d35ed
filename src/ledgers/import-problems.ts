import { ErrorCode, ZhengzhiError } from '../shared/errors';

/** One row (or header cell) an import could not take, located the way a spreadsheet user finds it. */
export interface ImportProblem {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  /** Column letter (A…). */
  column: string;
  /** Excel address, e.g. F7. */
  cell: string;
  reason: string;
}

/**
 * Import reasons in Chinese: one table of the reasons the ledger readers give (row-fields.ts, xining-plan.ts,
 * clue-ledger.ts, sheet-match.ts, sheet-reader.ts, ledger-import.ts), matched by their English form — the
 * form stored in reports and tests — and rewritten with the same cell values and names. A reason not in the
 * table (a machine guard's words after `not applied:`) keeps its English text after the Chinese prefix.
 */
const REASONS_ZH: ReadonlyArray<readonly [RegExp, (...groups: string[]) => string]> = [
  [
    /^(.+) is required \(missing cell\): the item already has a ledger row$/s,
    (h) => `${h}为必填项（单元格为空）：该事项已有台账行`,
  ],
  [/^(.+) is required \(missing cell\)$/s, (h) => `${h}为必填项（单元格为空）`],
  [/^(.+) must be a positive whole number, found (.+)$/s, (h, v) => `${h}须为正整数，实际为 ${v}`],
  [/^(.+?) (.+) is not a real calendar date$/s, (h, v) => `${h} ${v} 不是真实的日历日期`],
  [
    /^(.+) must be a date such as (.+), found (.+)$/s,
    (h, forms, v) => `${h}须为日期，例如 ${forms.replace(/,? or /g, '、').replace(/, /g, '、')}，实际为 ${v}`,
  ],
  [
    /^unknown category (.+); this campaign's categories are (.+)$/s,
    (v, known) => `未知的问题类别 ${v}；本专项行动的类别为 ${known}`,
  ],
  [/^unknown clue source (.+); known: (.+)$/s, (v, known) => `未知的线索来源 ${v}；可选：${known}`],
  [/^unknown unit (.+): no unit has this name$/s, (v) => `未知单位 ${v}：没有这个名称的单位`],
  [/^unit name (.+) is ambiguous: units (.+)$/s, (v, ids) => `单位名称 ${v} 有歧义：对应单位 ${ids}`],
  [/^duplicated 序号 (.+): also used in rows? (.+)$/s, (n, rows) => `序号 ${n} 重复：第 ${rows} 行也使用了`],
  [/^column (.+) appears twice$/s, (c) => `列 ${c} 出现了两次`],
  [/^unexpected column (.+); expected (.+)$/s, (c, e) => `意外的列 ${c}；应为 ${e}`],
  [/^header row not found in rows 1–10: expected (.+)$/s, (e) => `第 1–10 行中找不到表头：应为 ${e}`],
  [
    /^(progress|accountability) needs a ledger row: fill 整改措施, 责任单位 and 整改时限 too$/s,
    (what) =>
      `${what === 'progress' ? '整改进度' : '问责情况'}需要台账行：请同时填写整改措施、责任单位和整改时限`,
  ],
  [
    /^具体表现 can change only once the item has a ledger row: fill 整改措施, 责任单位 and 整改时限$/s,
    () => '事项有台账行后才能修改具体表现：请填写整改措施、责任单位和整改时限',
  ],
  [
    /^the category cannot change after confirmation: item (.+) was confirmed as (.+)$/s,
    (n, c) => `查实后问题类别不能再改：第 ${n} 号事项已按 ${c} 查实`,
  ],
  [
    /^the deadline can only be extended \(now (.+)\), not brought forward to (.+)$/s,
    (now, to) => `整改时限只能延后（现为 ${now}），不能提前到 ${to}`,
  ],
  [
    /^the item is carried into long-term rectification \(长期推进\); a date cannot replace that$/s,
    () => '该事项已转入长期推进，不能用日期代替',
  ],
  [
    /^长期推进 needs a start deadline: (.+)$/s,
    () => '长期推进需要起始时限：请写日期（如 2023年9月30日前，长期推进）或设置专项行动的集中整治时限',
  ],
  [
    /^序号 (.+) is already registered with a different (.+); a registered clue cannot be edited by import$/s,
    (n, h) => `序号 ${n} 已登记且${h}不同；已登记的线索不能通过导入修改`,
  ],
  [
    /^序号 (.+) is an item that was (.+); it is not on the rectification ledger$/s,
    (n, st) => `序号 ${n} 的事项已${st}，不在整改工作台账上`,
  ],
  [/^a total row \(合计\)$/s, () => '合计行'],
  [/^a note row \(备注\)$/s, () => '备注行'],
  [/^a note merged across the row \(备注\)$/s, () => '跨列合并的备注'],
  [/^a signature row \(填表人\/审核人\)$/s, () => '签字行（填表人/审核人）'],
  [/^one text merged across the row$/s, () => '跨列合并的一段文字'],
  [/^not applied: (.+)$/s, (why) => `未导入：${why}`],
];

/** An import reason in the reader's language (the English reason as it is, or its Chinese form). */
export function reasonIn(lang: 'zh' | 'en', reason: string): string {
  if (lang === 'en') return reason;
  for (const [pattern, zh] of REASONS_ZH) {
    const match = pattern.exec(reason);
    if (match) return zh(...match.slice(1));
  }
  return reason;
}

/**
 * Formats a problem as one line: file, sheet, cell, reason — in English, or in Chinese (工作表/第 n 行) with the
 * same location: the sheet, row, column and cell address are kept in both.
 */
export function formatProblem(problem: ImportProblem, file?: string, lang: 'zh' | 'en' = 'en'): string {
  if (lang === 'zh')
    return `${file ? `${file}：` : ''}工作表 ${problem.sheet}，第 ${problem.row} 行，第 ${problem.column} 列（${problem.cell}）：${reasonIn('zh', problem.reason)}`;
  return `${file ? `${file}: ` : ''}sheet ${problem.sheet}, row ${problem.row}, column ${problem.column} (${problem.cell}): ${problem.reason}`;
}

export function problemAt(sheet: string, column: string, row: number, reason: string): ImportProblem {
  return { sheet, row, column, cell: `${column}${row}`, reason };
}

/** Why a workbook could not be read, where a reader can say it in Chinese too (`unreadable` on the error). */
export const UNREADABLE_ZH = {
  legacyXls:
    '这是旧版 .xls 工作簿（Excel 97–2003）；请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后再导入',
} as const;

/** A workbook that cannot be read at all (not .xlsx, no matching sheet). */
export class WorkbookUnreadableError extends ZhengzhiError {
  constructor(file: string, reason: string, cause?: unknown, unreadable?: keyof typeof UNREADABLE_ZH) {
    super(
      ErrorCode.invalidInput,
      `${file}: ${reason}`,
      { file, ...(unreadable ? { unreadable } : {}) },
      { cause },
    );
    this.name = 'WorkbookUnreadableError';
  }
}
