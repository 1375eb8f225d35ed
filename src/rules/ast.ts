import type { SourceRange } from './source';

/**
 * The syntax tree of a `.rules` file, as written (names unresolved). Every node carries its source range.
 * The checker turns expressions into the typed IR in `ir.ts`.
 */

/** A word in the source, kept with where it was written. */
export interface Name {
  readonly text: string;
  readonly range: SourceRange;
}

/** Comparison operators, normalised (`==` → `=`, `<>`/`≠` → `!=`). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** Arithmetic operators. */
export type ArithOp = '+' | '-' | '*' | '/';

/** Expressions. */
export type Expr =
  | { readonly type: 'number'; readonly value: number; readonly range: SourceRange }
  | { readonly type: 'duration'; readonly ms: number; readonly range: SourceRange }
  | { readonly type: 'string'; readonly value: string; readonly range: SourceRange }
  | { readonly type: 'boolean'; readonly value: boolean; readonly range: SourceRange }
  /** A bare word: an enum value, a measure, a target, or an unknown name (resolved by the checker). */
  | { readonly type: 'name'; readonly name: Name; readonly range: SourceRange }
  /** `scope.field`, e.g. `事项.超期天数` / `item.days_overdue`. */
  | { readonly type: 'path'; readonly scope: Name; readonly field: Name; readonly range: SourceRange }
  /** `f(args)` or `scope.field(args)` (a windowed count). */
  | {
      readonly type: 'call';
      readonly callee: Expr;
      readonly args: readonly Expr[];
      readonly range: SourceRange;
    }
  | { readonly type: 'list'; readonly items: readonly Expr[]; readonly range: SourceRange }
  | { readonly type: 'not'; readonly operand: Expr; readonly range: SourceRange }
  | { readonly type: 'negate'; readonly operand: Expr; readonly range: SourceRange }
  | {
      readonly type: 'logical';
      readonly op: 'and' | 'or';
      readonly left: Expr;
      readonly right: Expr;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'compare';
      readonly op: CompareOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'membership';
      readonly op: 'in' | 'contains';
      readonly negated: boolean;
      readonly left: Expr;
      readonly right: Expr;
      readonly range: SourceRange;
    }
  | {
      readonly type: 'arith';
      readonly op: ArithOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly range: SourceRange;
    };

/** `约谈 单位负责人 期限 10 天 理由 "…"` */
export interface EscalateAction {
  readonly type: 'escalate';
  readonly measure: Name;
  readonly target: Name;
  readonly deadline?: Expr;
  readonly reason?: { readonly value: string; readonly range: SourceRange };
  readonly range: SourceRange;
}

/** `免除 责任人 理由 "免罚清单"`; no target means every target. */
export interface SuppressAction {
  readonly type: 'suppress';
  readonly target?: Name;
  readonly reason?: { readonly value: string; readonly range: SourceRange };
  readonly range: SourceRange;
}

/** `标记 "重点督办"` */
export interface TagAction {
  readonly type: 'tag';
  readonly tag: { readonly value: string; readonly range: SourceRange };
  readonly range: SourceRange;
}

/** Rule actions. */
export type Action = EscalateAction | SuppressAction | TagAction;

/** One rule. */
export interface RuleAst {
  readonly type: 'rule';
  readonly id: Name;
  readonly title: { readonly value: string; readonly range: SourceRange };
  readonly priority?: { readonly value: number; readonly range: SourceRange };
  readonly source?: { readonly value: string; readonly range: SourceRange };
  readonly when: Expr;
  readonly actions: readonly Action[];
  readonly range: SourceRange;
}

/** One entry of a given-block. */
export type GivenEntry =
  | { readonly type: 'assign'; readonly path: Expr; readonly value: Expr; readonly range: SourceRange }
  | {
      readonly type: 'issued';
      readonly measure: Name;
      readonly target: Name;
      readonly at: Expr;
      readonly rule?: Name;
      readonly range: SourceRange;
    };

/** One expectation of an example. */
export type Expectation =
  | {
      readonly type: 'escalate';
      readonly measure: Name;
      readonly target: Name;
      readonly rule?: Name;
      readonly range: SourceRange;
    }
  | { readonly type: 'suppress'; readonly target?: Name; readonly range: SourceRange }
  | { readonly type: 'tag'; readonly tag: string; readonly range: SourceRange };

/** `例 "…" [于 "<instant>"] 给定 { … } 期望 …` */
export interface ExampleAst {
  readonly type: 'example';
  readonly title: { readonly value: string; readonly range: SourceRange };
  readonly at?: { readonly value: string; readonly range: SourceRange };
  readonly given: readonly GivenEntry[];
  /** Empty with `none` = expect no escalation. */
  readonly expect: readonly Expectation[];
  readonly expectNone: boolean;
  readonly range: SourceRange;
}

/** The whole file. */
export interface RuleFileAst {
  readonly type: 'file';
  readonly id: Name;
  readonly version: { readonly value: number; readonly range: SourceRange };
  readonly title?: { readonly value: string; readonly range: SourceRange };
  readonly rules: readonly RuleAst[];
  readonly examples: readonly ExampleAst[];
  readonly range: SourceRange;
}
