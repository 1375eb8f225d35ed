import type { Expr } from './ast';
import { diagnostic, type Diagnostic, type RuleErrorCode } from './errors';
import { enumSpellings, enumValueOf, normalizeTag } from './fact-enums';
import { fieldNames, fieldOf, scopeOf, SCOPES, type FieldSpec } from './facts';
import { FUNCTION_NAMES, functionOf } from './functions';
import { didYouMean } from './hints';
import { sameType, T, typeName, type IR, type Ty } from './ir';
import { RULE_LIMITS } from './limits';
import type { SourceRange } from './source';
import { DAY_MS, MEASURE_NAMES, measureOf, TARGET_NAMES, targetOf } from './vocabulary';

/** Thrown by {@link CheckContext.error} once the diagnostics cap is reached: checking stops there. */
export class DiagnosticLimitReached extends Error {
  constructor() {
    super('diagnostic limit reached');
    this.name = 'DiagnosticLimitReached';
  }
}

/** Collects diagnostics while checking; every check continues after an error with the `error` type. */
export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  /** Records an error and returns a poisoned node so callers do not report follow-on errors. */
  error(
    code: RuleErrorCode,
    range: SourceRange,
    params: Record<string, string | number> = {},
    hint?: string,
  ): IR {
    if (this.diagnostics.length >= RULE_LIMITS.maxDiagnostics) {
      this.diagnostics.push(
        diagnostic('ZR0010', range, { max: RULE_LIMITS.maxDiagnostics }, undefined, this.file),
      );
      throw new DiagnosticLimitReached();
    }
    this.diagnostics.push(diagnostic(code, range, params, hint, this.file));
    return { type: 'const', ty: T.error, value: undefined, range };
  }
}

/**
 * Type-checks an expression against the fact schema and returns typed IR. `expected` lets bare words
 * resolve in context: `整改中` is an item state next to `事项.状态`, `约谈` a measure inside `已采取(…)`.
 */
export function checkExpression(ctx: CheckContext, expr: Expr, expected?: Ty): IR {
  const range = expr.range;
  switch (expr.type) {
    case 'number':
      return { type: 'const', ty: T.number, value: expr.value, range };
    case 'duration':
      return { type: 'const', ty: T.duration, value: expr.ms, range };
    case 'string':
      return { type: 'const', ty: T.string, value: expr.value, range };
    case 'boolean':
      return { type: 'const', ty: T.boolean, value: expr.value, range };
    case 'name':
      return resolveName(ctx, expr.name.text, range, expected);
    case 'path':
      return checkPath(ctx, expr);
    case 'call':
      return checkCall(ctx, expr);
    case 'list': {
      const items = expr.items.map((item) =>
        checkExpression(ctx, item, expected?.kind === 'list' ? expected.of : expected),
      );
      return { type: 'const', ty: { kind: 'list', of: items[0]?.ty ?? T.error }, value: items, range };
    }
    case 'not': {
      const operand = requireBoolean(ctx, checkExpression(ctx, expr.operand));
      return { type: 'not', ty: T.boolean, operand, range };
    }
    case 'negate': {
      const operand = checkExpression(ctx, expr.operand);
      if (operand.ty.kind !== 'number' && operand.ty.kind !== 'duration' && operand.ty.kind !== 'error') {
        return ctx.error('ZR2004', range, { op: '-', type: typeName(operand.ty) });
      }
      if (operand.type === 'const' && typeof operand.value === 'number') {
        return { type: 'const', ty: operand.ty, value: -operand.value, range };
      }
      return { type: 'negate', ty: operand.ty, operand, range };
    }
    case 'logical': {
      const left = requireBoolean(ctx, checkExpression(ctx, expr.left));
      const right = requireBoolean(ctx, checkExpression(ctx, expr.right));
      const flatten = (node: IR): readonly IR[] => (node.type === expr.op ? node.operands : [node]);
      return { type: expr.op, ty: T.boolean, operands: [...flatten(left), ...flatten(right)], range };
    }
    case 'compare':
      return checkCompare(ctx, expr);
    case 'membership':
      return checkMembership(ctx, expr);
    case 'arith':
      return checkArith(ctx, expr);
  }
}

