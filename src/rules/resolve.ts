import type { EscalationOrder, OverriddenEscalation, SuppressionOrder } from './decision';
import { measureLabel, measureWeight, targetLabel } from './vocabulary';

/** Escalations left after conflict resolution, and the ones removed with the reason. */
export interface Resolution {
  readonly escalations: readonly EscalationOrder[];
  readonly overridden: readonly OverriddenEscalation[];
}

/**
 * Conflict resolution, in this order (issue 3, item 3):
 * 1. suppression beats escalation for the same target (`all` covers every target) — 免罚清单 / 容错免责;
 * 2. per target, the heaviest measure wins (提醒 < 函询 < 约谈 < … < 追责问责);
 * 3. ties by priority (higher wins), then by rule id (lexical, so the result never depends on file order).
 */
export function resolveConflicts(
  orders: readonly EscalationOrder[],
  suppressions: readonly SuppressionOrder[],
): Resolution {
  const overridden: OverriddenEscalation[] = [];
  const groups = new Map<string, EscalationOrder[]>();
  for (const order of orders) {
    const suppression = suppressions.find((s) => s.target === 'all' || s.target === order.target.kind);
    if (suppression) {
      overridden.push({
        order,
        cause: 'suppressed',
        byRuleId: suppression.ruleId,
        explanation: {
          zh: `规则 ${suppression.ruleId} 免除对${targetLabel(order.target.kind, 'zh')}的处置（${suppression.reason}），免除优先于升级`,
          en: `rule ${suppression.ruleId} suppresses escalations against ${order.target.kind} (${suppression.reason}); suppression beats escalation`,
        },
      });
      continue;
    }
    const key = `${order.target.kind}\u0000${order.target.id}`;
    const group = groups.get(key);
    if (group) group.push(order);
    else groups.set(key, [order]);
  }
  const escalations: EscalationOrder[] = [];
  for (const group of groups.values()) {
    group.sort(compareOrders);
    const winner = group[0] as EscalationOrder;
    escalations.push(winner);
    for (const loser of group.slice(1)) overridden.push(explainLoss(loser, winner));
  }
  return { escalations, overridden };
}

/** Heaviest first, then higher priority, then rule id. */
function compareOrders(a: EscalationOrder, b: EscalationOrder): number {
  return (
    measureWeight(b.measure) - measureWeight(a.measure) ||
    b.priority - a.priority ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

function explainLoss(loser: EscalationOrder, winner: EscalationOrder): OverriddenEscalation {
  const target = { zh: targetLabel(loser.target.kind, 'zh'), en: loser.target.kind };
  const w = { zh: measureLabel(winner.measure, 'zh'), en: winner.measure };
  if (measureWeight(loser.measure) < measureWeight(winner.measure)) {
    return {
      order: loser,
      cause: 'heavier_measure',
      byRuleId: winner.ruleId,
      explanation: {
        zh: `同一${target.zh}已由规则 ${winner.ruleId} 采取更重的措施「${w.zh}」`,
        en: `rule ${winner.ruleId} issues the heavier measure ${w.en} to the same ${target.en}`,
      },
    };
  }
  const byPriority = loser.priority < winner.priority;
  return {
    order: loser,
    cause: byPriority ? 'higher_priority' : 'rule_id_order',
    byRuleId: winner.ruleId,
    explanation: byPriority
      ? {
          zh: `同等措施，规则 ${winner.ruleId} 优先级更高（${winner.priority} > ${loser.priority}）`,
          en: `same measure; rule ${winner.ruleId} has higher priority (${winner.priority} > ${loser.priority})`,
        }
      : {
          zh: `同等措施、同等优先级，按规则编号取 ${winner.ruleId}`,
          en: `same measure and priority; rule id order picks ${winner.ruleId}`,
        },
  };
}
