import type { CampaignContext } from '../machines/campaign-types';
import type { ItemContext } from '../machines/item-types';
import type { EscalationContext } from '../machines/escalation-types';
import {
  normalizeTag,
  type Channel,
  type CampaignFacts,
  type CampaignPhase,
  type ItemFacts,
  type IssuedEscalation,
  type ItemState,
  type RuleFacts,
  type Severity,
  type UnitFacts,
} from '../rules';

const DAY = 86_400_000;

/** Whole days from one instant to another (epoch ms). */
const wholeDays = (fromMs: number, toMs: number): number => Math.floor((toMs - fromMs) / DAY);

/** The deadline an item is currently measured against, if any. */
function currentDeadline(state: string, item: ItemContext): string | null {
  if (state === 'verifying') return item.verification?.deadline ?? null;
  if (['rectifying', 'awaitingAcceptance', 'reopened'].includes(state) && !item.ledger?.longTerm)
    return item.ledger?.deadline ?? null;
  return null;
}

/**
 * The facts rules read about one item, computed from stored snapshots at instant `at` (data, not a
 * clock). Pure, so the same facts come out whenever the same snapshots and instant go in.
 */
export function ruleFactsFor(input: {
  state: string;
  item: ItemContext;
  unit: UnitFacts;
  campaignState: string;
  campaign: CampaignContext;
  history: readonly IssuedEscalation[];
  at: string;
}): RuleFacts {
  const { state, item, at, campaign } = input;
  return {
    item: itemFactsAt(itemFactsBase(state, item), Date.parse(at)),
    unit: input.unit,
    campaign: campaignFactsFor(input.campaignState, campaign, at),
    history: input.history,
  };
}

/**
 * What an item's facts are made of apart from the instant: built once per item state by callers that
 * evaluate the same item at many instants (the what-if simulation's sweeps), then completed by `itemFactsAt`.
 */
export interface ItemFactsBase {
  readonly item: ItemContext;
  readonly state: ItemState;
  readonly tags: readonly string[];
  /** The deadline the item is measured against (epoch ms), or null. */
  readonly deadlineMs: number | null;
  /** When the item entered its state (epoch ms). */
  readonly enteredMs: number;
}

/** The instant-independent part of an item's facts. */
export function itemFactsBase(state: string, item: ItemContext): ItemFactsBase {
  const deadline = currentDeadline(state, item);
  return {
    item,
    state: state as ItemState,
    tags: item.tags.map(normalizeTag),
    deadlineMs: deadline ? Date.parse(deadline) : null,
    enteredMs: Date.parse(item.stateEnteredAt),
  };
}

/** 事项.超期天数 at `atMs`: whole days past the deadline the item is measured against (0 when none). */
export function daysOverdueAt(base: ItemFactsBase, atMs: number): number {
  return base.deadlineMs !== null ? Math.max(0, wholeDays(base.deadlineMs, atMs)) : 0;
}

/** 事项.停留天数 at `atMs`: whole days in the current state. */
export function daysInStateAt(base: ItemFactsBase, atMs: number): number {
  return Math.max(0, wholeDays(base.enteredMs, atMs));
}

/** An item's facts at instant `atMs` (epoch ms): the day counts are whole days since the base's instants. */
export function itemFactsAt(base: ItemFactsBase, atMs: number): ItemFacts {
  const { item } = base;
  return {
    id: item.itemId,
    state: base.state,
    category: item.confirmation?.category ?? '',
    checklistItem: item.confirmation?.checklistItem ?? null,
    severity: (item.confirmation?.severity ?? 'general') as Severity,
    tags: base.tags,
    daysOverdue: daysOverdueAt(base, atMs),
    daysInState: daysInStateAt(base, atMs),
    rejectedCount: item.rejections.length,
    complaintTimes: item.complaints,
    longTerm: item.ledger?.longTerm != null,
    // One channel code in the API, the machines and the rules (src/vocabulary/labels.ts).
    channel: item.clue.source satisfies Channel,
    responsiblePerson: item.ledger?.responsiblePerson ?? item.verification?.officerId ?? '',
  };
}

/** The facts rules read about the campaign at instant `at`. Pure. */
export function campaignFactsFor(
  campaignState: string,
  campaign: CampaignContext,
  at: string,
): CampaignFacts {
  const phase = (campaign.phaseHistory[campaign.phaseHistory.length - 1]?.phase ??
    'mobilize') as CampaignPhase;
  const phaseDeadline = campaignState === 'finished' ? undefined : campaign.deadlines[phase];
  return {
    id: campaign.campaignId,
    phase,
    daysToPhaseDeadline: phaseDeadline ? wholeDays(Date.parse(at), Date.parse(phaseDeadline)) : NaN,
  };
}

/** What the rules need to know of an escalation already issued on an item. */
export function issuedEscalationOf(context: EscalationContext): IssuedEscalation {
  return {
    measure: context.measure,
    target: context.target.kind as IssuedEscalation['target'],
    ruleId: context.ruleId,
    issuedAt: context.issuedAt,
  };
}
