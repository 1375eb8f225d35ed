import type { Action, Expr, RuleAst, RuleFileAst } from './ast';
import { diagnostic, type Diagnostic } from './errors';
import { parseRuleFile } from './parse-file';
import { sliceRange } from './source';
import { diagnosticText } from './format-diagnostic';

/**
 * Decision tables (issue 10 point 2): a workbook of sheets of cells, turned into `.rules` text that the one
 * checker and compiler read, with every generated piece remembered by the cell it came from, so a
 * diagnostic points at `表1!C7`. Pure: sheets are plain grids of cell text here; src/rule-files reads .xlsx.
 *
 * Layout. Sheet `规则集`: column A labels 规则集 / 版本 / 标题, column B values. Every other sheet but
 * `示例` is a table: A1 `命中策略`, B1 the hit policy; row 2 the headers; one rule per row from row 3.
 * Headers: 规则 (id), 标题, 优先级, 依据; condition columns headed by a fact or expression (`事项.状态`,
 * `事项.超期天数`, `距上次(约谈)`) whose cells read `> 30`, `整改中` (= is implied), `属于 [整改中, 待验收]`,
 * blank or `-` for "any"; `条件` for a free condition; actions 措施, 对象, 期限, 理由, 标记.
 * Sheet `示例`: 标题 | 于 | 给定 | 期望, each in the text syntax (`事项.超期天数 = 31`, `约谈 单位负责人`).
 */