/** Reports ZR2011 unless the node is boolean. */
export function requireBoolean(ctx: CheckContext, node: IR): IR {
  if (node.ty.kind === 'boolean' || node.ty.kind === 'error') return node;
  return ctx.error('ZR2011', node.range, { type: typeName(node.ty) });
}

function resolveName(ctx: CheckContext, word: string, range: SourceRange, expected?: Ty): IR {
  if (expected?.kind === 'enum') {
    const code = enumValueOf(expected.enum, word);
    if (code !== undefined) return { type: 'const', ty: expected, value: code, range };
    return ctx.error(
      'ZR2005',
      range,
      { name: word, type: typeName(expected) },
      didYouMean(word, enumSpellings(expected.enum)),
    );
  }
  if (expected?.kind === 'measure') {
    const code = measureOf(word);
    if (code !== undefined) return { type: 'const', ty: T.measure, value: code, range };
    return ctx.error('ZR2006', range, { name: word }, didYouMean(word, MEASURE_NAMES));
  }
  if (expected?.kind === 'target') {
    const code = targetOf(word);
    if (code !== undefined) return { type: 'const', ty: T.target, value: code, range };
    return ctx.error('ZR2007', range, { name: word }, didYouMean(word, TARGET_NAMES));
  }
  if (expected?.kind === 'string' || expected?.kind === 'set') {
    return ctx.error(
      'ZR2013',
      range,
      { name: word },
      `strings are quoted: "${word}" / 字符串要加引号："${word}"`,
    );
  }
  if (scopeOf(word) !== undefined) {
    return ctx.error(
      'ZR2013',
      range,
      { name: word },
      `a fact is read as ${word}.<field>, e.g. ${word}.${fieldNames(scopeOf(word) ?? 'item')[0]}`,
    );
  }
  const candidates = [...Object.keys(SCOPES), ...FUNCTION_NAMES];
  return ctx.error(
    'ZR2013',
    range,
    { name: word },
    didYouMean(word, candidates) ?? 'compare a fact with it, e.g. 事项.状态 = 整改中',
  );
}

function checkPath(ctx: CheckContext, expr: Extract<Expr, { type: 'path' }>): IR {
  const field = resolveField(ctx, expr);
  if (!field) return { type: 'const', ty: T.error, value: undefined, range: expr.range };
  return { type: 'field', ty: field.type, field, range: expr.range };
}

/** Resolves `scope.field` through the schema Map; reports ZR2001/ZR2002 with a suggestion. */
export function resolveField(
  ctx: CheckContext,
  expr: Extract<Expr, { type: 'path' }>,
): FieldSpec | undefined {
  const scope = scopeOf(expr.scope.text);
  if (scope === undefined) {
    ctx.error(
      'ZR2001',
      expr.scope.range,
      { name: expr.scope.text },
      didYouMean(expr.scope.text, Object.keys(SCOPES)) ?? 'scopes: 事项/item, 单位/unit, 行动/campaign',
    );
    return undefined;
  }
  const field = fieldOf(scope, expr.field.text);
  if (field === undefined) {
    ctx.error(
      'ZR2002',
      expr.field.range,
      { name: expr.field.text, scope: expr.scope.text },
      didYouMean(expr.field.text, fieldNames(scope)),
    );
  }
  return field;
}

