import {
  evaluate,
  withoutOpenEscalations,
  type Decision,
  type EscalationOrder,
  type UnitFacts,
} from '../rules';
import type { Actor, Engine } from '../engine/engine';
import type { CampaignContext } from '../machines/campaign-types';
import {
  ESCALATION_MEASURES,
  type EscalationContext,
  type EscalationTrigger,
} from '../machines/escalation-types';
import type { ItemContext } from '../machines/item-types';
import type { EventStoreTransaction } from '../persistence/event-store';
import { issuedEscalationOf, ruleFactsFor } from './item-facts';
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

const OPEN_ITEM_STATES = [
  'registered',
  'verifying',
  'dismissalPending',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'reopened',
];
const FINAL_ESCALATION_STATES = ['lifted', 'steppedUp'];
const weight = (measure: string): number => ESCALATION_MEASURES.indexOf(measure as never);

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
  ): Promise<IssuedEscalationSummary[]> {
    const campaignId = item.context.campaignId;
    const ruleSet = await this.ruleSets.activeAt(tx, campaignId, at);
    if (!ruleSet) return [];
    const campaign = await tx.loadStream(campaignId);
    if (!campaign) return [];
    const [unit, escalations] = await Promise.all([
      this.#unitFacts(tx, campaignId, item.unitId),
      this.#escalationsAround(tx, campaignId, item),
    ]);
    const facts = ruleFactsFor({
      state: item.state,
      item: item.context,
      unit: {
        ...unit,
        missedReports: missedReports(campaign.snapshot.context as CampaignContext, item.unitId),
      },
      campaignState: campaign.state,
      campaign: campaign.snapshot.context as CampaignContext,
      history: escalations
        .filter((e) => e.context.itemId === item.context.itemId)
        .map((e) => issuedEscalationOf(e.context)),
      at,
    });
    const open = escalations.filter((e) => !FINAL_ESCALATION_STATES.includes(e.state));
    const decision = withoutOpenEscalations(
      evaluate(ruleSet, facts, at),
      open.map((e) => ({ ruleId: e.context.ruleId, target: e.context.target as never })),
    );
    await this.#applyTags(tx, item.context, decision, at);
    const issued: IssuedEscalationSummary[] = [];
    for (const order of decision.escalations) {
      issued.push(await this.#issue(tx, item, order, decision, open, at, trigger));
    }
    return issued;
  }

  async #issue(
    tx: EventStoreTransaction,
    item: { context: ItemContext; unitId: string },
    order: EscalationOrder,
    decision: Decision,
    open: Array<{ streamId: string; state: string; context: EscalationContext }>,
    at: string,
    trigger: EscalationTrigger,
  ): Promise<IssuedEscalationSummary> {
    const actor: Actor = { userId: RULES_ACTOR_ID, unitId: item.unitId };
    const lighter = open.filter(
      (e) =>
        e.context.target.kind === order.target.kind &&
        e.context.target.id === order.target.id &&
        weight(e.context.measure) < weight(order.measure),
    );
    const created = await this.engine.createIn(
      tx,
      'escalation',
      {
        campaignId: item.context.campaignId,
        itemId: item.context.itemId,
        unitId: item.unitId,
        measure: order.measure,
        target: order.target,
        respondBy: order.respondBy,
        reason: order.reason,
        ruleId: order.ruleId,
        ruleTitle: order.ruleTitle,
        ruleSetId: order.ruleSetId,
        ruleSetVersion: order.ruleSetVersion,
        provenance: decision.fired.find((f) => f.ruleId === order.ruleId) ?? null,
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
    const fresh = [...new Set(decision.tags.map((t) => t.tag))].filter((tag) => !item.tags.includes(tag));
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

  async #unitFacts(
    tx: EventStoreTransaction,
    campaignId: string,
    unitId: string,
  ): Promise<Omit<UnitFacts, 'missedReports'>> {
    const [row] = await tx.query<{ open: string; overdue: string; rectified: string }>(
      `SELECT count(*) FILTER (WHERE state = ANY($3)) AS open, count(*) FILTER (WHERE overdue) AS overdue,
              count(*) FILTER (WHERE state = 'closed') AS rectified
         FROM streams WHERE stream_type = 'item' AND campaign_id = $1 AND unit_id = $2`,
      [campaignId, unitId, OPEN_ITEM_STATES],
    );
    return {
      id: unitId,
      openCount: Number(row?.open ?? 0),
      overdueCount: Number(row?.overdue ?? 0),
      rectifiedCount: Number(row?.rectified ?? 0),
    };
  }

  /** Escalations on this item, and open ones on its unit (unit-level targets are shared by the unit's items). */
  async #escalationsAround(
    tx: EventStoreTransaction,
    campaignId: string,
    item: { context: ItemContext; unitId: string },
  ): Promise<Array<{ streamId: string; state: string; context: EscalationContext }>> {
    const rows = await tx.query<{ stream_id: string; state: string; context: EscalationContext }>(
      `SELECT stream_id, state, snapshot -> 'context' AS context FROM streams
        WHERE stream_type = 'escalation' AND campaign_id = $1
          AND (snapshot #>> '{context,itemId}' = $2
               OR (snapshot #>> '{context,target,id}' = $3 AND snapshot #>> '{context,target,kind}' IN ('unit', 'unit_leader')))
        ORDER BY created_at`,
      [campaignId, item.context.itemId, item.unitId],
    );
    return rows.map((r) => ({ streamId: r.stream_id, state: r.state, context: r.context }));
  }
}

/** Reports a unit missed in this campaign (躺平式 units), from the campaign's reporting record. */
function missedReports(campaign: CampaignContext, unitId: string): number {
  return campaign.missedReports?.[unitId] ?? 0;
}
