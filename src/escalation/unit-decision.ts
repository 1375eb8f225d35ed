import {
  evaluateUnitSubject,
  unitSubjectFacts,
  unitSubjectRules,
  type Decision,
  type RuleFacts,
  type RuleFailure,
  type RuleSet,
  type UnitFacts,
} from '../rules';
import type { CampaignContext } from '../machines/campaign-types';
import { missedReportDues } from '../machines/reporting-cadence';
import { openEscalations, withoutOpen, type EscalationRecord } from './item-decision';
import { campaignFactsFor } from './item-facts';

/**
 * The pure half of judging a unit as a rule subject of its own (issue 10 point 5; rules/unit-subject.ts): after
 * a REPORT_DUE, each unit that missed it is evaluated by the rules that apply to a unit alone, and what they
 * decide is de-duplicated against the open escalations addressed to the unit or its leader. The live issuer
 * (`EscalationIssuer.evaluateUnit`) and the what-if simulation (simulation.ts) both run these functions.
 */

/** The units a REPORT_DUE at `dueAt` judges: those of the cadence that have no on-time report for it. */
export function unitsThatMissed(campaign: CampaignContext, dueAt: string): string[] {
  return (campaign.reporting?.unitIds ?? []).filter((unitId) =>
    missedReportDues(campaign, unitId).includes(dueAt),
  );
}

/** One unit-subject evaluation: the facts, the de-duplicated decision (null: the rule set failed), the open escalations. */
export interface UnitSubjectEvaluation {
  facts: RuleFacts;
  decision: Decision | null;
  failures: readonly RuleFailure[];
  open: EscalationRecord[];
}

/**
 * Evaluates the unit-subject rules on one unit at `at` and never throws (a failing rule is skipped and
 * reported; anything else is a failure of the whole rule set). Null when the rule set has no rule that applies
 * to a unit alone: nothing is evaluated.
 */
export function evaluateUnitSubjectSafely(
  ruleSet: RuleSet,
  campaign: { state: string; context: CampaignContext },
  unit: Omit<UnitFacts, 'missedReports'>,
  /** The escalations addressed to the unit or its leader, in the order they were issued. */
  escalations: readonly EscalationRecord[],
  at: string,
): UnitSubjectEvaluation | null {
  if (unitSubjectRules(ruleSet).length === 0) return null;
  const unitFacts: UnitFacts = { ...unit, missedReports: campaign.context.missedReports?.[unit.id] ?? 0 };
  const open = openEscalations(escalations);
  const campaignFacts = campaignFactsFor(campaign.state, campaign.context, at);
  const facts = unitSubjectFacts(unitFacts, campaignFacts);
  try {
    const evaluated = evaluateUnitSubject(ruleSet, unitFacts, campaignFacts, at);
    return { facts, decision: withoutOpen(evaluated, open), failures: evaluated.failures, open };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const failures = [{ ruleId: '*', stage: 'rule-set' as const, message: message.slice(0, 500) }];
    return { facts, decision: null, failures, open };
  }
}