function checkCall(ctx: CheckContext, expr: Extract<Expr, { type: 'call' }>): IR {
  const range = expr.range;
  const callee = expr.callee;
  if (callee.type === 'path') {
    const field = resolveField(ctx, callee);
    if (!field) return { type: 'const', ty: T.error, value: undefined, range };
    if (!field.window)
      return ctx.error(
        'ZR2015',
        callee.range,
        { name: `${callee.scope.text}.${callee.field.text}` },
        'only windowed counts such as 事项.投诉数(30 天) take an argument',
      );
    if (expr.args.length !== 1)
      return ctx.error('ZR2009', range, { name: callee.field.text, expected: 1, got: expr.args.length });
    const window = checkExpression(ctx, expr.args[0] as Expr);
    if (!sameType(window.ty, T.duration)) {
      return ctx.error(
        'ZR2010',
        window.range,
        { index: 1, name: callee.field.text, expected: typeName(T.duration), got: typeName(window.ty) },
        'e.g. 事项.投诉数(30 天)',
      );
    }
    const maxMs = RULE_LIMITS.maxDurationDays * DAY_MS;
    if (window.type !== 'const' || !((window.value as number) > 0 && (window.value as number) <= maxMs)) {
      return ctx.error(
        'ZR2019',
        window.range,
        {
          what: `a window must be a constant duration above 0 and at most ${RULE_LIMITS.maxDurationDays} days`,
        },
        'e.g. 事项.投诉数(30 天)',
      );
    }
    return { type: 'window', ty: T.number, field, window, range };
  }
  if (callee.type !== 'name') return ctx.error('ZR2015', callee.range, { name: 'this expression' });
  const fn = functionOf(callee.name.text);
  if (!fn)
    return ctx.error(
      'ZR2008',
      callee.range,
      { name: callee.name.text },
      didYouMean(callee.name.text, FUNCTION_NAMES),
    );
  if (expr.args.length < fn.required || expr.args.length > fn.params.length) {
    const expected =
      fn.required === fn.params.length ? `${fn.required}` : `${fn.required}-${fn.params.length}`;
    return ctx.error('ZR2009', range, { name: callee.name.text, expected, got: expr.args.length }, fn.doc);
  }
  const args = expr.args.map((arg, index) => {
    const param = fn.params[index] as Ty;
    const checked = checkExpression(ctx, arg, param);
    if (!sameType(checked.ty, param)) {
      return ctx.error(
        'ZR2010',
        arg.range,
        { index: index + 1, name: callee.name.text, expected: typeName(param), got: typeName(checked.ty) },
        fn.doc,
      );
    }
    return checked;
  });
  return { type: 'call', ty: fn.result, fn, args, range };
}

function checkCompare(ctx: CheckContext, expr: Extract<Expr, { type: 'compare' }>): IR {
  // A bare word takes its type from the other side (`整改中 = 事项.状态` works too).
  const leftFirst = expr.left.type !== 'name' || expr.right.type === 'name';
  let left: IR;
  let right: IR;
  if (leftFirst) {
    left = checkExpression(ctx, expr.left);
    right = checkExpression(ctx, expr.right, left.ty);
  } else {
    right = checkExpression(ctx, expr.right);
    left = checkExpression(ctx, expr.left, right.ty);
  }
  const range = expr.range;
  if (left.ty.kind === 'error' || right.ty.kind === 'error')
    return { type: 'compare', ty: T.boolean, op: expr.op, left, right, range };
  const ordered = expr.op !== '=' && expr.op !== '!=';
  const comparable = ordered
    ? (left.ty.kind === 'number' || left.ty.kind === 'duration') && sameType(left.ty, right.ty)
    : ['number', 'duration', 'string', 'boolean', 'enum'].includes(left.ty.kind) &&
      sameType(left.ty, right.ty);
  if (!comparable) {
    if (sameType(left.ty, right.ty))
      return ctx.error('ZR2004', range, { op: expr.op, type: typeName(left.ty) });
    return ctx.error(
      'ZR2003',
      range,
      { left: typeName(left.ty), right: typeName(right.ty) },
      compareHint(left, right),
    );
  }
  return { type: 'compare', ty: T.boolean, op: expr.op, left, right, range };
}

function compareHint(left: IR, right: IR): string | undefined {
  const kinds = [left.ty.kind, right.ty.kind];
  if (kinds.includes('number') && kinds.includes('duration')) {
    return 'a number of days is not a duration: write 事项.超期天数 > 30, or 事项.超期 > 30 天 / 天数字段与时长不能直接比较';
  }
  if (kinds.includes('set')) return 'test a set with 包含/contains: 事项.标签 包含 "以权谋私"';
  return undefined;
}

