import type { QueryExecutor } from './refresh-tokens';

/**
 * Named queries behind `GET /campaigns/:id/dashboard`. Each counts one campaign's streams (or events)
 * whose `unit_path` matches the reader's subtree pattern, so a reader never sees counts of units they may
 * not read.
 */
export interface DashboardScope {
  campaignId: string;
  subtreePattern: string;
}

/** Item states that are finished business: not counted as open. */
export const RESOLVED_ITEM_STATES = ['dismissed', 'transferred', 'closed', 'lookBack'] as const;

const count = (value: unknown) => Number(value ?? 0);

/** Items by state. */
export async function countItemsByState(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<Array<{ state: string; count: number }>> {
  const rows = await query<{ state: string; n: string }>(
    `SELECT state, count(*) AS n FROM streams
      WHERE stream_type = 'item' AND campaign_id = $1 AND unit_path LIKE $2 GROUP BY state`,
    [scope.campaignId, scope.subtreePattern],
  );
  return rows.map((r) => ({ state: r.state, count: count(r.n) }));
}

/** Confirmed items by problem category (unconfirmed items have none and are not counted). */
export async function countItemsByCategory(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<Array<{ category: string; count: number }>> {
  const rows = await query<{ category: string; n: string }>(
    `SELECT category, count(*) AS n FROM streams
      WHERE stream_type = 'item' AND campaign_id = $1 AND unit_path LIKE $2 AND category IS NOT NULL
      GROUP BY category ORDER BY count(*) DESC, category`,
    [scope.campaignId, scope.subtreePattern],
  );
  return rows.map((r) => ({ category: r.category, count: count(r.n) }));
}

/** Items by the unit they belong to: all, still open, and marked overdue by the scheduler. */
export async function countItemsByUnit(
  query: QueryExecutor,
  scope: DashboardScope,
): Promise<Array<{ unitId: string; unitName: string | null; total: number; open: number; overdue: number }>> {
  const rows = await query<Record<string, unknown>>(
    `SELECT c.unit_id, u.name, c.total, c.open, c.overdue FROM (
       SELECT unit_id, count(*) AS total, count(*) FILTER (WHERE state <> ALL($3)) AS open,
              count(*) FILTER (WHERE overdue) AS overdue
         FROM streams WHERE stream_type = 'item' AND campaign_id = $1 AND unit_path LIKE $2 GROUP BY unit_id) c
       LEFT JOIN units u ON u.id = c.unit_id
      ORDER BY c.overdue DESC, c.open DESC, c.unit_id`,
    [scope.campaignId, scope.subtreePattern, RESOLVED_ITEM_STATES],
  );
  return rows.map((r) => ({
    unitId: String(r.unit_id),
    unitName: (r.name as string | null) ?? null,
    total: count(r.total),
    open: count(r.open),
    overdue: count(r.overdue),
  }));
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
  const rows = await query<{ day: string; registered: string; closed: string }>(
    `SELECT to_char((e.occurred_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') AS day,
            count(*) FILTER (WHERE e.type = 'REGISTER') AS registered,
            count(*) FILTER (WHERE e.type = 'ACCEPT') AS closed
       FROM events e JOIN streams s ON s.stream_id = e.stream_id
      WHERE e.type IN ('REGISTER', 'ACCEPT') AND s.stream_type = 'item' AND s.campaign_id = $1 AND s.unit_path LIKE $2
      GROUP BY 1 ORDER BY 1`,
    [scope.campaignId, scope.subtreePattern],
  );
  return rows.map((r) => ({ day: r.day, registered: count(r.registered), closed: count(r.closed) }));
}
