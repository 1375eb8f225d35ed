import type { ArithOp, CompareOp } from './ast';
import { ENUMS } from './fact-enums';
import type { FieldSpec } from './facts';
import type { FunctionSpec } from './functions';
import type { Ty } from './expression-type';
import type { SourceRange } from './source';

/**
 * The checked, typed form of a condition: names resolved against the fact schema, enum values and measures
 * resolved to codes, `and`/`or` chains flattened. Only this IR is compiled, so nothing unchecked runs.
 */

export type { Ty } from './expression-type';

/** Checked expression nodes. */
export type IR =
  | { readonly type: 'const'; readonly ty: Ty; readonly value: unknown; readonly range: SourceRange }
  | { readonly type: 'field'; readonly ty: Ty; readonly field: FieldSpec; readonly range: SourceRange }
  | {
      readonly type: 'window';
      readonly ty: Ty;
      readonly field: FieldSpec;
      readonly window: IR;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'call';
      readonly ty: Ty;
      readonly fn: FunctionSpec;
      readonly args: readonly IR[];
      readonly range: SourceRange;
    }
  | { readonly type: 'not'; readonly ty: Ty; readonly operand: IR; readonly range: SourceRange }
  | {
      readonly type: 'and' | 'or';
      readonly ty: Ty;
      readonly operands: readonly IR[];
      readonly range: SourceRange;
    }
  | {
      readonly type: 'compare';
      readonly ty: Ty;
      readonly op: CompareOp;
      readonly left: IR;
      readonly right: IR;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'in';
      readonly ty: Ty;
      readonly negated: boolean;
      readonly left: IR;
      readonly items: readonly IR[];
      readonly range: SourceRange;
    }
  | {
      readonly type: 'setHas';
      readonly ty: Ty;
      readonly negated: boolean;
      readonly set: IR;
      readonly element: IR;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'arith';
      readonly ty: Ty;
      readonly op: ArithOp;
      readonly left: IR;
      readonly right: IR;
      readonly range: SourceRange;
    }
  | { readonly type: 'negate'; readonly ty: Ty; readonly operand: IR; readonly range: SourceRange };

export const T = Object.freeze({
  number: { kind: 'number' },
  duration: { kind: 'duration' },
  string: { kind: 'string' },
  boolean: { kind: 'boolean' },
  set: { kind: 'set' },
  measure: { kind: 'measure' },
  target: { kind: 'target' },
  error: { kind: 'error' },
} as const);

/** Whether two types are the same (enums must be the same enumeration). */
export function sameType(a: Ty, b: Ty): boolean {
  if (a.kind === 'error' || b.kind === 'error') return true;
  if (a.kind === 'enum' && b.kind === 'enum') return a.enum === b.enum;
  if (a.kind === 'list' && b.kind === 'list') return sameType(a.of, b.of);
  return a.kind === b.kind;
}

/** A type's name in messages, both languages. */
export function typeName(ty: Ty): string {
  switch (ty.kind) {
    case 'number':
      return '数值/number';
    case 'duration':
      return '时长/duration';
    case 'string':
      return '字符串/string';
    case 'boolean':
      return '真假/boolean';
    case 'set':
      return '集合/set';
    case 'timestamps':
      return '时间序列/timestamps';
    case 'enum':
      return `${ENUMS[ty.enum].zh}/${ENUMS[ty.enum].name}`;
    case 'list':
      return `列表/list of ${typeName(ty.of)}`;
    case 'measure':
      return '措施/measure';
    case 'target':
      return '对象/target';
    case 'error':
      return '?';
  }
}
