import type { PoolClient } from 'pg';

/**
 * The per-unit counts the rules read (单位.在办数, 单位.超期率, 单位.整改数, complaints in a window), kept as a
 * projection table `unit_item_counts` that every item append adjusts in its own transaction — instead of
 * counting the unit's items on every event. One row per (campaign, unit); `complaint_times` is a multiset
 * of the complaint instants of the unit's items. The states that count as open mirror the item machine's
 * non-final states (src/machines/item-machine.ts); `test/engine/unit-counts.int.spec.ts` checks the
 * table against a recount after generated workloads.
 */
export const OPEN_ITEM_STATES: readonly string[] = [
  'registered',
  'verifying',
  'dismissalPending',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'reopened',
];
const OPEN = new Set(OPEN_ITEM_STATES);

/** What one item stream head contributes to its unit's counts. */
export interface ItemCountContribution {
  campaignId: string;
  unitId: string;
  open: number;
  overdue: number;
  rectified: number;
  complaints: readonly string[];
}

/** The counts an item head contributes, or null for a head that is not an item (or has no campaign). */
export function itemContribution(head: {
  streamType: string;
  state: string;
  campaignId: string | null;
  unitId: string;
  overdue: boolean;
  context: unknown;
}): ItemCountContribution | null {
  if (head.streamType !== 'item' || head.campaignId === null) return null;
  const complaints = (head.context as { complaints?: unknown } | null)?.complaints;
  return {
    campaignId: head.campaignId,
    unitId: head.unitId,
    open: OPEN.has(head.state) ? 1 : 0,
    overdue: head.overdue ? 1 : 0,
    rectified: head.state === 'closed' ? 1 : 0,
    complaints: Array.isArray(complaints) ? complaints.map(String) : [],
  };
}

interface CountDelta {
  campaignId: string;
  unitId: string;
  open: number;
  overdue: number;
  rectified: number;
  added: string[];
  removed: string[];
}

const sameComplaints = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/**
 * The row changes that move a head from `before` to `after` (either may be null). Most events change none
 * of the counted columns, and then nothing is written at all.
 */
export function countDeltas(
  before: ItemCountContribution | null,
  after: ItemCountContribution | null,
): CountDelta[] {
  if (
    before &&
    after &&
    before.campaignId === after.campaignId &&
    before.unitId === after.unitId &&
    before.open === after.open &&
    before.overdue === after.overdue &&
    before.rectified === after.rectified &&
    sameComplaints(before.complaints, after.complaints)
  )
    return [];
  const deltas = new Map<string, CountDelta>();
  const apply = (c: ItemCountContribution, sign: 1 | -1) => {
    const key = `${c.campaignId}\u0000${c.unitId}`;
    let d = deltas.get(key);
    if (!d) {
      d = {
        campaignId: c.campaignId,
        unitId: c.unitId,
        open: 0,
        overdue: 0,
        rectified: 0,
        added: [],
        removed: [],
      };
      deltas.set(key, d);
    }
    d.open += sign * c.open;
    d.overdue += sign * c.overdue;
    d.rectified += sign * c.rectified;
    (sign === 1 ? d.added : d.removed).push(...c.complaints);
  };
  if (before) apply(before, -1);
  if (after) apply(after, 1);
  // Complaints only ever accumulate on an item: within one unit keep just the difference.
  for (const d of deltas.values()) {
    const removed = [...d.removed];
    d.added = d.added.filter((t) => {
      const i = removed.indexOf(t);
      if (i === -1) return true;
      removed.splice(i, 1);
      return false;
    });
    d.removed = removed;
  }
  return [...deltas.values()].filter(
    (d) => d.open !== 0 || d.overdue !== 0 || d.rectified !== 0 || d.added.length > 0 || d.removed.length > 0,
  );
}

const UPSERT = `INSERT INTO unit_item_counts AS c (campaign_id, unit_id, open_count, overdue_count, rectified_count, complaint_times)
  VALUES ($1, $2, $3, $4, $5, $6::text[])
  ON CONFLICT (campaign_id, unit_id) DO UPDATE SET
    open_count = c.open_count + EXCLUDED.open_count,
    overdue_count = c.overdue_count + EXCLUDED.overdue_count,
    rectified_count = c.rectified_count + EXCLUDED.rectified_count,
    complaint_times = CASE WHEN cardinality($6::text[]) = 0 AND cardinality($7::text[]) = 0 THEN c.complaint_times
      ELSE ARRAY(SELECT unnest(c.complaint_times) UNION ALL SELECT unnest($6::text[])
                 EXCEPT ALL SELECT unnest($7::text[])) END`;

/** Applies the deltas in key order (a fixed lock order between concurrent transactions). */
export async function applyCountDeltas(client: PoolClient, deltas: CountDelta[]): Promise<void> {
  deltas.sort((a, b) =>
    a.campaignId === b.campaignId ? (a.unitId < b.unitId ? -1 : 1) : a.campaignId < b.campaignId ? -1 : 1,
  );
  for (const d of deltas) {
    await client.query({
      name: 'unit-item-counts-upsert',
      text: UPSERT,
      values: [d.campaignId, d.unitId, d.open, d.overdue, d.rectified, d.added, d.removed],
    });
  }
}

/** The counts of one unit in one campaign, as the rules read them. */
export interface UnitItemCounts {
  open: number;
  overdue: number;
  rectified: number;
  complaintTimes: string[];
}

/** SQL that recounts every (campaign, unit) from the stream heads: the migration's backfill and the tests' check. */
export const RECOUNT_SQL = `SELECT campaign_id, unit_id,
    count(*) FILTER (WHERE state = ANY($1))::int AS open_count,
    count(*) FILTER (WHERE overdue)::int AS overdue_count,
    count(*) FILTER (WHERE state = 'closed')::int AS rectified_count,
    COALESCE((SELECT array_agg(t ORDER BY t) FROM streams s2,
              jsonb_array_elements_text(s2.snapshot #> '{context,complaints}') AS t
        WHERE s2.stream_type = 'item' AND s2.campaign_id = s.campaign_id AND s2.unit_id = s.unit_id), '{}') AS complaint_times
  FROM streams s WHERE stream_type = 'item' AND campaign_id IS NOT NULL GROUP BY campaign_id, unit_id`;
