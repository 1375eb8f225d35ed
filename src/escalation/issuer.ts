import {
  unitSubjectRules,
  type Decision,
  type EscalationOrder,
  type RuleSet,
  type UnitFacts,
} from '../rules';
import type { Actor, Engine } from '../engine/engine';
import type { CampaignContext } from '../machines/campaign-types';
import type { EscalationContext, EscalationTrigger } from '../machines/escalation-types';
import type { ItemContext } from '../machines/item-types';
import type { EventStoreTransaction } from '../persistence/event-store';
import { itemOverdueSql } from '../persistence/overdue';
import { recordOccurrences, recordSuppressions, type RecordedDecision } from './decision-records';
import {
  freshTags,
  itemRuleFacts,
  lighterOpen,
  openEscalations,
  ruleSetCanFire,
  withoutOpen,
} from './item-decision';
import { evaluateUnitSubjectSafely } from './unit-decision';
import { missedReportDues } from '../machines/reporting-cadence';
import {
  evaluateRecordingFailures,
  PublishedRuleSetUnusableError,
  recordRuleFailures,
} from './rule-failures';
import type { RuleSetRegistry } from './rule-sets';

/** What an evaluation issued, as reported back to the caller of a command. */
export interface IssuedEscalationSummary {
  escalationId: string;
  measure: string;
  target: { kind: string; id: string };
  ruleId: string;
  ruleSetId: string;
  ruleSetVersion: number;
  respondBy: string | null;
  reason: string;
  steppedUp: string[];
}

/** The rules act as this system user; the event log says so. */
export const RULES_ACTOR_ID = 'system:rules';

/**
 * Evaluates the rule set in effect on one item and issues what it decides, inside the caller's
 * transaction: the escalation records are created (or lighter open ones stepped up) together with the
 * event that triggered them, so an escalation is never lost or doubled.
 */
export class EscalationIssuer {
  constructor(
    private readonly engine: Engine,
    private readonly ruleSets: RuleSetRegistry,
  ) {}