/** One sheet: cell text by row and column (0-based), null for blank. */
export interface Grid {
  readonly name: string;
  readonly cells: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** Hit policies (DMN names): C — every matching row fires; P — the same, rows ranked by their order. */
export type HitPolicy = 'collect' | 'priority';

export const META_SHEET = '规则集';
export const EXAMPLES_SHEET = '示例';
const HIT_POLICIES: Readonly<Record<string, HitPolicy>> = {
  全部: 'collect',
  C: 'collect',
  collect: 'collect',
  优先: 'priority',
  P: 'priority',
  priority: 'priority',
};
const HIT_LABEL: Record<HitPolicy, string> = { collect: '全部', priority: '优先' };
/** Under 优先/priority, a row without 优先级 gets PRIORITY_BASE − its index (earlier rows rank higher). */
const PRIORITY_BASE = 1000;
const RULE_COLUMNS = ['规则', '标题', '优先级', '依据'] as const;
const ACTION_COLUMNS = ['措施', '对象', '期限', '理由', '标记'] as const;
const FREE_CONDITION = '条件';
const EXAMPLE_COLUMNS = ['标题', '于', '给定', '期望'] as const;
const OPERATORS = ['>=', '<=', '!=', '==', '<>', '=', '>', '<', '≥', '≤', '≠', '＝', '＞', '＜'];
const MEMBERSHIP = /^(不属于|属于|不包含|包含|not\s+in|in|not\s+contains|contains)(\s|\[|$)/;
const ANY = new Set(['-', '—', '任意', '*']);

/** `表1!C7` for a 0-based row and column. */
export function cellName(sheet: string, row: number, column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${sheet}!${letters}${row + 1}`;
}

/** A piece of generated text and the cell it came from. */
interface Span {
  readonly from: number;
  readonly to: number;
  readonly cell: string;
}

/** Generated source with its cell map. */
export interface TableSource {
  readonly source: string;
  readonly spans: readonly Span[];
  /** Problems found in the layout itself (before the compiler), already located by cell. */
  readonly problems: readonly Diagnostic[];
}

class Writer {
  text = '';
  readonly spans: Span[] = [];
  raw(text: string): this {
    this.text += text;
    return this;
  }
  cell(text: string, cell: string): this {
    this.spans.push({ from: this.text.length, to: this.text.length + text.length, cell });
    this.text += text;
    return this;
  }
}

/** A string literal holding cell text. */
const quote = (text: string): string =>
  `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;

const text = (grid: Grid, row: number, column: number): string | null => {
  const value = grid.cells[row]?.[column];
  return value === null || value === undefined || value.trim() === '' ? null : value.trim();
};

/** Turns the grids of a workbook into `.rules` text with a cell map. */
export function tablesToSource(grids: readonly Grid[], file: string): TableSource {
  const out = new Writer();
  const problems: Diagnostic[] = [];
  const problem = (cell: string, expected: string, found: string) =>
    problems.push(located(diagnostic('ZR1001', ORIGIN, { expected, found }, undefined, file), cell));
  const meta = grids.find((g) => g.name === META_SHEET);
  out.raw(`# 由决策表 ${file} 生成 / generated from the decision tables of ${file}\n`);
  writeHeader(out, meta, problem);
  for (const grid of grids) {
    if (grid.name === META_SHEET || grid.name === EXAMPLES_SHEET) continue;
    writeTable(out, grid, problem);
  }
  const examples = grids.find((g) => g.name === EXAMPLES_SHEET);
  if (examples) writeExamples(out, examples);
  return { source: out.text, spans: out.spans, problems };
}

const ORIGIN = { line: 1, column: 1, offset: 0, length: 0 };

function writeHeader(
  out: Writer,
  meta: Grid | undefined,
  problem: (cell: string, expected: string, found: string) => void,
): void {
  const find = (label: string) => {
    const row = meta?.cells.findIndex((r) => (r[0] ?? '').trim() === label) ?? -1;
    return row < 0 ? null : { value: text(meta!, row, 1), cell: cellName(META_SHEET, row, 1) };
  };
  const id = find('规则集');
  const version = find('版本');
  const title = find('标题');
  if (!id?.value)
    problem(id?.cell ?? `${META_SHEET}!B1`, 'a rule-set id (sheet 规则集, row 规则集)', 'nothing');
  if (!version?.value) problem(version?.cell ?? `${META_SHEET}!B2`, 'a version number (row 版本)', 'nothing');
  out.raw('规则集 ').cell(id?.value ?? 'missing', id?.cell ?? `${META_SHEET}!B1`);
  out.raw(' 版本 ').cell(version?.value ?? '1', version?.cell ?? `${META_SHEET}!B2`);
  if (title?.value) out.raw(' ').cell(quote(title.value), title.cell);
  out.raw('\n');
}

function writeTable(
  out: Writer,
  grid: Grid,
  problem: (cell: string, expected: string, found: string) => void,
): void {
  const policyText = text(grid, 0, 1) ?? '全部';
  const policy = HIT_POLICIES[policyText];
  if (text(grid, 0, 0) !== '命中策略' || !policy) {
    problem(cellName(grid.name, 0, 1), '命中策略 in A1 and 全部/C or 优先/P in B1', policyText);
  }
  const headers = (grid.cells[1] ?? []).map((h) => (h ?? '').trim());
  const conditions = headers
    .map((h, column) => ({ h, column }))
    .filter(
      ({ h }) =>
        h !== '' &&
        !(RULE_COLUMNS as readonly string[]).includes(h) &&
        !(ACTION_COLUMNS as readonly string[]).includes(h),
    );
  const at = (name: string) => headers.indexOf(name);
  out.raw(
    `\n# 决策表 ${grid.name} 命中策略 ${HIT_LABEL[policy ?? 'collect']} 列 ${conditions.map((c) => c.h).join(' | ')}\n`,
  );
  let index = 0;
  for (let row = 2; row < grid.cells.length; row++) {
    if ((grid.cells[row] ?? []).every((c) => c === null || c.trim() === '')) continue;
    const get = (name: string) => (at(name) < 0 ? null : text(grid, row, at(name)));
    const where = (name: string) => cellName(grid.name, row, Math.max(0, at(name)));
    const id = get('规则');
    if (!id) problem(where('规则'), 'a rule id in column 规则', 'a blank cell');
    out.raw('规则 ').cell(id ?? `row-${row + 1}`, where('规则'));
    out.raw(' ').cell(quote(get('标题') ?? id ?? ''), where('标题'));
    const priority = get('优先级') ?? (policy === 'priority' ? String(PRIORITY_BASE - index) : null);
    if (priority !== null) out.raw(' 优先级 ').cell(priority, where('优先级'));
    const source = get('依据');
    if (source !== null) out.raw(' 依据 ').cell(quote(source), where('依据'));
    out.raw('\n  当 ');
    let terms = 0;
    for (const { h, column } of conditions) {
      const value = text(grid, row, column);
      if (value === null || ANY.has(value)) continue;
      if (terms++ > 0) out.raw(' 且 ');
      const cell = cellName(grid.name, row, column);
      out.raw('(');
      if (h === FREE_CONDITION) out.cell(value, cell);
      else
        out
          .cell(h, cellName(grid.name, 1, column))
          .raw(' ')
          .cell(conditionCell(value), cell);
      out.raw(')');
    }
    if (terms === 0) out.raw('真');
    out.raw('\n  则 ');
    writeActions(out, get, where);
    out.raw('\n');
    index++;
  }
}

/** A condition cell as the right-hand side: an operator and operand, or a value meaning `= value`. */
function conditionCell(value: string): string {
  if (OPERATORS.some((op) => value.startsWith(op)) || MEMBERSHIP.test(value)) return value;
  return `= ${value}`;
}

function writeActions(
  out: Writer,
  get: (name: string) => string | null,
  where: (name: string) => string,
): void {
  const measure = get('措施');
  const tag = get('标记');
  if (measure !== null) {
    out.cell(measure, where('措施'));
    const target = get('对象');
    if (target !== null) out.raw(' ').cell(target, where('对象'));
    const deadline = get('期限');
    if (deadline !== null) out.raw(' 期限 ').cell(deadline, where('期限'));
    const reason = get('理由');
    if (reason !== null) out.raw(' 理由 ').cell(quote(reason), where('理由'));
  }
  if (tag !== null) out.raw(measure !== null ? ', 标记 ' : '标记 ').cell(quote(tag), where('标记'));
  // A row without an action is left for the compiler to refuse, at the 措施 cell.
  if (measure === null && tag === null) out.cell('无', where('措施'));
}

function writeExamples(out: Writer, grid: Grid): void {
  const headers = (grid.cells[0] ?? []).map((h) => (h ?? '').trim());
  const at = (name: (typeof EXAMPLE_COLUMNS)[number]) => headers.indexOf(name);
  out.raw('\n# 示例\n');
  for (let row = 1; row < grid.cells.length; row++) {
    if ((grid.cells[row] ?? []).every((c) => c === null || c.trim() === '')) continue;
    const get = (name: (typeof EXAMPLE_COLUMNS)[number]) => (at(name) < 0 ? null : text(grid, row, at(name)));
    const where = (name: (typeof EXAMPLE_COLUMNS)[number]) => cellName(grid.name, row, Math.max(0, at(name)));
    out.raw('例 ').cell(quote(get('标题') ?? `row ${row + 1}`), where('标题'));
    const instant = get('于');
    if (instant !== null) out.raw(' 于 ').cell(quote(instant), where('于'));
    out
      .raw(' 给定 { ')
      .cell(get('给定') ?? '', where('给定'))
      .raw(' } 期望 ');
    out.cell(get('期望') ?? '无', where('期望')).raw('\n');
  }
}

/** Moves a diagnostic on generated text to the cell the text came from (`cell`, file = the workbook). */
export function locateInTable(
  diag: Diagnostic,
  table: TableSource,
  file: string,
): Diagnostic & { cell: string } {
  const offset = diag.range.offset;
  let best: Span | undefined;
  for (const span of table.spans) {
    if (span.from <= offset && offset < Math.max(span.to, span.from + 1)) {
      best = span;
      break;
    }
    // Generated text between cells (`规则 `, ` 且 `) belongs to the next cell on its line.
    if (span.from > offset) {
      if (!table.source.slice(offset, span.from).includes('\n')) best = span;
      break;
    }
    best = span;
  }
  return located({ ...diag, file }, best?.cell ?? `${META_SHEET}!A1`);
}

function located(diag: Diagnostic, cell: string): Diagnostic & { cell: string } {
  return { ...diag, cell };
}

/** `file:表1!C7: error ZR… 中文 / English` and the hint: how a table diagnostic prints. */
export function formatTableDiagnostic(diag: Diagnostic & { cell: string }, lang?: 'zh' | 'en'): string {
  const head = `${diag.file}:${diag.cell}: ${diag.severity} ${diag.code} ${diagnosticText(diag, lang)}`;
  return diag.hint ? `${head}\n    = hint: ${diag.hint}` : head;
}

/** A rule set written as tables, or why it cannot be. */
export type ExportResult = { ok: true; grids: Grid[] } | { ok: false; problems: string[] };

interface TableMarker {
  readonly offset: number;
  readonly name: string;
  readonly policy: HitPolicy;
  readonly columns: readonly string[];
}

/**
 * Writes a compiled-clean `.rules` source as tables: one row per rule, top-level 且 terms of the form
 * `<left> <op> <right>` in a column headed by `<left>`, anything else in 条件. Text generated from tables
 * carries `# 决策表 …` markers, so sheet names, hit policies and column order come back unchanged.
 */
export function sourceToTables(source: string, file: string): ExportResult {
  const parsed = parseRuleFile(source, file);
  if (!parsed.ok) return { ok: false, problems: parsed.diagnostics.map((d) => d.message) };
  const ast = parsed.ast;
  const markers = tableMarkers(source);
  const problems: string[] = [];
  const tables = new Map<string, { marker: TableMarker; rows: Array<Map<string, string>>; index: number }>();
  const fallback: TableMarker = { offset: 0, name: '表1', policy: 'collect', columns: [] };
  for (const rule of ast.rules) {
    const marker = [...markers].reverse().find((m) => m.offset < rule.range.offset) ?? fallback;
    const table = tables.get(marker.name) ?? { marker, rows: [], index: 0 };
    tables.set(marker.name, table);
    const row = ruleRow(rule, source, marker, table.index++, problems);
    if (row) table.rows.push(row);
  }
  if (problems.length > 0) return { ok: false, problems };
  const grids: Grid[] = [metaGrid(ast)];
  for (const { marker, rows } of tables.values()) grids.push(tableGrid(marker, rows));
  if (ast.examples.length > 0) grids.push(examplesGrid(ast, source));
  return { ok: true, grids };
}

function tableMarkers(source: string): TableMarker[] {
  const markers: TableMarker[] = [];
  const pattern = /^# 决策表 (\S+) 命中策略 (\S+) 列 ?(.*)$/gm;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const columns = (match[3] ?? '')
      .split(' | ')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    markers.push({
      offset: match.index,
      name: match[1]!,
      policy: HIT_POLICIES[match[2]!] ?? 'collect',
      columns,
    });
  }
  return markers;
}

function metaGrid(ast: RuleFileAst): Grid {
  return {
    name: META_SHEET,
    cells: [
      ['规则集', ast.id.text],
      ['版本', String(ast.version.value)],
      ['标题', ast.title?.value ?? null],
    ],
  };
}

function andTerms(expr: Expr, out: Expr[]): void {
  if (expr.type === 'logical' && expr.op === 'and' && !isParenthesised(expr)) {
    andTerms(expr.left, out);
    andTerms(expr.right, out);
  } else out.push(expr);
}
/** A parenthesised group's range starts at its "(" while its left operand starts later. */
const isParenthesised = (expr: Extract<Expr, { type: 'logical' }>) =>
  expr.range.offset < expr.left.range.offset;

/** `((a 或 b))` → `a 或 b`, but `(a) 或 (b)` stays: only parentheses that enclose the whole text go. */
function unwrap(text: string): string {
  let t = text.trim();
  for (;;) {
    if (!t.startsWith('(') || !t.endsWith(')')) return t;
    let depth = 0;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')' && --depth === 0 && i < t.length - 1) return t;
    }
    t = t.slice(1, -1).trim();
  }
}

