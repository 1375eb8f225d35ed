import type { CampaignContext } from '../machines/campaign-types';
import type { Directory } from '../persistence/directory';
import type { EventStoreTransaction, StreamRecord } from '../persistence/event-store';
import { ancestorCampaigns, descendantCampaigns } from './campaign-tree';
import { correctionPreparers } from './corrections';

/**
 * Facts from other streams that a command depends on, looked up inside the command's transaction.
 * A preparer either stamps the facts on the event (so that replay sees exactly what the decision saw)
 * or returns the sentence that refuses the command.
 */
export type Preparation =
  { event: Record<string, unknown> & { type: string; at: string } } | { problem: string };

type Preparer = (
  tx: EventStoreTransaction,
  stream: StreamRecord,
  event: Record<string, unknown> & { type: string; at: string },
  directory: Directory,
) => Promise<Preparation>;

/** States of a confirmed problem that is not yet closed. */
const UNRESOLVED_STATES = ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'];
const LONG_TERM = `jsonb_typeof(snapshot #> '{context,ledger,longTerm}') = 'object'`;

async function countItems(tx: EventStoreTransaction, campaignId: string, longTerm: boolean): Promise<number> {
  const rows = await tx.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM streams WHERE stream_type = 'item' AND campaign_id = $1 AND state = ANY($2)
       AND ${longTerm ? '' : 'NOT'} COALESCE(${LONG_TERM}, false)`,
    [campaignId, UNRESOLVED_STATES],
  );
  return Number(rows[0]?.n ?? 0);
}

async function campaignContext(
  tx: EventStoreTransaction,
  campaignId: string,
): Promise<{ state: string; context: CampaignContext } | null> {
  const campaign = await tx.loadStream(campaignId);
  return campaign && campaign.streamType === 'campaign'
    ? { state: campaign.state, context: campaign.snapshot.context as CampaignContext }
    : null;
}

/** Units are never deleted, so the directory's cache of unit paths answers most of these without a query. */
async function unitExists(
  tx: EventStoreTransaction,
  unitId: unknown,
  directory: Directory,
): Promise<boolean> {
  if (typeof unitId !== 'string') return false;
  return directory
    .unitPath(unitId, (sql, parameters) => tx.query(sql, parameters))
    .then(
      () => true,
      () => false,
    );
}

/** The sub-campaigns a parent's phase change depends on, stamped on the event for replay. */
async function childFacts(tx: EventStoreTransaction, campaignId: string) {
  return (await descendantCampaigns(tx, campaignId)).map((c) => ({
    campaignId: c.campaignId,
    state: c.state,
    unresolvedItems: c.unresolvedItems,
    openLongTermItems: c.openLongTermItems,
  }));
}

const preparers: Record<string, Record<string, Preparer>> = {
  campaign: {
    ADVANCE_PHASE: async (tx, stream, event) => ({
      event: {
        ...event,
        unresolvedItems: await countItems(tx, stream.streamId, false),
        children: await childFacts(tx, stream.streamId),
      },
    }),
    FINISH: async (tx, stream, event) => ({
      event: {
        ...event,
        openLongTermItems: await countItems(tx, stream.streamId, true),
        children: await childFacts(tx, stream.streamId),
      },
    }),
  },
  item: {
    ASSIGN_VERIFICATION: async (tx, _stream, event, directory) =>
      (await unitExists(tx, event.unitId, directory))
        ? { event }
        : { problem: `unit ${String(event.unitId)} does not exist` },
    CONFIRM: async (tx, stream, event) => {
      const campaignId = (stream.snapshot.context as { campaignId: string }).campaignId;
      const campaign = await campaignContext(tx, campaignId);
      if (!campaign) return { problem: `campaign ${campaignId} does not exist` };
      const codes = campaign.context.categories.map((c) => c.code);
      if (!codes.includes(event.category as string)) {
        return {
          problem: `category ${String(event.category)} is not one of this campaign's categories: ${codes.join(', ')}`,
        };
      }
      const item = event.checklistItem;
      if (
        item !== undefined &&
        item !== null &&
        campaign.context.checklist.length > 0 &&
        !campaign.context.checklist.some((c) => c.number === item)
      ) {
        return {
          problem: `checklist item ${String(item)} is not on this campaign's checklist (1–${campaign.context.checklist.length})`,
        };
      }
      return { event };
    },
    START_RECTIFICATION: async (tx, _stream, event, directory) =>
      (await unitExists(tx, event.responsibleUnitId, directory))
        ? { event }
        : { problem: `responsible unit ${String(event.responsibleUnitId)} does not exist` },
    ...correctionPreparers,
  },
};

/** Stamps cross-stream facts on an event, or refuses it. Events without a preparer pass unchanged. */
export async function prepareEvent(
  tx: EventStoreTransaction,
  stream: StreamRecord,
  event: Record<string, unknown> & { type: string; at: string },
  directory: Directory,
): Promise<Preparation> {
  const preparer = preparers[stream.streamType]?.[event.type];
  return preparer ? preparer(tx, stream, event, directory) : { event };
}

/** Checks a new item's campaign before registration: it must exist and still be collecting problems. */
export async function campaignAcceptsItems(
  tx: EventStoreTransaction,
  campaignId: string,
): Promise<string | null> {
  const campaign = await campaignContext(tx, campaignId);
  if (!campaign) return `campaign ${campaignId} does not exist`;
  if (campaign.state === 'finished') return `campaign ${campaignId} is finished and takes no new items`;
  // Under a finished parent (finished over its open children with a recorded reason) nothing new starts.
  const finishedAbove = (await ancestorCampaigns(tx, campaignId)).find((a) => a.state === 'finished');
  return finishedAbove
    ? `campaign ${campaignId} reports into ${finishedAbove.campaignId}, which is finished: no new items`
    : null;
}
