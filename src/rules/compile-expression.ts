import type { RuleFacts } from './facts';
import type { IR } from './ir';
import { DAY_MS, type Measure, type TargetKind } from './vocabulary';

/** What a compiled closure reads: the facts and the evaluation instant (epoch ms), both data. */
export interface EvalContext {
  f: RuleFacts;
  now: number;
}

/** A compiled expression: a plain closure. */
export type Fn = (c: EvalContext) => unknown;

/** A compiled node kept with its IR and children, so provenance can re-run any sub-condition exactly. */
export interface CompiledNode {
  readonly ir: IR;
  readonly fn: Fn;
  readonly kids: readonly CompiledNode[];
}

/**
 * Compiles checked IR into closures. No code is generated from text: each IR node kind maps to a fixed
 * closure shape; the only values captured are constants, schema read functions and child closures.
 * Common shapes (`field op constant`, short `and` chains) get specialised closures for speed.
 */
export function compileExpression(ir: IR): CompiledNode {
  switch (ir.type) {
    case 'const': {
      const value = ir.value;
      return leaf(ir, () => value);
    }
    case 'field': {
      const read = ir.field.read;
      return leaf(ir, (c) => read(c.f));
    }
    case 'window': {
      const window = compileExpression(ir.window);
      const times = ir.field.window?.times ?? (() => []);
      const span = window.fn;
      return node(ir, (c) => countWithin(times(c.f), c.now - (span(c) as number), c.now), [window]);
    }
    case 'call':
      return compileCall(ir);
    case 'not': {
      const operand = compileExpression(ir.operand);
      const f = operand.fn;
      return node(ir, (c) => !f(c), [operand]);
    }
    case 'and':
    case 'or':
      return compileLogical(ir);
    case 'compare':
      return compileCompare(ir);
    case 'in': {
      const left = compileExpression(ir.left);
      const items = ir.items.map(compileExpression);
      const l = left.fn;
      const negated = ir.negated;
      // An absent number (NaN) is in no list and "not in" none either: every comparison with it is false.
      if (ir.items.every((i) => i.type === 'const')) {
        const set = new Set(ir.items.map((i) => (i as { value: unknown }).value));
        return node(
          ir,
          negated
            ? (c) => {
                const v = l(c);
                return v === v && !set.has(v);
              }
            : (c) => set.has(l(c)),
          [left],
        );
      }
      const fns = items.map((i) => i.fn);
      return node(
        ir,
        (c) => {
          const v = l(c);
          return v === v && fns.some((fn) => fn(c) === v) !== negated;
        },
        [left, ...items],
      );
    }
    case 'setHas': {
      const set = compileExpression(ir.set);
      const element = compileExpression(ir.element);
      const s = set.fn;
      const negated = ir.negated;
      if (ir.element.type === 'const') {
        const value = ir.element.value;
        return node(
          ir,
          negated
            ? (c) => !(s(c) as string[]).includes(value as string)
            : (c) => (s(c) as string[]).includes(value as string),
          [set],
        );
      }
      const e = element.fn;
      return node(ir, (c) => (s(c) as string[]).includes(e(c) as string) !== negated, [set, element]);
    }
    case 'arith':
      return compileArith(ir);
    case 'negate': {
      const operand = compileExpression(ir.operand);
      const f = operand.fn;
      return node(ir, (c) => -(f(c) as number), [operand]);
    }
  }
}

function leaf(ir: IR, fn: Fn): CompiledNode {
  return { ir, fn, kids: [] };
}

function node(ir: IR, fn: Fn, kids: readonly CompiledNode[]): CompiledNode {
  return { ir, fn, kids };
}

function compileLogical(ir: Extract<IR, { type: 'and' | 'or' }>): CompiledNode {
  const kids = ir.operands.map(compileExpression);
  const fns = kids.map((k) => k.fn);
  const [a, b, d] = fns as [Fn, Fn, Fn | undefined];
  if (ir.type === 'and') {
    if (fns.length === 2) return node(ir, (c) => !!a(c) && !!b(c), kids);
    if (fns.length === 3 && d) return node(ir, (c) => !!a(c) && !!b(c) && !!d(c), kids);
    return node(ir, (c) => fns.every((fn) => fn(c)), kids);
  }
  if (fns.length === 2) return node(ir, (c) => !!a(c) || !!b(c), kids);
  return node(ir, (c) => fns.some((fn) => fn(c)), kids);
}