function ruleRow(
  rule: RuleAst,
  source: string,
  marker: TableMarker,
  index: number,
  problems: string[],
): Map<string, string> | undefined {
  const row = new Map<string, string>();
  row.set('规则', rule.id.text);
  if (rule.title.value !== rule.id.text) row.set('标题', rule.title.value);
  if (rule.priority && !(marker.policy === 'priority' && rule.priority.value === PRIORITY_BASE - index))
    row.set('优先级', String(rule.priority.value));
  if (rule.source) row.set('依据', rule.source.value);
  const terms: Expr[] = [];
  const isTrue = rule.when.type === 'boolean' && rule.when.value;
  if (!isTrue) andTerms(rule.when, terms);
  const free: string[] = [];
  for (const term of terms) {
    const column = columnOf(term, source);
    if (column && !row.has(column.header)) row.set(column.header, column.cell);
    else free.push(unwrap(sliceRange(source, term.range)));
  }
  if (free.length > 0) row.set(FREE_CONDITION, free.join(' 且 '));
  const escalations = rule.actions.filter((a) => a.type !== 'tag');
  const tags = rule.actions.filter((a): a is Extract<Action, { type: 'tag' }> => a.type === 'tag');
  if (escalations.length > 1 || tags.length > 1) {
    problems.push(
      `rule ${rule.id.text} has ${rule.actions.length} actions; a table row holds one measure and one tag`,
    );
    return undefined;
  }
  const action = escalations[0];
  if (action?.type === 'escalate') {
    row.set('措施', action.measure.text);
    row.set('对象', action.target.text);
    if (action.deadline) row.set('期限', sliceRange(source, action.deadline.range));
    if (action.reason) row.set('理由', action.reason.value);
  } else if (action?.type === 'suppress') {
    row.set('措施', '免除');
    if (action.target) row.set('对象', action.target.text);
    if (action.reason) row.set('理由', action.reason.value);
  }
  if (tags[0]) row.set('标记', tags[0].tag.value);
  return row;
}