  async evaluateItem(
    tx: EventStoreTransaction,
    item: { state: string; context: ItemContext; unitId: string },
    at: string,
    trigger: EscalationTrigger,
  ): Promise<Array<IssuedEscalationSummary | RecordedDecision>> {
    const campaignId = item.context.campaignId;
    const site = { campaignId, itemId: item.context.itemId, at, trigger };
    const unusable = async (error: unknown): Promise<null> => {
      if (!(error instanceof PublishedRuleSetUnusableError)) throw error;
      const failure = { ruleId: '*', stage: 'rule-set' as const, message: error.message };
      await recordRuleFailures(tx, error.ruleSetId, error.version, site, [failure]);
      return null; // a broken rule set never blocks the command: it is recorded and skipped
    };
    // The compile-time index by item state: when no rule can fire in this state, skip the fact queries.
    const noRuleFor = (ruleSet: RuleSet | null) => !ruleSet || !ruleSetCanFire(ruleSet, item.state);
    const known = await this.ruleSets.knownActiveVersion(tx, campaignId, at);
    let ruleSet: RuleSet | null = null;
    if (known === null) return [];
    if (known !== undefined) {
      ruleSet = await this.ruleSets.compiled(tx, campaignId, known).catch(unusable);
      if (noRuleFor(ruleSet)) return [];
    }
    // On PostgreSQL the version in effect comes back with the facts: one round trip for both.
    const around = await this.#surroundings(tx, campaignId, item, at);
    if (known === undefined) {
      if (around.ruleSetVersion === null) return [];
      ruleSet = await this.ruleSets.compiled(tx, campaignId, around.ruleSetVersion).catch(unusable);
      if (noRuleFor(ruleSet)) return [];
    }
    if (!around.campaign || !ruleSet) return [];
    const { campaign, unit, escalations } = around as typeof around & {
      campaign: NonNullable<typeof around.campaign>;
    };
    // The same pure steps as the what-if simulation (item-decision.ts, simulation.ts).
    const facts = itemRuleFacts(item, { campaign, unit, escalations }, at);
    const open = openEscalations(escalations);
    const evaluated = await evaluateRecordingFailures(tx, ruleSet, facts, site);
    if (!evaluated) return [];
    const decision = withoutOpen(evaluated, open);
    await this.#applyTags(tx, item.context, decision, at);
    // Decisions that issue nothing new are recorded too (decision-records.ts): nothing leaves no trace.
    const situation = {
      engine: this.engine,
      tx,
      item,
      decision,
      open,
      at,
      trigger,
      actor: { userId: RULES_ACTOR_ID, unitId: item.unitId },
    };
    const { toIssue, recorded } = await recordOccurrences(situation);
    const suppressions = await recordSuppressions(situation);
    const issued: IssuedEscalationSummary[] = [];
    for (const order of toIssue) {
      const subject = { campaignId, itemId: item.context.itemId, unitId: item.unitId };
      const dues = missedReportDues(campaign.context, item.unitId);
      issued.push(await this.#issue(tx, subject, dues, order, decision, open, at, trigger));
    }
    return [...issued, ...recorded, ...suppressions];
  }

  /**
   * Evaluates the rules that apply to a unit alone (rules/unit-subject.ts) — no item needed — and issues
   * what they decide against the unit or its leader, de-duplicated against the open escalations on it.
   * After a REPORT_DUE the units that missed it are judged this way (躺平式 units with no open item too).
   */
  async evaluateUnit(
    tx: EventStoreTransaction,
    campaignId: string,
    unitId: string,
    at: string,
    trigger: EscalationTrigger,
  ): Promise<IssuedEscalationSummary[]> {
    const site = { campaignId, itemId: `unit:${unitId}`, at, trigger };
    const ruleSet = await this.ruleSets.activeAt(tx, campaignId, at).catch(async (error: unknown) => {
      if (!(error instanceof PublishedRuleSetUnusableError)) throw error;
      const failure = { ruleId: '*', stage: 'rule-set' as const, message: error.message };
      await recordRuleFailures(tx, error.ruleSetId, error.version, site, [failure]);
      return null;
    });
    if (!ruleSet || unitSubjectRules(ruleSet).length === 0) return [];
    // No item: the surroundings query reads the unit's counts and the escalations addressed to the unit.
    const noItem = { context: { itemId: site.itemId } as ItemContext, unitId };
    const around = await this.#surroundings(tx, campaignId, noItem, at);
    if (!around.campaign) return [];
    const campaign = around.campaign;
    // The same pure steps as the what-if simulation (unit-decision.ts, simulation.ts).
    const evaluated = evaluateUnitSubjectSafely(ruleSet, campaign, around.unit, around.escalations, at);
    if (!evaluated) return [];
    if (evaluated.failures.length > 0)
      await recordRuleFailures(tx, ruleSet.id, ruleSet.version, site, evaluated.failures);
    const { decision, open } = evaluated;
    if (!decision) return [];
    const subject = { campaignId, itemId: null, unitId };
    const dues = missedReportDues(campaign.context, unitId);
    const issued: IssuedEscalationSummary[] = [];
    for (const order of decision.escalations) {
      issued.push(await this.#issue(tx, subject, dues, order, decision, open, at, trigger));
    }
    return issued;
  }

  /**
   * Creates one escalation record (stepping up lighter open ones on the same target). Its provenance is the
   * fired rule's; a rule that read the unit's missed reports (单位.漏报次数) also cites the due instants
   * the unit missed, so the record says which reports were not made.
   */
  async #issue(
    tx: EventStoreTransaction,
    subject: { campaignId: string; itemId: string | null; unitId: string },
    missedDues: readonly string[],
    order: EscalationOrder,
    decision: Decision,
    open: Array<{ streamId: string; state: string; context: EscalationContext }>,
    at: string,
    trigger: EscalationTrigger,
  ): Promise<IssuedEscalationSummary> {
    const actor: Actor = { userId: RULES_ACTOR_ID, unitId: subject.unitId };
    const fired = decision.fired.find((f) => f.ruleId === order.ruleId) ?? null;
    const readsMissedReports = fired?.reads.some((r) => r.en === 'unit.missed_reports') === true;
    const lighter = lighterOpen(order, open);
    const created = await this.engine.createIn(
      tx,
      'escalation',
      {
        campaignId: subject.campaignId,
        itemId: subject.itemId,
        unitId: subject.unitId,
        measure: order.measure,
        target: order.target,
        respondBy: order.respondBy,
        reason: order.reason,
        ruleId: order.ruleId,
        ruleTitle: order.ruleTitle,
        ruleSetId: order.ruleSetId,
        ruleSetVersion: order.ruleSetVersion,
        provenance: fired && readsMissedReports ? { ...fired, missedReportDues: [...missedDues] } : fired,
        overridden: decision.overridden,
        trigger,
        stepsUpFrom: lighter[0]?.streamId ?? null,
      },
      actor,
      { at, derived: true },
    );
    for (const previous of lighter) {
      await this.engine.executeIn(
        tx,
        previous.streamId,
        { type: 'STEP_UP', measure: order.measure, escalationId: created.streamId },
        actor,
        { at, derived: true },
      );
    }
    return {
      escalationId: created.streamId,
      measure: order.measure,
      target: order.target,
      ruleId: order.ruleId,
      ruleSetId: order.ruleSetId,
      ruleSetVersion: order.ruleSetVersion,
      respondBy: order.respondBy,
      reason: order.reason,
      steppedUp: lighter.map((e) => e.streamId),
    };
  }

  /** Tag actions add the tag to the item as an ordinary event, attributed to the rules. */
  async #applyTags(
    tx: EventStoreTransaction,
    item: ItemContext,
    decision: Decision,
    at: string,
  ): Promise<void> {
    const fresh = freshTags(decision, item);
    for (const tag of fresh) {
      await this.engine
        .executeIn(
          tx,
          item.itemId,
          { type: 'ADD_TAG', tag },
          { userId: RULES_ACTOR_ID, unitId: item.reportedUnitId },
          { at, derived: true },
        )
        .catch(() => undefined); // a final or tag-less state refuses tags: the decision still stands
    }
  }

