import { streamOverdueSql } from './overdue';
import type { QueryExecutor } from './refresh-tokens';

/**
 * Named queries behind `GET /campaigns/:id/dashboard`. Each counts one campaign's streams (or events)
 * whose `unit_path` matches the reader's subtree pattern, so a reader never sees counts of units they may
 * not read.
 */
export interface DashboardScope {
  campaignId: string;
  subtreePattern: string;
  /** The instant overdue is counted at (the request's), see overdue.ts. */
  at: string;
}

/** Item states that are finished business: not counted as open. */
export const RESOLVED_ITEM_STATES = ['dismissed', 'transferred', 'closed', 'lookBack'] as const;

const count = (value: unknown) => Number(value ?? 0);

/** A campaign's items counted three ways (by state, by confirmed category, by unit), in one scan. */
export interface CampaignItemCounts {
  byState: Array<{ state: string; count: number }>;
  /** Confirmed items only: unconfirmed items have no category. */
  byCategory: Array<{ category: string; count: number }>;
  /** All, still open, and overdue at the scope's instant (derived from deadlines, see overdue.ts). */
  byUnit: Array<{ unitId: string; unitName: string | null; total: number; open: number; overdue: number }>;
}

/**
 * Counts the campaign's items by state, category and unit with `GROUPING SETS`: one pass over the
 * `streams_item_dashboard` index instead of three over the stream heads.
 */
export async function countCampaignItems(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<CampaignItemCounts> {
  const rows = await query<Record<string, unknown>>(
    `WITH counted AS (
       SELECT state, category, unit_id, GROUPING(state) AS no_state, GROUPING(category) AS no_category,
              count(*) AS total, count(*) FILTER (WHERE state <> ALL($3)) AS open, count(*) FILTER (WHERE ${streamOverdueSql('s', '$4')}) AS overdue
         FROM streams s WHERE stream_type = 'item' AND campaign_id = $1 AND unit_path LIKE $2
        GROUP BY GROUPING SETS ((state), (category), (unit_id)))
     SELECT c.*, u.name AS unit_name FROM counted c LEFT JOIN units u ON u.id = c.unit_id`,
    [scope.campaignId, scope.subtreePattern, RESOLVED_ITEM_STATES, scope.at],
  );
  const counts: CampaignItemCounts = { byState: [], byCategory: [], byUnit: [] };
  for (const r of rows) {
    if (Number(r.no_state) === 0) counts.byState.push({ state: String(r.state), count: count(r.total) });
    else if (Number(r.no_category) === 0) {
      if (r.category !== null)
        counts.byCategory.push({ category: String(r.category), count: count(r.total) });
    } else
      counts.byUnit.push({
        unitId: String(r.unit_id),
        unitName: (r.unit_name as string | null) ?? null,
        total: count(r.total),
        open: count(r.open),
        overdue: count(r.overdue),
      });
  }
  counts.byCategory.sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  counts.byUnit.sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.unitId.localeCompare(b.unitId));
  return counts;
}

/** Escalations by measure (stored in `category` for escalations): issued, and not yet lifted or stepped up. */
export async function countEscalationsByMeasure(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<Array<{ measure: string; count: number; open: number }>> {
  const rows = await query<{ measure: string; n: string; open: string }>(
    `SELECT category AS measure, count(*) AS n, count(*) FILTER (WHERE state NOT IN ('lifted', 'steppedUp')) AS open
       FROM streams WHERE stream_type = 'escalation' AND campaign_id = $1 AND unit_path LIKE $2 GROUP BY category`,
    [scope.campaignId, scope.subtreePattern],
  );
  return rows.map((r) => ({ measure: r.measure, count: count(r.n), open: count(r.open) }));
}

/**
 * Registrations (REGISTER) and closings (ACCEPT, 销号) per calendar day in Asia/Shanghai (UTC+8 all year,
 * no daylight saving since 1991), by the instant each event happened.
 */
export async function countItemTrendByDay(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<Array<{ day: string; registered: number; closed: number }>> {
  // Grouped by date (hashed), formatted after: formatting 100,000 rows before grouping costs a sort on text.
  const rows = await query<{ day: string; registered: string; closed: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, registered, closed FROM (
       SELECT ((e.occurred_at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day,
              count(*) FILTER (WHERE e.type = 'REGISTER') AS registered,
              count(*) FILTER (WHERE e.type = 'ACCEPT') AS closed
         FROM events e JOIN streams s ON s.stream_id = e.stream_id
        WHERE e.type IN ('REGISTER', 'ACCEPT') AND s.stream_type = 'item' AND s.campaign_id = $1 AND s.unit_path LIKE $2
        GROUP BY 1) d
      ORDER BY d.day`,
    [scope.campaignId, scope.subtreePattern],
  );
  return rows.map((r) => ({ day: r.day, registered: count(r.registered), closed: count(r.closed) }));
}
