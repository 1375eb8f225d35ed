import type { ArithOp, CompareOp, Expr, Name } from './ast';
import { FORBIDDEN_NAMES, type Cursor } from './parser-cursor';
import { RULE_LIMITS } from './limits';
import { spanRanges, type SourceRange } from './source';
import { durationUnitMs, DAY_MS, keywordOf } from './vocabulary';

/**
 * Pratt parser for rule expressions. Binding powers, loosest first:
 * or 10 · and 20 · not (prefix) 30 · comparisons / 属于 / 包含 40 (non-associative) · + - 50 · * / 60 ·
 * unary minus 70 · call 80.
 */
const BP = { or: 10, and: 20, not: 30, compare: 40, additive: 50, multiplicative: 60, negate: 70 } as const;

type Infix =
  | { kind: 'logical'; op: 'and' | 'or'; bp: number; width: number }
  | { kind: 'compare'; op: CompareOp; bp: number; width: number }
  | { kind: 'membership'; op: 'in' | 'contains'; negated: boolean; bp: number; width: number }
  | { kind: 'arith'; op: ArithOp; bp: number; width: number };

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Height of every syntax node built here. Operator chains are built by loops, not recursion, so the parse
 * itself never runs deep; the checker and compiler walk the tree recursively, so its height is bounded
 * (ZR1014) and 且/或 chains — associative — are built balanced (8,000 且 terms make a tree 13 levels high).
 */
const heightOf = (cursor: Cursor, expr: Expr): number => cursor.heights.get(expr) ?? 1;

function withHeight<E extends Expr>(cursor: Cursor, expr: E, height: number, at: SourceRange): E {
  if (height > RULE_LIMITS.maxTreeDepth) cursor.fail('ZR1014', at, { max: RULE_LIMITS.maxTreeDepth });
  cursor.heights.set(expr, height);
  return expr;
}

/** Parses an expression whose operators bind tighter than `minBp`. */
export function parseExpression(cursor: Cursor, minBp = 0, depth = 0): Expr {
  if (depth > RULE_LIMITS.maxExpressionDepth) {
    cursor.fail('ZR1004', cursor.peek().range, { max: RULE_LIMITS.maxExpressionDepth });
  }
  let left = parsePrefix(cursor, depth);
  for (;;) {
    const infix = infixAt(cursor);
    if (infix === undefined || infix.bp <= minBp) return left;
    if (infix.kind === 'logical') {
      left = parseLogicalChain(cursor, left, infix, depth);
      continue;
    }
    const operator = cursor.peek().range;
    for (let i = 0; i < infix.width; i++) cursor.next();
    const right = parseExpression(
      cursor,
      infix.bp + (infix.kind === 'compare' || infix.kind === 'membership' ? 1 : 0),
      depth + 1,
    );
    const range = spanRanges(left.range, right.range);
    cursor.countNode(range);
    const height = 1 + Math.max(heightOf(cursor, left), heightOf(cursor, right));
    switch (infix.kind) {
      case 'arith':
        left = withHeight(cursor, { type: 'arith', op: infix.op, left, right, range }, height, operator);
        break;
      case 'compare':
        left = withHeight(cursor, { type: 'compare', op: infix.op, left, right, range }, height, operator);
        break;
      case 'membership':
        left = withHeight(
          cursor,
          { type: 'membership', op: infix.op, negated: infix.negated, left, right, range },
          height,
          operator,
        );
        break;
    }
    if (infix.kind === 'compare' || infix.kind === 'membership') {
      const chained = infixAt(cursor);
      if (chained && (chained.kind === 'compare' || chained.kind === 'membership')) {
        cursor.fail('ZR1009', cursor.peek().range, {}, 'e.g. 事项.超期天数 > 10 且 事项.超期天数 < 30');
      }
    }
  }
}

/** `a 且 b 且 c …` (or 或): reads the whole chain in a loop and builds a balanced tree of it. */
function parseLogicalChain(
  cursor: Cursor,
  first: Expr,
  infix: Extract<Infix, { kind: 'logical' }>,
  depth: number,
): Expr {
  const operands: Expr[] = [first];
  for (;;) {
    const next = infixAt(cursor);
    if (next?.kind !== 'logical' || next.op !== infix.op) break;
    cursor.next();
    operands.push(parseExpression(cursor, infix.bp, depth + 1));
  }
  return balanced(cursor, infix.op, operands, 0, operands.length);
}

