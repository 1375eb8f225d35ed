import type { Decision, EscalationTarget, OverriddenEscalation } from './decision';

/** An escalation already open in the escalation records (issued, not yet lifted or stepped up). */
export interface OpenEscalation {
  readonly ruleId: string;
  readonly target: EscalationTarget;
}

/**
 * De-duplication (issue 3, item 3): no second escalation for the same rule and target while one is open.
 * Pure: the open escalations are an input. Removed orders move to `overridden` with cause `already_open`.
 */
export function withoutOpenEscalations(decision: Decision, open: readonly OpenEscalation[]): Decision {
  if (open.length === 0 || decision.escalations.length === 0) return decision;
  const keys = new Set(open.map((o) => key(o.ruleId, o.target)));
  const kept = decision.escalations.filter((e) => !keys.has(key(e.ruleId, e.target)));
  if (kept.length === decision.escalations.length) return decision;
  const duplicates: OverriddenEscalation[] = decision.escalations
    .filter((e) => keys.has(key(e.ruleId, e.target)))
    .map((order) => ({
      order,
      cause: 'already_open',
      byRuleId: order.ruleId,
      explanation: {
        zh: `规则 ${order.ruleId} 对同一对象（${order.target.id}）的处置尚未办结，不重复下发`,
        en: `an escalation from rule ${order.ruleId} to the same target (${order.target.id}) is still open; not issued twice`,
      },
    }));
  return { ...decision, escalations: kept, overridden: [...decision.overridden, ...duplicates] };
}

function key(ruleId: string, target: EscalationTarget): string {
  return `${ruleId}\u0000${target.kind}\u0000${target.id}`;
}