  /**
   * Everything around an item that its facts need — the rule-set version in effect, the campaign, its
   * unit's counts (the `unit_item_counts` projection, src/persistence/unit-item-counts.ts), the escalations
   * on the item and on its unit — in one round trip (this runs inside every item command).
   */
  async #surroundings(
    tx: EventStoreTransaction,
    campaignId: string,
    item: { context: ItemContext; unitId: string },
    at: string,
  ): Promise<{
    ruleSetVersion: number | null;
    campaign: { state: string; context: CampaignContext } | null;
    unit: Omit<UnitFacts, 'missedReports'>;
    escalations: Array<{ streamId: string; state: string; context: EscalationContext }>;
  }> {
    const [row] = await tx.query<{
      rule_set_version: number | null;
      campaign_state: string | null;
      campaign_context: CampaignContext | null;
      open: number | null;
      overdue: number | null;
      rectified: number | null;
      complaint_times: string[] | null;
      escalations: Array<{ streamId: string; state: string; context: EscalationContext }>;
    }>(
      `SELECT (SELECT version FROM rule_sets WHERE campaign_id = $1 AND published_at <= $4
                ORDER BY version DESC LIMIT 1) AS rule_set_version,
              c.state AS campaign_state, c.snapshot -> 'context' AS campaign_context,
              u.open_count AS open, u.overdue_count + lagging.n AS overdue, u.rectified_count AS rectified, u.complaint_times,
              COALESCE(e.list, '[]'::json) AS escalations
         FROM (SELECT 1) AS one
         LEFT JOIN streams c ON c.stream_id = $1 AND c.stream_type = 'campaign'
         LEFT JOIN unit_item_counts u ON u.campaign_id = $1 AND u.unit_id = $3
         -- overdue as defined once (persistence/overdue.ts): the projection counts the scheduler's flags; add the
         -- items whose deadline has passed at $4 but which the scheduler has not marked yet (few, by index).
         CROSS JOIN LATERAL (
           SELECT count(*) AS n FROM streams o
            WHERE o.stream_type = 'item' AND o.campaign_id = $1 AND o.unit_id = $3 AND NOT o.overdue
              AND o.deadline < $4 AND ${itemOverdueSql({ state: 'o.state', deadline: 'o.deadline', longTerm: 'o.long_term' }, '$4')}) lagging
         CROSS JOIN LATERAL (
           SELECT json_agg(json_build_object('streamId', stream_id, 'state', state, 'context', snapshot -> 'context')
                           ORDER BY created_at, stream_id) AS list
             FROM streams
            WHERE stream_type = 'escalation' AND campaign_id = $1
              AND (snapshot #>> '{context,itemId}' = $2
                   OR (snapshot #>> '{context,target,id}' = $3 AND snapshot #>> '{context,target,kind}' IN ('unit', 'unit_leader')))) e`,
      [campaignId, item.context.itemId, item.unitId, at],
    );
    return {
      ruleSetVersion: row?.rule_set_version == null ? null : Number(row.rule_set_version),
      campaign:
        row?.campaign_state && row.campaign_context
          ? { state: row.campaign_state, context: row.campaign_context }
          : null,
      unit: {
        id: item.unitId,
        openCount: Number(row?.open ?? 0),
        overdueCount: Number(row?.overdue ?? 0),
        rectifiedCount: Number(row?.rectified ?? 0),
        complaintTimes: [...(row?.complaint_times ?? [])].sort(),
      },
      escalations: row?.escalations ?? [],
    };
  }
}