function balanced(
  cursor: Cursor,
  op: 'and' | 'or',
  operands: readonly Expr[],
  from: number,
  to: number,
): Expr {
  if (to - from === 1) return operands[from] as Expr;
  const middle = (from + to) >>> 1;
  const left = balanced(cursor, op, operands, from, middle);
  const right = balanced(cursor, op, operands, middle, to);
  const range = spanRanges(left.range, right.range);
  cursor.countNode(range);
  const height = 1 + Math.max(heightOf(cursor, left), heightOf(cursor, right));
  return withHeight(cursor, { type: 'logical', op, left, right, range }, height, range);
}

function infixAt(cursor: Cursor): Infix | undefined {
  const token = cursor.peek();
  if (token.kind === 'punct') {
    if (COMPARE_OPS.has(token.text))
      return { kind: 'compare', op: token.text as CompareOp, bp: BP.compare, width: 1 };
    if (token.text === '+' || token.text === '-')
      return { kind: 'arith', op: token.text, bp: BP.additive, width: 1 };
    if (token.text === '*' || token.text === '/')
      return { kind: 'arith', op: token.text, bp: BP.multiplicative, width: 1 };
    return undefined;
  }
  if (token.kind !== 'ident') return undefined;
  switch (keywordOf(token.text)) {
    case 'and':
      return { kind: 'logical', op: 'and', bp: BP.and, width: 1 };
    case 'or':
      return { kind: 'logical', op: 'or', bp: BP.or, width: 1 };
    case 'in':
      return { kind: 'membership', op: 'in', negated: false, bp: BP.compare, width: 1 };
    case 'notIn':
      return { kind: 'membership', op: 'in', negated: true, bp: BP.compare, width: 1 };
    case 'contains':
      return { kind: 'membership', op: 'contains', negated: false, bp: BP.compare, width: 1 };
    case 'notContains':
      return { kind: 'membership', op: 'contains', negated: true, bp: BP.compare, width: 1 };
    case 'not':
      // `x not in [...]` / `s not contains "…"`
      if (cursor.isKeyword('in', 1))
        return { kind: 'membership', op: 'in', negated: true, bp: BP.compare, width: 2 };
      if (cursor.isKeyword('contains', 1)) {
        return { kind: 'membership', op: 'contains', negated: true, bp: BP.compare, width: 2 };
      }
      return undefined;
    default:
      return undefined;
  }
}

function parsePrefix(cursor: Cursor, depth: number): Expr {
  const token = cursor.peek();
  if (cursor.isKeyword('not')) {
    cursor.next();
    const operand = parseExpression(cursor, BP.not, depth + 1);
    const range = spanRanges(token.range, operand.range);
    cursor.countNode(range);
    return withHeight(cursor, { type: 'not', operand, range }, 1 + heightOf(cursor, operand), token.range);
  }
  if (cursor.isPunct('-')) {
    cursor.next();
    const operand = parseExpression(cursor, BP.negate, depth + 1);
    const range = spanRanges(token.range, operand.range);
    cursor.countNode(range);
    return withHeight(cursor, { type: 'negate', operand, range }, 1 + heightOf(cursor, operand), token.range);
  }
  let expr = parsePrimary(cursor, depth);
  while (cursor.isPunct('(')) {
    const args = parseDelimited(cursor, '(', ')', depth);
    const range = spanRanges(expr.range, args.range);
    cursor.countNode(range);
    const height = 1 + Math.max(heightOf(cursor, expr), ...args.items.map((item) => heightOf(cursor, item)));
    expr = withHeight(cursor, { type: 'call', callee: expr, args: args.items, range }, height, args.range);
  }
  return expr;
}

