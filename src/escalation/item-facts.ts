import type { CampaignContext } from '../machines/campaign-types';
import type { ItemContext } from '../machines/item-types';
import type { EscalationContext } from '../machines/escalation-types';
import {
  normalizeTag,
  type Channel,
  type CampaignFacts,
  type CampaignPhase,
  type IssuedEscalation,
  type ItemState,
  type RuleFacts,
  type Severity,
  type UnitFacts,
} from '../rules';

const DAY = 86_400_000;

const wholeDays = (from: string, to: string): number => Math.floor((Date.parse(to) - Date.parse(from)) / DAY);

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
  const deadline = currentDeadline(state, item);
  return {
    item: {
      id: item.itemId,
      state: state as ItemState,
      category: item.confirmation?.category ?? '',
      checklistItem: item.confirmation?.checklistItem ?? null,
      severity: (item.confirmation?.severity ?? 'general') as Severity,
      tags: item.tags.map(normalizeTag),
      daysOverdue: deadline ? Math.max(0, wholeDays(deadline, at)) : 0,
      daysInState: Math.max(0, wholeDays(item.stateEnteredAt, at)),
      rejectedCount: item.rejections.length,
      complaintTimes: item.complaints,
      longTerm: item.ledger?.longTerm != null,
      // One channel code in the API, the machines and the rules (src/vocabulary/labels.ts).
      channel: item.clue.source satisfies Channel,
      responsiblePerson: item.ledger?.responsiblePerson ?? item.verification?.officerId ?? '',
    },
    unit: input.unit,
    campaign: campaignFactsFor(input.campaignState, campaign, at),
    history: input.history,
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
    daysToPhaseDeadline: phaseDeadline ? wholeDays(at, phaseDeadline) : NaN,
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
