import type { SourceRange } from './source';

/**
 * The one catalogue of rules-language diagnostics. Codes are stable (tools and docs refer to them); the
 * message templates take `{name}` parameters. ZR0xxx lexical, ZR1xxx syntax, ZR2xxx types and names,
 * ZR3xxx examples and evaluation. Add new codes at the end of a block; never renumber.
 */
export const RULE_ERRORS = Object.freeze({
  ZR0001: { en: 'unexpected character {char}', zh: '无法识别的字符 {char}' },
  ZR0002: { en: 'unterminated string', zh: '字符串缺少结束引号' },
  ZR0003: { en: 'invalid number {text}', zh: '数字格式错误 {text}' },
  ZR0004: { en: 'file is too large ({size} > {max} characters)', zh: '文件过大（{size} > {max} 字符）' },
  ZR0005: { en: 'identifier is too long (max {max})', zh: '名称过长（最多 {max} 字符）' },
  ZR0006: { en: 'string is too long (max {max})', zh: '字符串过长（最多 {max} 字符）' },
  ZR0007: { en: 'invalid escape \\{char} in string', zh: '字符串中的转义 \\{char} 无效' },
  ZR0008: { en: 'too many tokens (max {max})', zh: '词法单元过多（最多 {max}）' },
  ZR0009: { en: 'cannot read file: {detail}', zh: '无法读取文件：{detail}' },
  ZR0010: {
    en: 'too many errors: stopped after {max}; fix these first',
    zh: '错误过多：已在 {max} 条后停止，请先修正这些错误',
  },
  ZR0011: {
    en: 'bidirectional control character {code} in a comment or string: the line may not show what the compiler reads (Trojan Source)',
    zh: '注释或字符串中有双向控制字符 {code}：显示内容可能与编译器读取的不同（Trojan Source）',
  },
  ZR0012: {
    en: 'control character {code} in a string',
    zh: '字符串中有控制字符 {code}',
  },
  ZR1001: { en: 'expected {expected} but found {found}', zh: '此处应为 {expected}，实际为 {found}' },
  ZR1002: {
    en: 'the file must start with a header: ruleset <id> version <n>',
    zh: '文件须以「规则集 <编号> 版本 <n>」开头',
  },
  ZR1003: { en: '{clause} given twice in rule {rule}', zh: '规则 {rule} 中 {clause} 重复出现' },
  ZR1004: { en: 'expression is nested too deeply (max {max})', zh: '表达式嵌套过深（最多 {max} 层）' },
  ZR1005: { en: 'file has too many syntax nodes (max {max})', zh: '语法节点过多（最多 {max}）' },
  ZR1006: { en: 'too many {what} (max {max})', zh: '{what}过多（最多 {max}）' },
  ZR1007: { en: 'expected an expression but found {found}', zh: '此处应为表达式，实际为 {found}' },
  ZR1008: { en: 'unknown duration unit {unit}', zh: '未知的时间单位 {unit}' },
  ZR1009: { en: 'comparisons cannot be chained; use and', zh: '比较不能连写，请用「且」连接' },
  ZR1010: {
    en: 'expected an action (a measure, suppress or tag) but found {found}',
    zh: '此处应为处置措施（措施名、免除或标记），实际为 {found}',
  },
  ZR1011: {
    en: 'expected a top-level rule or example but found {found}',
    zh: '此处应为「规则」或「例」，实际为 {found}',
  },
  ZR1012: { en: '{what} must be an integer', zh: '{what}必须是整数' },
  ZR1013: {
    en: 'only a path like 事项.字段 can be called with a window',
    zh: '只有「事项.字段」形式才能带时间窗口调用',
  },
  ZR1014: {
    en: 'operator chain is too long (max {max} levels): group terms with parentheses or split the rule',
    zh: '运算符连写过长（最多 {max} 层）：请用括号分组或拆分规则',
  },
  ZR2001: { en: 'unknown fact scope {name}', zh: '未知的事实范围 {name}' },
  ZR2002: { en: 'unknown field {name} in {scope}', zh: '{scope} 中没有字段 {name}' },
  ZR2003: { en: 'cannot compare {left} with {right}', zh: '无法比较 {left} 与 {right}' },
  ZR2004: { en: 'operator {op} does not apply to {type}', zh: '运算符 {op} 不适用于 {type}' },
  ZR2005: { en: 'unknown value {name} for {type}', zh: '{type} 没有取值 {name}' },
  ZR2006: { en: 'unknown measure {name}', zh: '未知的处置措施 {name}' },
  ZR2007: { en: 'unknown target {name}', zh: '未知的处置对象 {name}' },
  ZR2008: { en: 'unknown function {name}', zh: '未知的函数 {name}' },
  ZR2009: {
    en: '{name} takes {expected} argument(s), got {got}',
    zh: '{name} 需要 {expected} 个参数，实际 {got} 个',
  },
  ZR2010: {
    en: 'argument {index} of {name} must be {expected}, got {got}',
    zh: '{name} 的第 {index} 个参数应为 {expected}，实际为 {got}',
  },
  ZR2011: { en: 'a condition must be boolean, got {type}', zh: '条件必须是真/假值，实际为 {type}' },
  ZR2012: { en: 'rule id {name} is used twice', zh: '规则编号 {name} 重复' },
  ZR2013: { en: 'unknown name {name}', zh: '未知的名称 {name}' },
  ZR2014: {
    en: '{name} is not a fact: rules cannot reach JavaScript objects',
    zh: '{name} 不是事实：规则不能访问 JavaScript 对象',
  },
  ZR2015: { en: '{name} cannot be called', zh: '{name} 不能调用' },
  ZR2016: {
    en: 'field {name} is derived and cannot be given; set {from}',
    zh: '字段 {name} 是派生值，不能直接给定；请给定 {from}',
  },
  ZR2017: { en: 'field {name} is given twice', zh: '字段 {name} 重复给定' },
  ZR2018: {
    en: 'invalid instant {text}; use ISO 8601 like 2023-06-01T09:00:00+08:00',
    zh: '时间格式错误 {text}；请用 2023-06-01T09:00:00+08:00 这样的格式',
  },
  ZR2019: { en: 'value out of range: {what}', zh: '取值超出范围：{what}' },
  ZR2020: { en: 'example expects rule {name}, which does not exist', zh: '示例期望的规则 {name} 不存在' },
  ZR2021: {
    en: 'list items must all be {expected}, got {got}',
    zh: '列表元素必须都是 {expected}，实际有 {got}',
  },
  ZR2022: { en: 'a given value must be a literal', zh: '给定的值必须是字面量' },
  ZR2023: { en: 'rule {name} has no then-actions', zh: '规则 {name} 没有处置措施' },
  ZR2024: { en: 'division by zero', zh: '除数为零' },
  ZR3001: { en: 'example {name} failed: {detail}', zh: '示例 {name} 未通过：{detail}' },
  ZR3002: { en: 'invalid evaluation instant {text}', zh: '评估时间无效 {text}' },
  ZR3003: {
    en: 'rule {name} failed while evaluating and was skipped: {detail}',
    zh: '规则 {name} 评估时出错，已跳过：{detail}',
  },
});

