import type { Action, RuleAst, RuleFileAst } from './ast';
import { checkExample } from './check-examples';
import { CheckContext, checkExpression, DiagnosticLimitReached, requireBoolean } from './check-expression';
import { compileExpression, type EvalContext } from './compile-expression';
import type { Diagnostic } from './errors';
import { normalizeTag } from './fact-enums';
import { didYouMean } from './hints';
import { T, typeName, type IR } from './ir';
import { parseRuleFile } from './parse-file';
import { planTrace } from './provenance';
import { RULE_LIMITS } from './limits';
import { indexByState } from './rule-index';
import type { CompiledRule, RuleAction, RuleExample, RuleSet } from './rule-set';
import { sliceRange } from './source';
import { DAY_MS, keywordOf, MEASURE_NAMES, measureOf, TARGET_NAMES, targetOf } from './vocabulary';

/** Result of compiling a `.rules` file. */
export type CompileResult =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Compiles `.rules` source: lex → parse → check against the fact schema → closures. Never throws and never
 * executes rule text; every problem is a located diagnostic with a stable ZR code.
 */
export function compileRuleSet(source: string, fileName = ''): CompileResult {
  const parsed = parseRuleFile(source, fileName);
  if (!parsed.ok) return parsed;
  return compileAst(parsed.ast, source, fileName, parsed.warnings);
}

function compileAst(
  ast: RuleFileAst,
  source: string,
  fileName: string,
  warnings: readonly Diagnostic[],
): CompileResult {
  const ctx = new CheckContext(fileName);
  const rules: CompiledRule[] = [];
  const examples: RuleExample[] = [];
  try {
    const ids = new Set<string>();
    for (const rule of ast.rules) {
      if (ids.has(rule.id.text)) ctx.error('ZR2012', rule.id.range, { name: rule.id.text });
      ids.add(rule.id.text);
      const compiled = compileRule(ctx, rule, source);
      if (compiled) rules.push(compiled);
    }
    for (const example of ast.examples) {
      const checked = checkExample(ctx, example, ids);
      if (checked) examples.push(checked);
    }
  } catch (error) {
    if (!(error instanceof DiagnosticLimitReached)) throw error;
  }
  if (ctx.diagnostics.length > 0) return { ok: false, diagnostics: [...warnings, ...ctx.diagnostics] };
  rules.sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleSet: RuleSet = {
    id: ast.id.text,
    version: ast.version.value,
    title: ast.title?.value ?? null,
    fileName,
    source,
    rules: Object.freeze(rules),
    byState: indexByState(rules),
    examples: Object.freeze(examples),
  };
  return { ok: true, ruleSet: Object.freeze(ruleSet), warnings };
}

function compileRule(ctx: CheckContext, rule: RuleAst, source: string): CompiledRule | undefined {
  const before = ctx.diagnostics.length;
  const condition = requireBoolean(ctx, checkExpression(ctx, rule.when));
  const actions = rule.actions.map((action) => checkAction(ctx, action, rule.title.value));
  if (ctx.diagnostics.length > before) return undefined;
  const compiled = compileExpression(condition);
  const fn = compiled.fn;
  return Object.freeze({
    id: rule.id.text,
    title: rule.title.value,
    priority: rule.priority?.value ?? 0,
    source: rule.source?.value ?? null,
    range: rule.range,
    conditionText: sliceRange(source, rule.when.range),
    condition: compiled,
    trace: planTrace(compiled, source),
    // The checker guarantees a boolean condition, and every boolean closure returns true/false, so the
    // condition closure is the test itself (no wrapper call on the hot path).
    test: fn as (c: EvalContext) => boolean,
    actions: Object.freeze(actions.filter((a): a is RuleAction => a !== undefined)),
  });
}

function checkAction(ctx: CheckContext, action: Action, title: string): RuleAction | undefined {
  const range = action.range;
  switch (action.type) {
    case 'tag':
      return { type: 'tag', tag: normalizeTag(action.tag.value), range };
    case 'suppress': {
      if (!action.target)
        return { type: 'suppress', target: 'all', reason: action.reason?.value ?? title, range };
      const target = keywordOf(action.target.text) === 'all' ? 'all' : targetOf(action.target.text);
      if (!target)
        return void ctx.error(
          'ZR2007',
          action.target.range,
          { name: action.target.text },
          didYouMean(action.target.text, TARGET_NAMES),
        );
      return { type: 'suppress', target, reason: action.reason?.value ?? title, range };
    }
    case 'escalate': {
      const measure = measureOf(action.measure.text);
      const target = targetOf(action.target.text);
      if (!measure)
        ctx.error(
          'ZR2006',
          action.measure.range,
          { name: action.measure.text },
          didYouMean(action.measure.text, MEASURE_NAMES),
        );
      if (!target)
        ctx.error(
          'ZR2007',
          action.target.range,
          { name: action.target.text },
          didYouMean(action.target.text, TARGET_NAMES),
        );
      const deadlineMs = action.deadline
        ? constantDuration(ctx, checkExpression(ctx, action.deadline))
        : null;
      if (!measure || !target || deadlineMs === undefined) return undefined;
      return { type: 'escalate', measure, target, deadlineMs, reason: action.reason?.value ?? title, range };
    }
  }
}

/** A response deadline must be a constant duration (`10 天`, `2 周 + 3 天`). */
function constantDuration(ctx: CheckContext, ir: IR): number | undefined {
  if (ir.ty.kind === 'error') return undefined;
  if (ir.ty.kind !== 'duration') {
    return void ctx.error(
      'ZR2010',
      ir.range,
      { index: 1, name: '期限/deadline', expected: typeName(T.duration), got: typeName(ir.ty) },
      'e.g. 期限 10 天 / deadline 10d',
    );
  }
  if (!isConstant(ir)) {
    return void ctx.error('ZR2010', ir.range, {
      index: 1,
      name: '期限/deadline',
      expected: 'a constant duration',
      got: 'a fact',
    });
  }
  const ms = compileExpression(ir).fn({ f: undefined as never, now: 0 }) as number;
  if (!(ms >= 0)) return void ctx.error('ZR2019', ir.range, { what: 'deadline must not be negative' });
  if (!(ms <= RULE_LIMITS.maxDurationDays * DAY_MS)) {
    return void ctx.error('ZR2019', ir.range, { what: `deadline > ${RULE_LIMITS.maxDurationDays} days` });
  }
  return ms;
}

function isConstant(ir: IR): boolean {
  switch (ir.type) {
    case 'const':
      return true;
    case 'arith':
      return isConstant(ir.left) && isConstant(ir.right);
    case 'negate':
      return isConstant(ir.operand);
    default:
      return false;
  }
}