function compileCompare(ir: Extract<IR, { type: 'compare' }>): CompiledNode {
  const left = compileExpression(ir.left);
  const right = compileExpression(ir.right);
  const kids = [left, right];
  if (ir.left.type === 'field' && ir.right.type === 'const') {
    const read = ir.left.field.read;
    const k = ir.right.value as number;
    switch (ir.op) {
      case '=':
        return node(ir, (c) => read(c.f) === k, kids);
      case '!=':
        // NaN (an absent number) is unequal to everything, but README: every comparison with it is false.
        return node(
          ir,
          (c) => {
            const v = read(c.f);
            return v !== k && v === v;
          },
          kids,
        );
      case '<':
        return node(ir, (c) => (read(c.f) as number) < k, kids);
      case '<=':
        return node(ir, (c) => (read(c.f) as number) <= k, kids);
      case '>':
        return node(ir, (c) => (read(c.f) as number) > k, kids);
      case '>=':
        return node(ir, (c) => (read(c.f) as number) >= k, kids);
    }
  }
  const l = left.fn;
  const r = right.fn;
  switch (ir.op) {
    case '=':
      return node(ir, (c) => l(c) === r(c), kids);
    case '!=':
      return node(
        ir,
        (c) => {
          const a = l(c);
          const b = r(c);
          return a !== b && a === a && b === b;
        },
        kids,
      );
    case '<':
      return node(ir, (c) => (l(c) as number) < (r(c) as number), kids);
    case '<=':
      return node(ir, (c) => (l(c) as number) <= (r(c) as number), kids);
    case '>':
      return node(ir, (c) => (l(c) as number) > (r(c) as number), kids);
    case '>=':
      return node(ir, (c) => (l(c) as number) >= (r(c) as number), kids);
  }
}

function compileArith(ir: Extract<IR, { type: 'arith' }>): CompiledNode {
  const left = compileExpression(ir.left);
  const right = compileExpression(ir.right);
  const l = left.fn as (c: EvalContext) => number;
  const r = right.fn as (c: EvalContext) => number;
  const kids = [left, right];
  switch (ir.op) {
    case '+':
      return node(ir, (c) => l(c) + r(c), kids);
    case '-':
      return node(ir, (c) => l(c) - r(c), kids);
    case '*':
      return node(ir, (c) => l(c) * r(c), kids);
    case '/':
      return node(ir, (c) => l(c) / r(c), kids);
  }
}

function compileCall(ir: Extract<IR, { type: 'call' }>): CompiledNode {
  const kids = ir.args.map(compileExpression);
  const constant = (index: number): unknown => {
    const arg = ir.args[index];
    return arg?.type === 'const' ? arg.value : undefined;
  };
  switch (ir.fn.code) {
    case 'days': {
      const d = (kids[0] as CompiledNode).fn;
      return node(ir, (c) => (d(c) as number) / DAY_MS, kids);
    }
    case 'issued': {
      const measure = constant(0) as Measure;
      const target = constant(1) as TargetKind | undefined;
      return node(
        ir,
        (c) =>
          c.f.history.some((h) => h.measure === measure && (target === undefined || h.target === target)),
        kids,
      );
    }
    case 'timesIssued': {
      const measure = constant(0) as Measure;
      const target = constant(1) as TargetKind | undefined;
      return node(
        ir,
        (c) =>
          c.f.history.filter((h) => h.measure === measure && (target === undefined || h.target === target))
            .length,
        kids,
      );
    }
    case 'sinceIssued': {
      const measure = constant(0) as Measure;
      const target = constant(1) as TargetKind | undefined;
      return node(
        ir,
        (c) => {
          let latest = NaN;
          for (const h of c.f.history) {
            if (h.measure !== measure || (target !== undefined && h.target !== target)) continue;
            const at = Date.parse(h.issuedAt);
            if (Number.isNaN(at)) continue;
            if (Number.isNaN(latest) || at > latest) latest = at;
          }
          return c.now - latest;
        },
        kids,
      );
    }
  }
}

/** Complaints (or any instants) within [from, to]; unparsable instants are not counted. */
export function countWithin(times: readonly string[], from: number, to: number): number {
  let count = 0;
  for (const time of times) {
    const at = Date.parse(time);
    if (at >= from && at <= to) count++;
  }
  return count;
}
