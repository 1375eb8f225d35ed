import {
  decide,
  evaluate,
  withoutOpenEscalations,
  type CompiledRule,
  type EvalContext,
  type IssuedEscalation,
  type Decision,
  type EscalationOrder,
  type RuleFailure,
  type RuleSet,
  type UnitFacts,
} from '../rules';
import type { CampaignContext } from '../machines/campaign-types';
import { ESCALATION_MEASURES, type EscalationContext } from '../machines/escalation-types';
import type { ItemContext } from '../machines/item-types';
import { issuedEscalationOf, ruleFactsFor } from './item-facts';

/**
 * The pure half of evaluating the rules on one item: from the item and what surrounds it (its campaign, its
 * unit's counts, the escalations on it and on its unit) to what should be issued. The live issuer
 * (issuer.ts) and the what-if simulation (simulation.ts) both run exactly these functions; only what they
 * do with the result differs (append events, or update an in-memory world).
 */

/** An escalation record as the decision sees it: its stream id, state and context. */
export type EscalationRecord = { streamId: string; state: string; context: EscalationContext };

/** What an item's rule facts are built from, besides the item itself. */
export interface ItemSurroundings {
  campaign: { state: string; context: CampaignContext };
  unit: Omit<UnitFacts, 'missedReports'>;
  /** Escalations on the item and on its unit (unit / unit-leader targets), in the order they were issued. */
  escalations: readonly EscalationRecord[];
}

export const FINAL_ESCALATION_STATES = ['lifted', 'steppedUp', 'voided'];

const weight = (measure: string): number => ESCALATION_MEASURES.indexOf(measure as never);

/** Whether any rule of the set can fire in this item state (the compile-time index): else skip everything. */
export function ruleSetCanFire(ruleSet: RuleSet, itemState: string): boolean {
  return (ruleSet.byState.get(itemState) ?? ruleSet.rules).length > 0;
}

/** Reports a unit missed in this campaign (躺平式 units), from the campaign's reporting record. */
function missedReports(campaign: CampaignContext, unitId: string): number {
  return campaign.missedReports?.[unitId] ?? 0;
}

/** The rule facts of one item at instant `at`. */
export function itemRuleFacts(
  item: { state: string; context: ItemContext; unitId: string },
  around: ItemSurroundings,
  at: string,
) {
  return ruleFactsFor({
    state: item.state,
    item: item.context,
    unit: unitRuleFacts(around, item.unitId),
    campaignState: around.campaign.state,
    campaign: around.campaign.context,
    history: itemHistory(around.escalations, item.context.itemId),
    at,
  });
}

/** The unit facts of an item's unit: its counts and the reports it missed in the campaign. */
export function unitRuleFacts(around: Omit<ItemSurroundings, 'escalations'>, unitId: string): UnitFacts {
  return { ...around.unit, missedReports: missedReports(around.campaign.context, unitId) };
}

/** The escalations issued on the item itself (history facts), in the order they were issued. */
export function itemHistory(escalations: readonly EscalationRecord[], itemId: string): IssuedEscalation[] {
  return escalations.filter((e) => e.context.itemId === itemId).map((e) => issuedEscalationOf(e.context));
}

/**
 * Evaluates and never throws: a rule that fails is skipped by the evaluator (decision.failures); anything
 * else that throws becomes a failure of the whole rule set (decision null).
 */
export function evaluateSafely(
  ruleSet: RuleSet,
  facts: ReturnType<typeof itemRuleFacts>,
  at: string,
): { decision: Decision | null; failures: readonly RuleFailure[] } {
  try {
    const decision = evaluate(ruleSet, facts, at);
    return { decision, failures: decision.failures };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { decision: null, failures: [{ ruleId: '*', stage: 'rule-set', message: message.slice(0, 500) }] };
  }
}

/**
 * `evaluateSafely` for a caller that already matched the rules (`matchRules` on the same context): the
 * decision built from them exactly as `evaluate` builds it, never throwing.
 */
export function decideSafely(
  ruleSet: RuleSet,
  c: EvalContext,
  at: string,
  fired: readonly CompiledRule[],
  matchFailures: RuleFailure[],
): { decision: Decision | null; failures: readonly RuleFailure[] } {
  try {
    const decision = decide(ruleSet, c, at, fired, matchFailures);
    return { decision, failures: decision.failures };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { decision: null, failures: [{ ruleId: '*', stage: 'rule-set', message: message.slice(0, 500) }] };
  }
}

/** The escalations among `around` that are still open (not lifted, stepped up or voided). */
export function openEscalations(escalations: readonly EscalationRecord[]): EscalationRecord[] {
  return escalations.filter((e) => !FINAL_ESCALATION_STATES.includes(e.state));
}

/** No second escalation for the same rule and target while one is open (overridden: `already_open`). */
export function withoutOpen(decision: Decision, open: readonly EscalationRecord[]): Decision {
  return withoutOpenEscalations(
    decision,
    open.map((e) => ({ ruleId: e.context.ruleId, target: e.context.target as never })),
  );
}

const sameTarget = (e: EscalationContext, order: EscalationOrder) =>
  e.target.kind === order.target.kind && e.target.id === order.target.id;

/** The open escalation heavier than the order against the same target, if any (the heaviest). */
export function heavierOpen(
  order: EscalationOrder,
  open: readonly EscalationRecord[],
): EscalationRecord | null {
  const heavier = open.filter(
    (e) => sameTarget(e.context, order) && weight(e.context.measure) > weight(order.measure),
  );
  heavier.sort((a, b) => weight(b.context.measure) - weight(a.context.measure));
  return heavier[0] ?? null;
}

/** Open escalations lighter than the order against the same target: issuing the order steps them up. */
export function lighterOpen(order: EscalationOrder, open: readonly EscalationRecord[]): EscalationRecord[] {
  return open.filter(
    (e) => sameTarget(e.context, order) && weight(e.context.measure) < weight(order.measure),
  );
}

/**
 * Splits a de-duplicated decision's orders: those to issue, and those not issued because a heavier
 * measure is open against the same target (recorded as occurrences on it).
 */
export function splitOrders(
  decision: Decision,
  open: readonly EscalationRecord[],
): {
  toIssue: EscalationOrder[];
  underHeavier: Array<{ order: EscalationOrder; heavier: EscalationRecord }>;
} {
  const toIssue: EscalationOrder[] = [];
  const underHeavier: Array<{ order: EscalationOrder; heavier: EscalationRecord }> = [];
  for (const order of decision.escalations) {
    const heavier = heavierOpen(order, open);
    if (heavier) underHeavier.push({ order, heavier });
    else toIssue.push(order);
  }
  return { toIssue, underHeavier };
}

/** Tags the decision adds that the item does not carry yet. */
export function freshTags(decision: Decision, item: ItemContext): string[] {
  return [...new Set(decision.tags.map((t) => t.tag))].filter((tag) => !item.tags.includes(tag));
}
