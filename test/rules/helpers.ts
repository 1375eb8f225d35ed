import { compileRuleSet, formatDiagnostic, type Diagnostic, type RuleSet } from '../../src/rules';

/** Compiles or fails the test with the formatted diagnostics. */
export function compileOk(source: string): RuleSet {
  const result = compileRuleSet(source, 'test.rules');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d, source)).join('\n'));
  return result.ruleSet;
}

/** Compiles expecting failure; returns the diagnostics. */
export function compileErrors(source: string): readonly Diagnostic[] {
  const result = compileRuleSet(source, 'test.rules');
  if (result.ok) throw new Error(`expected a compile error for:\n${source}`);
  return result.diagnostics;
}

/** The first diagnostic as `code@line:column`. */
export function firstError(source: string): string {
  const d = compileErrors(source)[0] as Diagnostic;
  return `${d.code}@${d.range.line}:${d.range.column}`;
}

/** A header plus one rule with the given condition and action (for expression tests). */
export function ruleWith(condition: string, action = '约谈 单位负责人'): string {
  return `规则集 t 版本 1\n规则 r "t" 当 ${condition} 则 ${action}\n`;
}
