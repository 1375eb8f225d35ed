import type { EvalContext } from './compile-expression';
import type {
  Decision,
  EscalationOrder,
  EscalationTarget,
  FiredRule,
  RuleFailure,
  SuppressionOrder,
  TagOrder,
} from './decision';
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
  const failures: RuleFailure[] = [];
  return decide(ruleSet, c, evaluatedAt, matchRules(ruleSet, c, failures), failures);
}

/**
 * The rules whose conditions hold, in priority order. The hot path: closures only, no allocation unless one
 * fires. A rule whose condition throws (facts of an unexpected shape) is skipped and reported in `failures`:
 * one broken rule never stops the others, nor the command that triggered the evaluation.
 */
export function matchRules(ruleSet: RuleSet, c: EvalContext, failures?: RuleFailure[]): CompiledRule[] {
  let fired: CompiledRule[] | undefined;
  const rules = candidates(ruleSet, c.f);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as CompiledRule;
    let holds: boolean;
    try {
      holds = rule.test(c);
    } catch (error) {
      failures?.push(failureOf(rule.id, 'condition', error));
      continue;
    }
    if (holds) (fired ??= []).push(rule);
  }
  return fired ?? NONE;
}

function failureOf(ruleId: string, stage: RuleFailure['stage'], error: unknown): RuleFailure {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { ruleId, stage, message: detail.slice(0, 500) };
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
  const failures: RuleFailure[] = [];
  for (const facts of items) {
    c.f = facts;
    evaluated++;
    const fired = matchRules(ruleSet, c, failures);
    if (fired.length === 0 && failures.length === 0) continue;
    decided++;
    onDecision(decide(ruleSet, c, evaluatedAt, fired, failures.splice(0)));
  }
  return { evaluated, decided };
}

/** Builds the decision from the fired rules: actions → conflict resolution → provenance. */
export function decide(
  ruleSet: RuleSet,
  c: EvalContext,
  evaluatedAt: string,
  fired: readonly CompiledRule[],
  failures: RuleFailure[] = [],
): Decision {
  const orders: EscalationOrder[] = [];
  const suppressions: SuppressionOrder[] = [];
  const tags: TagOrder[] = [];
  const traced: FiredRule[] = [];
  for (const rule of fired) {
    let fire: FiredRule;
    try {
      fire = traceRule(rule, c);
    } catch (error) {
      failures.push(failureOf(rule.id, 'provenance', error));
      continue;
    }
    const respondBy = rule.actions.map((a) =>
      a.type === 'escalate' ? respondByOf(c.now, a.deadlineMs) : null,
    );
    if (respondBy.some((r) => r === undefined)) {
      failures.push({
        ruleId: rule.id,
        stage: 'action',
        message: 'the response deadline is not a valid instant',
      });
      continue;
    }
    traced.push(fire);
    for (const [index, action] of rule.actions.entries()) {
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
          respondBy: respondBy[index] ?? null,
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
    fired: traced,
    failures,
  };
}

/**
 * A rule's provenance on given facts whether or not it holds: which (sub-)conditions held and the fact values
 * they read — to explain why a rule did not fire (what-if simulation).
 */
export function traceRuleAt(rule: CompiledRule, facts: RuleFacts, evaluatedAt: string): FiredRule {
  return traceRule(rule, { f: facts, now: instantOf(evaluatedAt) });
}

/** evaluatedAt + a response deadline as ISO text; undefined when that is not a representable instant. */
function respondByOf(now: number, deadlineMs: number | null): string | null | undefined {
  if (deadlineMs === null) return null;
  const at = now + deadlineMs;
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? formatInstant(at) : undefined;
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
