import type { EvalContext } from './compile-expression';
import type { Decision, EscalationOrder, EscalationTarget, SuppressionOrder, TagOrder } from './decision';
import { RulesError } from './errors';
import type { RuleFacts } from './facts';
import { formatInstant, parseInstant } from './instants';
import { traceRule } from './provenance';
import { resolveConflicts } from './resolve';
import type { CompiledRule, RuleSet } from './rule-set';
import type { TargetKind } from './vocabulary';

/**
 * Evaluates a rule set on one item's facts at `evaluatedAt` (an ISO instant passed as data — the evaluator
 * reads no clock). Returns the resolved decision with provenance for the rules that fired.
 * Throws RulesError ZR3002 when `evaluatedAt` is not an ISO instant (a caller bug, not a rule error).
 */
export function evaluate(ruleSet: RuleSet, facts: RuleFacts, evaluatedAt: string): Decision {
  const now = instantOf(evaluatedAt);
  const c: EvalContext = { f: facts, now };
  return decide(ruleSet, c, evaluatedAt, matchRules(ruleSet, c));
}

/** The rules whose conditions hold, in priority order. The hot path: closures only, no allocation unless one fires. */
export function matchRules(ruleSet: RuleSet, c: EvalContext): CompiledRule[] {
  let fired: CompiledRule[] | undefined;
  const rules = candidates(ruleSet, c.f);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as CompiledRule;
    if (rule.test(c)) (fired ??= []).push(rule);
  }
  return fired ?? NONE;
}
const NONE: CompiledRule[] = [];

/** Rules that can fire for this item: a compile-time index on item state skips rules that require another state. */
function candidates(ruleSet: RuleSet, facts: RuleFacts): readonly CompiledRule[] {
  return ruleSet.byState.get(facts.item.state) ?? ruleSet.rules;
}

/**
 * Full sweep: evaluates every item and hands each non-empty decision to `onDecision`. Parses the instant
 * once and reuses one context, which is what makes a 1M-item sweep cheap.
 */
export function sweep(
  ruleSet: RuleSet,
  items: Iterable<RuleFacts>,
  evaluatedAt: string,
  onDecision: (decision: Decision) => void,
): { evaluated: number; decided: number } {
  const c: EvalContext = { f: undefined as unknown as RuleFacts, now: instantOf(evaluatedAt) };
  let evaluated = 0;
  let decided = 0;
  for (const facts of items) {
    c.f = facts;
    evaluated++;
    const fired = matchRules(ruleSet, c);
    if (fired.length === 0) continue;
    decided++;
    onDecision(decide(ruleSet, c, evaluatedAt, fired));
  }
  return { evaluated, decided };
}

/** Builds the decision from the fired rules: actions → conflict resolution → provenance. */
export function decide(
  ruleSet: RuleSet,
  c: EvalContext,
  evaluatedAt: string,
  fired: readonly CompiledRule[],
): Decision {
  const orders: EscalationOrder[] = [];
  const suppressions: SuppressionOrder[] = [];
  const tags: TagOrder[] = [];
  for (const rule of fired) {
    for (const action of rule.actions) {
      if (action.type === 'escalate') {
        orders.push({
          ruleId: rule.id,
          ruleTitle: rule.title,
          ruleSetId: ruleSet.id,
          ruleSetVersion: ruleSet.version,
          priority: rule.priority,
          source: rule.source,
          measure: action.measure,
          target: targetOf(action.target, c.f),
          respondBy: action.deadlineMs === null ? null : formatInstant(c.now + action.deadlineMs),
          reason: action.reason,
        });
      } else if (action.type === 'suppress') {
        suppressions.push({ ruleId: rule.id, target: action.target, reason: action.reason });
      } else if (!tags.some((t) => t.tag === action.tag)) {
        tags.push({ ruleId: rule.id, tag: action.tag });
      }
    }
  }
  const { escalations, overridden } = resolveConflicts(orders, suppressions);
  return {
    ruleSetId: ruleSet.id,
    ruleSetVersion: ruleSet.version,
    evaluatedAt,
    itemId: c.f.item.id,
    escalations,
    suppressions,
    tags,
    overridden,
    fired: fired.map((rule) => traceRule(rule, c)),
  };
}

function targetOf(kind: TargetKind, facts: RuleFacts): EscalationTarget {
  switch (kind) {
    case 'item':
      return { kind, id: facts.item.id };
    case 'responsible_person':
      return { kind, id: facts.item.responsiblePerson };
    case 'unit_leader':
    case 'unit':
      return { kind, id: facts.unit.id };
  }
}

let lastInstant = '';
let lastMs = NaN;
/** Parses an evaluation instant, remembering the last one (sweeps evaluate many items at one instant). */
function instantOf(evaluatedAt: string): number {
  if (evaluatedAt === lastInstant) return lastMs;
  const ms = parseInstant(evaluatedAt);
  if (Number.isNaN(ms)) throw new RulesError('ZR3002', { text: evaluatedAt });
  lastInstant = evaluatedAt;
  lastMs = ms;
  return ms;
}
