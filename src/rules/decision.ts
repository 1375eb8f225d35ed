import type { Ty } from './ir';
import type { SourceRange } from './source';
import type { Measure, TargetKind } from './vocabulary';

/** Who an escalation is addressed to: the kind and the id taken from the facts. */
export interface EscalationTarget {
  readonly kind: TargetKind;
  readonly id: string;
}

/** An escalation to issue, with the provenance that must be stored with it. */
export interface EscalationOrder {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly ruleSetId: string;
  readonly ruleSetVersion: number;
  readonly priority: number;
  readonly source: string | null;
  readonly measure: Measure;
  readonly target: EscalationTarget;
  /** evaluatedAt + the rule's response deadline (ISO, UTC), or null when the rule sets none. */
  readonly respondBy: string | null;
  readonly reason: string;
}

/** A suppression (容错免责 / 免罚清单) that fired. */
export interface SuppressionOrder {
  readonly ruleId: string;
  readonly target: TargetKind | 'all';
  readonly reason: string;
}

/** A tag a rule adds. */
export interface TagOrder {
  readonly ruleId: string;
  readonly tag: string;
}

/** Why an escalation that a rule asked for is not issued. */
export type OverrideCause =
  'suppressed' | 'heavier_measure' | 'higher_priority' | 'rule_id_order' | 'already_open';

/** An escalation a rule asked for that conflict resolution or de-duplication removed, and why. */
export interface OverriddenEscalation {
  readonly order: EscalationOrder;
  readonly cause: OverrideCause;
  /** The rule whose suppression or escalation won (or, for already_open, the open escalation's rule). */
  readonly byRuleId: string;
  readonly explanation: { readonly zh: string; readonly en: string };
}

/** One fact value a condition read: its name in both languages, the raw value and its type (for rendering). */
export interface FactRead {
  readonly zh: string;
  readonly en: string;
  readonly value: unknown;
  readonly type: Ty;
}

/** Whether a (sub-)condition held, with the facts it read. */
export interface ConditionTrace {
  readonly text: string;
  readonly range: SourceRange;
  readonly holds: boolean;
  readonly reads: readonly FactRead[];
  readonly children: readonly ConditionTrace[];
}

/** Provenance of a fired rule. */
export interface FiredRule {
  readonly ruleId: string;
  readonly title: string;
  readonly priority: number;
  readonly source: string | null;
  /** Every fact the condition read, with its value (deduplicated). */
  readonly reads: readonly FactRead[];
  readonly condition: ConditionTrace;
}

/**
 * A rule that failed while evaluating (its condition threw, its provenance could not be traced or its
 * deadline is not a valid instant). The rule is skipped; the other rules and the command go on, and the
 * failure is recorded against the rule for the supervisor (`rule_failures`, GET …/rule-failures).
 */
export interface RuleFailure {
  readonly ruleId: string;
  readonly stage: 'condition' | 'provenance' | 'action' | 'rule-set';
  readonly message: string;
}

/** The outcome of evaluating a rule set on one target's facts. Plain data; store it as it is. */
export interface Decision {
  readonly ruleSetId: string;
  readonly ruleSetVersion: number;
  readonly evaluatedAt: string;
  readonly itemId: string;
  readonly escalations: readonly EscalationOrder[];
  readonly suppressions: readonly SuppressionOrder[];
  readonly tags: readonly TagOrder[];
  readonly overridden: readonly OverriddenEscalation[];
  readonly fired: readonly FiredRule[];
  /** Rules skipped because they failed while evaluating (normally empty). */
  readonly failures: readonly RuleFailure[];
}