function checkMembership(ctx: CheckContext, expr: Extract<Expr, { type: 'membership' }>): IR {
  const range = expr.range;
  const negated = expr.negated;
  if (expr.op === 'contains') {
    const set = checkExpression(ctx, expr.left);
    const element = checkExpression(ctx, expr.right, T.string);
    if (set.ty.kind !== 'set' && set.ty.kind !== 'error')
      return ctx.error('ZR2004', expr.left.range, { op: '包含/contains', type: typeName(set.ty) });
    if (!sameType(element.ty, T.string))
      return ctx.error(
        'ZR2003',
        expr.right.range,
        { left: typeName(T.set), right: typeName(element.ty) },
        'tags are strings: 事项.标签 包含 "以权谋私"',
      );
    return { type: 'setHas', ty: T.boolean, negated, set, element: normaliseTagConst(element), range };
  }
  const left = checkExpression(ctx, expr.left);
  if (expr.right.type !== 'list') {
    const set = checkExpression(ctx, expr.right);
    if (set.ty.kind === 'set' && sameType(left.ty, T.string)) {
      return { type: 'setHas', ty: T.boolean, negated, set, element: normaliseTagConst(left), range };
    }
    if (set.ty.kind === 'error' || left.ty.kind === 'error') return set;
    return ctx.error(
      'ZR2004',
      expr.right.range,
      { op: '属于/in', type: typeName(set.ty) },
      'write a list: 事项.状态 属于 [整改中, 待验收]',
    );
  }
  if (!['number', 'string', 'enum', 'duration', 'error'].includes(left.ty.kind)) {
    return ctx.error('ZR2004', expr.left.range, { op: '属于/in', type: typeName(left.ty) });
  }
  const items = expr.right.items.map((item) => {
    const checked = checkExpression(ctx, item, left.ty);
    if (!sameType(checked.ty, left.ty))
      return ctx.error('ZR2021', item.range, { expected: typeName(left.ty), got: typeName(checked.ty) });
    return checked;
  });
  return { type: 'in', ty: T.boolean, negated, left, items, range };
}

/** String constants tested against a tag set are normalised (`"以权谋私"` → `abuse_of_power`). */
function normaliseTagConst(node: IR): IR {
  return node.type === 'const' && typeof node.value === 'string'
    ? { ...node, value: normalizeTag(node.value) }
    : node;
}

function checkArith(ctx: CheckContext, expr: Extract<Expr, { type: 'arith' }>): IR {
  const left = checkExpression(ctx, expr.left);
  const right = checkExpression(ctx, expr.right);
  const range = expr.range;
  if (left.ty.kind === 'error' || right.ty.kind === 'error')
    return { type: 'arith', ty: T.error, op: expr.op, left, right, range };
  const ty = arithResult(expr.op, left.ty, right.ty);
  if (!ty)
    return ctx.error('ZR2004', range, {
      op: expr.op,
      type: `${typeName(left.ty)} ${expr.op} ${typeName(right.ty)}`,
    });
  if (expr.op === '/' && right.type === 'const' && right.value === 0) {
    return ctx.error('ZR2024', expr.right.range, {}, 'a divisor must not be 0 / 除数不能为 0');
  }
  if (left.type === 'const' && right.type === 'const') return foldArith(ctx, expr.op, ty, left, right, range);
  return { type: 'arith', ty, op: expr.op, left, right, range };
}

/**
 * Arithmetic on constants is done here, once: a result that is not a finite number, or a duration beyond
 * the documented cap, is a located error instead of an invalid date at evaluation time.
 */
function foldArith(ctx: CheckContext, op: string, ty: Ty, left: IR, right: IR, range: SourceRange): IR {
  const a = (left as { value: number }).value;
  const b = (right as { value: number }).value;
  const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  if (!Number.isFinite(value))
    return ctx.error('ZR2019', range, { what: 'the result is not a finite number' });
  const maxMs = RULE_LIMITS.maxDurationDays * DAY_MS;
  if (ty.kind === 'duration' && Math.abs(value) > maxMs) {
    return ctx.error('ZR2019', range, { what: `duration > ${RULE_LIMITS.maxDurationDays} days` });
  }
  return { type: 'const', ty, value, range };
}

/** Typing of arithmetic on numbers and durations. */
function arithResult(op: string, a: Ty, b: Ty): Ty | undefined {
  const n = (t: Ty) => t.kind === 'number';
  const d = (t: Ty) => t.kind === 'duration';
  if (n(a) && n(b)) return T.number;
  if (op === '+' || op === '-') return d(a) && d(b) ? T.duration : undefined;
  if (op === '*') return (d(a) && n(b)) || (n(a) && d(b)) ? T.duration : undefined;
  if (d(a) && n(b)) return T.duration;
  return d(a) && d(b) ? T.number : undefined;
}
