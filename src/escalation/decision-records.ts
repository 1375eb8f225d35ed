import type { Decision, EscalationOrder } from '../rules';
import type { Actor, Engine } from '../engine/engine';
import type { EscalationContext, EscalationTrigger } from '../machines/escalation-types';
import type { ItemContext, SuppressionRecord } from '../machines/item-types';
import type { EventStoreTransaction } from '../persistence/event-store';
import { splitOrders } from './item-decision';

/**
 * Decisions of the rules that issue no new escalation still leave a trace, as events appended in the
 * command's transaction (never by changing history):
 * - a rule fires for a second item against a target whose escalation from the same rule is still open →
 *   `RECORD_OCCURRENCE` (`already_open`) on that escalation, with the item and the facts;
 * - a rule orders a lighter measure against a target under a heavier open one → not issued;
 *   `RECORD_OCCURRENCE` (`lighter_than_open`) on the heavier escalation;
 * - a suppression (容错免责 / 免罚清单) fires → `RECORD_SUPPRESSION` on the item (rule, facts, what it kept
 *   from being issued), and open escalations on the item that it covers, issued before it, get
 *   `FLAG_FOR_REVIEW` for a supervisor's decision (keep with `KEEP_AFTER_REVIEW`, or lift).
 * Each is recorded once: an occurrence once per item and rule on an escalation, a suppression again only
 * when what it suppresses changes, a flag once per suppression rule and item.
 */

export type OpenEscalation = { streamId: string; state: string; context: EscalationContext };

/** What the rules recorded besides issuing, as reported back to the command's caller. */
export interface RecordedDecision {
  recorded: 'occurrence' | 'suppression' | 'review_flag';
  /** The escalation the occurrence or the flag was recorded on, or the item of a suppression. */
  streamId: string;
  ruleId: string;
  itemId: string;
  cause?: 'already_open' | 'lighter_than_open';
  measure?: string;
}

const sameTarget = (e: EscalationContext, order: EscalationOrder) =>
  e.target.kind === order.target.kind && e.target.id === order.target.id;

interface Situation {
  engine: Engine;
  tx: EventStoreTransaction;
  item: { context: ItemContext; unitId: string };
  decision: Decision;
  open: readonly OpenEscalation[];
  at: string;
  trigger: EscalationTrigger;
  actor: Actor;
}

const provenanceOf = (decision: Decision, ruleId: string) =>
  decision.fired.find((f) => f.ruleId === ruleId) ?? null;

async function recordOccurrence(
  s: Situation,
  escalation: OpenEscalation,
  order: EscalationOrder,
  cause: 'already_open' | 'lighter_than_open',
): Promise<RecordedDecision | null> {
  const itemId = s.item.context.itemId;
  const known = (escalation.context.occurrences ?? []).some(
    (o) => o.itemId === itemId && o.ruleId === order.ruleId && o.cause === cause,
  );
  // The escalation's own item firing again is the same occurrence, not a new one.
  const own = cause === 'already_open' && escalation.context.itemId === itemId;
  if (known || own) return null;
  await s.engine.executeIn(
    s.tx,
    escalation.streamId,
    {
      type: 'RECORD_OCCURRENCE',
      itemId,
      ruleId: order.ruleId,
      ruleSetVersion: order.ruleSetVersion,
      measure: order.measure,
      cause,
      provenance: provenanceOf(s.decision, order.ruleId),
      trigger: s.trigger,
    },
    s.actor,
    { at: s.at, derived: true },
  );
  return {
    recorded: 'occurrence',
    streamId: escalation.streamId,
    ruleId: order.ruleId,
    itemId,
    cause,
    measure: order.measure,
  };
}

/**
 * Records the occurrences the decision does not issue (already open for the same rule and target, or
 * lighter than an open measure) and returns the orders still to issue with what was recorded.
 */
export async function recordOccurrences(
  s: Situation,
): Promise<{ toIssue: EscalationOrder[]; recorded: RecordedDecision[] }> {
  const recorded: RecordedDecision[] = [];
  for (const overridden of s.decision.overridden) {
    if (overridden.cause !== 'already_open') continue;
    const escalation = s.open.find(
      (e) => e.context.ruleId === overridden.order.ruleId && sameTarget(e.context, overridden.order),
    );
    const record = escalation && (await recordOccurrence(s, escalation, overridden.order, 'already_open'));
    if (record) recorded.push(record);
  }
  const { toIssue, underHeavier } = splitOrders(s.decision, s.open);
  for (const { order, heavier } of underHeavier) {
    const record = await recordOccurrence(s, heavier, order, 'lighter_than_open');
    if (record) recorded.push(record);
  }
  return { toIssue, recorded };
}

const suppressionKey = (r: Pick<SuppressionRecord, 'ruleId' | 'suppressed'>) =>
  `${r.ruleId}|${r.suppressed
    .map((x) => `${x.ruleId}:${x.target.kind}:${x.target.id}`)
    .sort()
    .join(',')}`;

/** Records each suppression on the item and flags the open escalations it covers that were issued before it. */
export async function recordSuppressions(s: Situation): Promise<RecordedDecision[]> {
  const recorded: RecordedDecision[] = [];
  const item = s.item.context;
  const known = new Set((item.suppressions ?? []).map(suppressionKey));
  for (const suppression of s.decision.suppressions) {
    const suppressed = s.decision.overridden
      .filter((o) => o.cause === 'suppressed' && o.byRuleId === suppression.ruleId)
      .map((o) => ({ ruleId: o.order.ruleId, measure: o.order.measure, target: o.order.target }));
    if (known.has(suppressionKey({ ruleId: suppression.ruleId, suppressed }))) continue;
    const covered = s.open.filter(
      (e) =>
        e.context.itemId === item.itemId &&
        (suppression.target === 'all' || e.context.target.kind === suppression.target) &&
        !(e.context.reviewFlags ?? []).some(
          (f) => f.ruleId === suppression.ruleId && f.itemId === item.itemId,
        ),
    );
    const provenance = provenanceOf(s.decision, suppression.ruleId);
    for (const escalation of covered) {
      await s.engine.executeIn(
        s.tx,
        escalation.streamId,
        {
          type: 'FLAG_FOR_REVIEW',
          itemId: item.itemId,
          ruleId: suppression.ruleId,
          reason: suppression.reason,
          provenance,
        },
        s.actor,
        { at: s.at, derived: true },
      );
      recorded.push({
        recorded: 'review_flag',
        streamId: escalation.streamId,
        ruleId: suppression.ruleId,
        itemId: item.itemId,
      });
    }
    const appended = await s.engine
      .executeIn(
        s.tx,
        item.itemId,
        {
          type: 'RECORD_SUPPRESSION',
          ruleId: suppression.ruleId,
          ruleSetId: s.decision.ruleSetId,
          ruleSetVersion: s.decision.ruleSetVersion,
          target: suppression.target,
          reason: suppression.reason,
          suppressed,
          flagged: covered.map((e) => e.streamId),
          provenance,
        },
        s.actor,
        { at: s.at, derived: true },
      )
      .then(
        () => true,
        () => false, // a final item takes no events; its suppression is still on the flagged escalations
      );
    if (appended)
      recorded.push({
        recorded: 'suppression',
        streamId: item.itemId,
        ruleId: suppression.ruleId,
        itemId: item.itemId,
      });
  }
  return recorded;
}
