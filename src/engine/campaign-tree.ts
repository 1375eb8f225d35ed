import { phaseRank } from '../machines/campaign-guards';
import type { EventStoreTransaction } from '../persistence/event-store';

/**
 * Campaign trees (province → city → county): a campaign names its parent (`parentCampaignId`) and reports
 * upward into it. These lookups run inside the command's transaction, so a decision and the facts it read
 * belong to the same moment.
 */

type Tx = Pick<EventStoreTransaction, 'query'>;

/** A descendant campaign as its parent's phase change sees it. */
export interface DescendantCampaign {
  campaignId: string;
  name: string;
  parentCampaignId: string;
  unitId: string;
  unitName: string;
  unitPath: string;
  state: string;
  depth: number;
  /** Confirmed items of this campaign neither closed nor carried into long-term rectification. */
  unresolvedItems: number;
  /** Long-term items (长期推进) still open. */
  openLongTermItems: number;
}

const UNRESOLVED_STATES = ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'];
const LONG_TERM = `COALESCE(jsonb_typeof(i.snapshot #> '{context,ledger,longTerm}') = 'object', false)`;

/** Every campaign below this one (children, grandchildren …) with its open items, nearest first. */
export async function descendantCampaigns(tx: Tx, campaignId: string): Promise<DescendantCampaign[]> {
  const rows = await tx.query<Record<string, unknown>>(
    `WITH RECURSIVE tree AS (
        SELECT c.stream_id, 1 AS depth FROM streams c
         WHERE c.stream_type = 'campaign' AND c.snapshot #>> '{context,parentCampaignId}' = $1
        UNION ALL
        SELECT c.stream_id, t.depth + 1 FROM streams c JOIN tree t ON c.snapshot #>> '{context,parentCampaignId}' = t.stream_id
         WHERE c.stream_type = 'campaign' AND t.depth < 10)
     SELECT s.stream_id, s.unit_id, s.unit_path, s.state, t.depth, u.name AS unit_name,
            s.snapshot #>> '{context,name}' AS name, s.snapshot #>> '{context,parentCampaignId}' AS parent,
            (SELECT count(*) FROM streams i WHERE i.stream_type = 'item' AND i.campaign_id = s.stream_id
                AND i.state = ANY($2) AND NOT ${LONG_TERM}) AS unresolved,
            (SELECT count(*) FROM streams i WHERE i.stream_type = 'item' AND i.campaign_id = s.stream_id
                AND i.state = ANY($2) AND ${LONG_TERM}) AS long_term
       FROM tree t JOIN streams s ON s.stream_id = t.stream_id JOIN units u ON u.id = s.unit_id
      ORDER BY t.depth, s.unit_path, s.stream_id`,
    [campaignId, UNRESOLVED_STATES],
  );
  return rows.map((r) => ({
    campaignId: String(r.stream_id),
    name: String(r.name),
    parentCampaignId: String(r.parent),
    unitId: String(r.unit_id),
    unitName: String(r.unit_name),
    unitPath: String(r.unit_path),
    state: String(r.state),
    depth: Number(r.depth),
    unresolvedItems: Number(r.unresolved),
    openLongTermItems: Number(r.long_term),
  }));
}

/** The campaign's ancestors (parent first) with their state. */
export async function ancestorCampaigns(
  tx: Tx,
  campaignId: string,
): Promise<Array<{ campaignId: string; state: string; unitPath: string }>> {
  const rows = await tx.query<{ stream_id: string; state: string; unit_path: string }>(
    `WITH RECURSIVE up AS (
        SELECT snapshot #>> '{context,parentCampaignId}' AS parent, 1 AS depth FROM streams
         WHERE stream_id = $1 AND stream_type = 'campaign'
        UNION ALL
        SELECT c.snapshot #>> '{context,parentCampaignId}', u.depth + 1 FROM streams c JOIN up u ON c.stream_id = u.parent
         WHERE c.stream_type = 'campaign' AND u.depth < 10)
     SELECT s.stream_id, s.state, s.unit_path FROM up JOIN streams s ON s.stream_id = up.parent
      ORDER BY up.depth`,
    [campaignId],
  );
  return rows.map((r) => ({ campaignId: r.stream_id, state: r.state, unitPath: r.unit_path }));
}

/** Why a campaign run by the unit at `childUnitPath` cannot report into `parentId`, or null. */
export async function parentCampaignProblem(
  tx: Tx,
  parentId: string,
  childUnitPath: string,
): Promise<{ code: 'notFound' | 'outsideLine' | 'finished'; message: string } | null> {
  const [parent] = await tx.query<{ state: string; unit_id: string; unit_path: string; name: string }>(
    `SELECT s.state, s.unit_id, s.unit_path, u.name FROM streams s JOIN units u ON u.id = s.unit_id
      WHERE s.stream_id = $1 AND s.stream_type = 'campaign'`,
    [parentId],
  );
  if (!parent) return { code: 'notFound', message: `parentCampaignId: no campaign ${parentId}` };
  if (!childUnitPath.startsWith(parent.unit_path))
    return {
      code: 'outsideLine',
      message: `parentCampaignId: campaign ${parentId} is run by ${parent.name}, which is neither the new campaign's unit nor above it; a sub-campaign reports only into a campaign of its own unit or a unit above it`,
    };
  if (parent.state === 'finished')
    return {
      code: 'finished',
      message: `parentCampaignId: campaign ${parentId} is finished and takes no sub-campaigns`,
    };
  const finishedAbove = (await ancestorCampaigns(tx, parentId)).find((a) => a.state === 'finished');
  return finishedAbove
    ? {
        code: 'finished',
        message: `parentCampaignId: campaign ${parentId} reports into ${finishedAbove.campaignId}, which is finished and takes no sub-campaigns`,
      }
    : null;
}

/** A sub-campaign as its ancestors' readers see it: where it stands and whether it lags behind its parent. */
export interface SubCampaignView extends DescendantCampaign {
  /** Its parent campaign has reached a later phase than it has (滞后). */
  lagging: boolean;
}

/** The sub-campaigns of a campaign, each flagged when it lags behind its own parent's phase. */
export async function subCampaigns(
  tx: Tx,
  campaign: { campaignId: string; state: string },
): Promise<SubCampaignView[]> {
  const descendants = await descendantCampaigns(tx, campaign.campaignId);
  const states = new Map([
    [campaign.campaignId, campaign.state],
    ...descendants.map((d) => [d.campaignId, d.state] as const),
  ]);
  return descendants.map((d) => ({
    ...d,
    lagging: phaseRank(d.state) < phaseRank(states.get(d.parentCampaignId) ?? d.state),
  }));
}
