import type { EvalContext } from './compile-expression';
import type { Decision, RuleFailure } from './decision';
import { decide } from './evaluate';
import type { CampaignFacts, ItemFacts, RuleFacts, UnitFacts } from './facts';
import { parseInstant } from './instants';
import type { IR } from './ir';
import { RulesError } from './errors';
import type { CompiledRule, RuleSet } from './rule-set';

/**
 * A unit as a rule subject of its own (issue 10 point 5): a unit that misses reports (躺平式) is judged even
 * when it has no open item. The rules that apply to a unit alone are those whose condition reads no item
 * fact and whose escalations address the unit or its leader (`当 单位.漏报次数 >= 2 则 约谈 单位负责人`); a
 * rule that reads or addresses an item needs an item and is left to item evaluation.
 */
export function unitSubjectRules(ruleSet: RuleSet): readonly CompiledRule[] {
  let rules = cache.get(ruleSet);
  if (!rules) {
    rules = ruleSet.rules.filter(
      (rule) =>
        !readsItem(rule.condition.ir) &&
        rule.actions.every(
          (a) =>
            a.type === 'tag' ||
            (a.type === 'escalate' && (a.target === 'unit' || a.target === 'unit_leader')) ||
            (a.type === 'suppress' && a.target !== 'item' && a.target !== 'responsible_person'),
        ) &&
        rule.actions.some((a) => a.type === 'escalate'),
    );
    cache.set(ruleSet, rules);
  }
  return rules;
}
const cache = new WeakMap<RuleSet, readonly CompiledRule[]>();

/** Whether a condition reads any item-scope fact (an explicit stack: no recursion in the input's depth). */
function readsItem(root: IR): boolean {
  const stack: IR[] = [root];
  while (stack.length > 0) {
    const ir = stack.pop()!;
    if ((ir.type === 'field' || ir.type === 'window') && ir.field.scope === 'item') return true;
    for (const value of Object.values(ir)) {
      if (Array.isArray(value)) {
        for (const v of value) if (isIr(v)) stack.push(v);
      } else if (isIr(value)) stack.push(value);
    }
  }
  return false;
}
const isIr = (value: unknown): value is IR =>
  typeof value === 'object' && value !== null && 'type' in value && 'range' in value && 'ty' in value;

/**
 * An item-less subject's facts: the item fields are neutral placeholders that no unit-subject rule reads
 * (`unitSubjectRules` keeps only rules that read none); the decision's `itemId` is `unit:<id>`.
 */
export function unitSubjectFacts(unit: UnitFacts, campaign: CampaignFacts): RuleFacts {
  const item: ItemFacts = {
    id: `unit:${unit.id}`,
    state: 'registered',
    category: '',
    checklistItem: null,
    severity: 'general',
    tags: [],
    daysOverdue: 0,
    daysInState: 0,
    rejectedCount: 0,
    complaintTimes: [],
    longTerm: false,
    channel: 'self_inspection' as ItemFacts['channel'],
    responsiblePerson: '',
  };
  return { item, unit, campaign, history: [] };
}

/**
 * Evaluates the unit-subject rules of a rule set on one unit's facts at `evaluatedAt` (data, not a clock).
 * Like `evaluate`, a rule whose condition throws is skipped and reported in the decision's failures.
 */
export function evaluateUnitSubject(
  ruleSet: RuleSet,
  unit: UnitFacts,
  campaign: CampaignFacts,
  evaluatedAt: string,
): Decision {
  const now = parseInstant(evaluatedAt);
  if (Number.isNaN(now)) throw new RulesError('ZR3002', { text: evaluatedAt });
  const c: EvalContext = { f: unitSubjectFacts(unit, campaign), now };
  const failures: RuleFailure[] = [];
  const fired: CompiledRule[] = [];
  for (const rule of unitSubjectRules(ruleSet)) {
    try {
      if (rule.test(c)) fired.push(rule);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push({ ruleId: rule.id, stage: 'condition', message: message.slice(0, 500) });
    }
  }
  return decide(ruleSet, c, evaluatedAt, fired, failures);
}