function parsePrimary(cursor: Cursor, depth: number): Expr {
  const token = cursor.peek();
  cursor.countNode(token.range);
  switch (token.kind) {
    case 'number':
      return parseNumber(cursor);
    case 'string':
      cursor.next();
      return { type: 'string', value: token.value as string, range: token.range };
    case 'punct':
      if (token.text === '(') {
        cursor.next();
        const inner = parseExpression(cursor, 0, depth + 1);
        const close = cursor.expectPunct(')');
        const grouped = { ...inner, range: spanRanges(token.range, close.range) } as Expr;
        cursor.heights.set(grouped, heightOf(cursor, inner));
        return grouped;
      }
      if (token.text === '[') {
        const list = parseDelimited(cursor, '[', ']', depth);
        const height = 1 + Math.max(0, ...list.items.map((item) => heightOf(cursor, item)));
        return withHeight(cursor, { type: 'list', items: list.items, range: list.range }, height, list.range);
      }
      break;
    case 'ident': {
      const keyword = keywordOf(token.text);
      if (keyword === 'true' || keyword === 'false') {
        cursor.next();
        return { type: 'boolean', value: keyword === 'true', range: token.range };
      }
      // `已采取` is a function in expressions (and a keyword in given-blocks).
      if (keyword !== undefined && keyword !== 'issued') break;
      const scope = parseName(cursor);
      if (!cursor.isPunct('.')) return { type: 'name', name: scope, range: scope.range };
      cursor.next();
      if (cursor.peek().kind !== 'ident')
        cursor.failExpected('a field name', 'e.g. 事项.超期天数 or item.days_overdue');
      const field = parseName(cursor);
      return { type: 'path', scope, field, range: spanRanges(scope.range, field.range) };
    }
    default:
      break;
  }
  cursor.fail('ZR1007', token.range, { found: describe(cursor) });
}

/** A word, rejecting the names nools-style engines let rule text reach (`constructor`, `process`, …). */
export function parseName(cursor: Cursor): Name {
  const token = cursor.next();
  if (FORBIDDEN_NAMES.has(token.text)) {
    cursor.fail(
      'ZR2014',
      token.range,
      { name: token.text },
      'only facts in the schema (事项.*, 单位.*, 行动.*) can be read',
    );
  }
  return { text: token.text, range: token.range };
}

function parseNumber(cursor: Cursor): Expr {
  const token = cursor.next();
  const value = token.value as number;
  const next = cursor.peek();
  if (next.kind === 'punct' && next.text === '%' && !next.spaced) {
    cursor.next();
    return { type: 'number', value: value / 100, range: spanRanges(token.range, next.range) };
  }
  if (next.kind === 'ident') {
    const unitMs = durationUnitMs(next.text);
    if (unitMs !== undefined) {
      cursor.next();
      const range = spanRanges(token.range, next.range);
      const ms = value * unitMs;
      if (ms > RULE_LIMITS.maxDurationDays * DAY_MS) {
        cursor.fail('ZR2019', range, { what: `duration > ${RULE_LIMITS.maxDurationDays} days` });
      }
      return { type: 'duration', ms, range };
    }
    if (!next.spaced) {
      cursor.fail(
        'ZR1008',
        next.range,
        { unit: next.text },
        'use 天/d, 周/w or 小时/h; separate Chinese words with spaces',
      );
    }
  }
  return { type: 'number', value, range: token.range };
}

function parseDelimited(
  cursor: Cursor,
  open: string,
  close: string,
  depth: number,
): { items: Expr[]; range: SourceRange } {
  const start = cursor.expectPunct(open);
  const items: Expr[] = [];
  while (!cursor.isPunct(close)) {
    if (items.length >= RULE_LIMITS.maxListItems) {
      cursor.fail('ZR1006', cursor.peek().range, { what: 'list items', max: RULE_LIMITS.maxListItems });
    }
    items.push(parseExpression(cursor, 0, depth + 1));
    if (!cursor.isPunct(',')) break;
    cursor.next();
  }
  const end = cursor.expectPunct(close);
  return { items, range: spanRanges(start.range, end.range) };
}

function describe(cursor: Cursor): string {
  const token = cursor.peek();
  return token.kind === 'eof' ? 'end of file' : `"${token.text}"`;
}