/** `事项.超期天数 > 30` → header `事项.超期天数`, cell `> 30`; `事项.状态 = 整改中` → cell `整改中`. */
function columnOf(term: Expr, source: string): { header: string; cell: string } | undefined {
  if (term.type !== 'compare' && term.type !== 'membership') return undefined;
  const header = sliceRange(source, term.left.range).trim();
  if (header === FREE_CONDITION || (RULE_COLUMNS as readonly string[]).includes(header)) return undefined;
  const operator = source
    .slice(term.left.range.offset + term.left.range.length, term.right.range.offset)
    .trim();
  const right = sliceRange(source, term.right.range).trim();
  const isEquals = term.type === 'compare' && term.op === '=';
  const cell = isEquals ? right : `${operator} ${right}`;
  // `= -` or a value that itself reads as an operator would not come back the same way
  if (isEquals && (conditionCell(right) !== `= ${right}` || ANY.has(right))) return undefined;
  return { header, cell };
}

function tableGrid(marker: TableMarker, rows: ReadonlyArray<Map<string, string>>): Grid {
  const conditions = [...marker.columns];
  for (const row of rows)
    for (const key of row.keys())
      if (
        !(RULE_COLUMNS as readonly string[]).includes(key) &&
        !(ACTION_COLUMNS as readonly string[]).includes(key) &&
        !conditions.includes(key)
      )
        conditions.push(key);
  const headers = [...RULE_COLUMNS, ...conditions, ...ACTION_COLUMNS];
  return {
    name: marker.name,
    cells: [
      ['命中策略', HIT_LABEL[marker.policy], ...headers.slice(2).map(() => null)],
      headers,
      ...rows.map((row) => headers.map((h) => row.get(h) ?? null)),
    ],
  };
}

function examplesGrid(ast: RuleFileAst, source: string): Grid {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  return {
    name: EXAMPLES_SHEET,
    cells: [
      [...EXAMPLE_COLUMNS],
      ...ast.examples.map((example) => {
        const first = example.given[0];
        const last = example.given[example.given.length - 1];
        const given =
          first && last ? source.slice(first.range.offset, last.range.offset + last.range.length) : null;
        const afterGiven = last ? last.range.offset + last.range.length : example.title.range.offset;
        const end = example.range.offset + example.range.length;
        const rest = source.slice(afterGiven, end);
        const keyword = /\}\s*(期望|expect)\s*/.exec(rest);
        const expected = keyword ? rest.slice(keyword.index + keyword[0].length) : '无';
        return [
          example.title.value,
          example.at?.value ?? null,
          given ? oneLine(given) : null,
          oneLine(expected),
        ];
      }),
    ],
  };
}
