import type { CompiledNode, EvalContext } from './compile-expression';
import type { RuleFacts } from './facts';
import type { TracePlan } from './provenance';
import type { SourceRange } from './source';
import type { Measure, TargetKind } from './vocabulary';

/** `约谈 单位负责人 期限 10 天 理由 "…"`, resolved. */
export interface EscalateAction {
  readonly type: 'escalate';
  readonly measure: Measure;
  readonly target: TargetKind;
  /** Response deadline as a duration in ms, or null when the rule sets none. */
  readonly deadlineMs: number | null;
  readonly reason: string;
  readonly range: SourceRange;
}

/** Suppression (容错免责 / 免罚清单) of escalations against a target, or all targets. */
export interface SuppressAction {
  readonly type: 'suppress';
  readonly target: TargetKind | 'all';
  readonly reason: string;
  readonly range: SourceRange;
}

/** Adds a tag (code) to the item. */
export interface TagAction {
  readonly type: 'tag';
  readonly tag: string;
  readonly range: SourceRange;
}

/** A resolved rule action. */
export type RuleAction = EscalateAction | SuppressAction | TagAction;

/** A compiled rule: metadata, the condition as closures, and its actions. */
export interface CompiledRule {
  readonly id: string;
  readonly title: string;
  readonly priority: number;
  /** The seed clause the rule cites (`依据`), or null. */
  readonly source: string | null;
  readonly range: SourceRange;
  /** The condition text as written, for explanations. */
  readonly conditionText: string;
  readonly condition: CompiledNode;
  /** How to explain the condition (prepared at compile time; used only when the rule fires). */
  readonly trace: TracePlan;
  readonly test: (c: EvalContext) => boolean;
  readonly actions: readonly RuleAction[];
}

/** What an example expects of the final decision. */
export type ExampleExpectation =
  | {
      readonly type: 'escalate';
      readonly measure: Measure;
      readonly target: TargetKind;
      readonly ruleId?: string;
      readonly range: SourceRange;
    }
  /** `target` undefined = "some suppression". */
  | { readonly type: 'suppress'; readonly target?: TargetKind | 'all'; readonly range: SourceRange }
  | { readonly type: 'tag'; readonly tag: string; readonly range: SourceRange };

/** An in-file example (rule test) with its facts already built from the given-block. */
export interface RuleExample {
  readonly title: string;
  readonly range: SourceRange;
  /** Evaluation instant, ISO 8601. */
  readonly at: string;
  readonly facts: RuleFacts;
  readonly expectNone: boolean;
  readonly expect: readonly ExampleExpectation[];
}

/** A compiled, frozen rule set. Rules are ordered by priority (high first), then id. */
export interface RuleSet {
  readonly id: string;
  readonly version: number;
  readonly title: string | null;
  readonly fileName: string;
  /** The source text; explanations quote conditions from it by range. */
  readonly source: string;
  readonly rules: readonly CompiledRule[];
  /** The rules that can fire for each item state (see rule-index.ts); same order as `rules`. */
  readonly byState: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly examples: readonly RuleExample[];
}
