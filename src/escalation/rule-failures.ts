import type { Decision, RuleFacts, RuleFailure, RuleSet } from '../rules';
import type { EscalationTrigger } from '../machines/escalation-types';
import type { EventStoreTransaction } from '../persistence/event-store';
import { insertRuleFailures } from '../persistence/rule-failures';
import { evaluateSafely } from './item-decision';

/** A published rule set that cannot be used any more (it no longer compiles under today's compiler). */
export class PublishedRuleSetUnusableError extends Error {
  constructor(
    readonly campaignId: string,
    readonly version: number,
    readonly ruleSetId: string,
    detail: string,
  ) {
    super(`published rule set ${campaignId}@${version} no longer compiles: ${detail}`);
    this.name = 'PublishedRuleSetUnusableError';
  }
}

/** Where an evaluation ran: enough to find the failure again. */
export interface EvaluationSite {
  campaignId: string;
  itemId: string | null;
  at: string;
  trigger: EscalationTrigger;
}

/**
 * Evaluates and never throws: a rule that fails is skipped by the evaluator (decision.failures); anything
 * else that throws becomes a failure of the whole rule set. The failures are recorded in the caller's
 * transaction, so the supervisor sees them (GET /campaigns/:id/rule-failures, `zhengzhi rules failures`).
 */
export async function evaluateRecordingFailures(
  tx: EventStoreTransaction,
  ruleSet: RuleSet,
  facts: RuleFacts,
  site: EvaluationSite,
): Promise<Decision | null> {
  const { decision, failures } = evaluateSafely(ruleSet, facts, site.at);
  if (failures.length > 0) await recordRuleFailures(tx, ruleSet.id, ruleSet.version, site, failures);
  return decision;
}

export async function recordRuleFailures(
  tx: EventStoreTransaction,
  ruleSetId: string,
  ruleSetVersion: number,
  site: EvaluationSite,
  failures: readonly RuleFailure[],
): Promise<void> {
  await insertRuleFailures(
    tx,
    failures.map((f) => ({
      campaignId: site.campaignId,
      ruleSetId,
      ruleSetVersion,
      ruleId: f.ruleId,
      stage: f.stage,
      itemId: site.itemId,
      occurredAt: site.at,
      trigger: site.trigger,
      message: f.message,
    })),
  );
}