/** A stable diagnostic code from {@link RULE_ERRORS}. */
export type RuleErrorCode = keyof typeof RULE_ERRORS;

/** One compile-time (or example) finding, located in a file. */
export interface Diagnostic {
  readonly code: RuleErrorCode;
  /** Warnings (ZR0011) never stop a file from compiling. */
  readonly severity: 'error' | 'warning';
  /** English message. */
  readonly message: string;
  /** Chinese message, same facts. */
  readonly messageZh: string;
  readonly hint?: string;
  readonly file: string;
  readonly range: SourceRange;
}

/** Fills a catalogue template. */
export function formatTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole,
  );
}

/** Builds a diagnostic from a catalogue code. */
export function diagnostic(
  code: RuleErrorCode,
  range: SourceRange,
  params: Readonly<Record<string, string | number>> = {},
  hint?: string,
  file = '',
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const entry = RULE_ERRORS[code];
  return {
    code,
    severity,
    message: formatTemplate(entry.en, params),
    messageZh: formatTemplate(entry.zh, params),
    ...(hint === undefined ? {} : { hint }),
    file,
    range,
  };
}

/**
 * Thrown only by the service-level entry points (`evaluate` with an invalid instant); the compiler and the
 * example runner return result unions instead.
 */
export class RulesError extends Error {
  readonly code: RuleErrorCode;
  constructor(code: RuleErrorCode, params: Readonly<Record<string, string | number>>) {
    super(`${code} ${formatTemplate(RULE_ERRORS[code].en, params)}`);
    this.name = 'RulesError';
    this.code = code;
  }
}
