import type { ItemContext } from '../machines/item-types';
import { labelOf } from '../vocabulary/labels';
import { MEASURES } from '../rules/vocabulary';
import { longestOverdue, type BulletinPeriod, type CampaignNode, type queryOf } from './bulletin-query';

type Query = ReturnType<typeof queryOf>;

/** Escalations issued under one measure: in this period, in the previous one, and to date. */
export interface EscalationFigures {
  measure: string;
  label: string;
  inPeriod: number;
  previousPeriod: number;
  toDate: number;
}

/** A typical case (典型案例) as the bulletin prints it. */
export interface TypicalCase {
  streamId: string;
  number: number | null;
  category: string | null;
  unitId: string;
  description: string;
  /** For 正面典型 the closure instant, for 反面典型 the deadline that passed. */
  at: string;
  /** Whole days from registration to closure, or overdue days at the period end. */
  days: number;
  accountability: string | null;
}

/**
 * Escalations (streams of type `escalation`) of the campaign tree by measure, issued in the period, in the
 * previous period and to date; the issue instant is context.issuedAt, else the stream's creation.
 */
export async function escalationsByMeasure(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  scope: string,
): Promise<EscalationFigures[]> {
  const rows = await query<{
    measure: string | null;
    in_period: string;
    previous_period: string;
    to_date: string;
  }>(
    `SELECT measure, count(*) FILTER (WHERE issued > $2 AND issued <= $3) AS in_period,
            count(*) FILTER (WHERE issued > $4 AND issued <= $2) AS previous_period,
            count(*) FILTER (WHERE issued <= $3) AS to_date
       FROM (SELECT snapshot #>> '{context,measure}' AS measure,
                    COALESCE((snapshot #>> '{context,issuedAt}')::timestamptz, created_at) AS issued
               FROM streams WHERE stream_type = 'escalation' AND campaign_id = ANY($1)
                AND starts_with(unit_path, $5)) e
      GROUP BY measure`,
    [tree.map((c) => c.campaignId), period.from, period.to, period.previousFrom, scope],
  );
  const order = (m: string) => {
    const index = MEASURES.findIndex((entry) => entry.code === m);
    return index < 0 ? MEASURES.length : index;
  };
  return rows
    .map((r) => ({
      measure: r.measure ?? 'unknown',
      label: labelOf('measure', r.measure ?? '未知'),
      inPeriod: Number(r.in_period),
      previousPeriod: Number(r.previous_period),
      toDate: Number(r.to_date),
    }))
    .filter((r) => r.toDate > 0 || r.previousPeriod > 0)
    .sort((a, b) => order(a.measure) - order(b.measure) || a.measure.localeCompare(b.measure));
}

const DAY = 86_400_000;

function caseOf(
  row: { stream_id: string; unit_id: string; context: ItemContext },
  at: string,
  days: number,
): TypicalCase {
  const c = row.context;
  return {
    streamId: row.stream_id,
    number: c.ledgerNumber,
    category: c.confirmation?.category ?? null,
    unitId: row.unit_id,
    description: c.ledger?.manifestation ?? c.clue.description,
    at,
    days,
    accountability: c.ledger?.accountability ?? null,
  };
}

/**
 * Typical cases, chosen by a fixed criterion so that the same record gives the same bulletin:
 * 正面典型 — items accepted (销号, an ACCEPT event) within the period, quickest from registration to
 * acceptance first; 反面典型 — items overdue at the period end, longest overdue first. Ties by stream id.
 */
export async function typicalCases(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  scope: string,
  limit = 3,
): Promise<{ positive: TypicalCase[]; negative: TypicalCase[] }> {
  const ids = tree.map((c) => c.campaignId);
  const [positiveRows, overdue] = await Promise.all([
    query<{ stream_id: string; unit_id: string; context: ItemContext; closed_at: string | Date }>(
      `SELECT s.stream_id, s.unit_id, s.snapshot -> 'context' AS context, e.occurred_at AS closed_at
         FROM events e JOIN streams s ON s.stream_id = e.stream_id
        WHERE e.type = 'ACCEPT' AND e.occurred_at > $2 AND e.occurred_at <= $3 AND s.stream_type = 'item' AND s.campaign_id = ANY($1)
          AND starts_with(s.unit_path, $5)
          -- a problem that came back (反弹) is never a positive case
          AND s.state <> 'reopened'
          AND NOT EXISTS (SELECT 1 FROM events r WHERE r.stream_id = s.stream_id AND r.type = 'REBOUND'
                             AND r.recorded_at <= $3)
        ORDER BY e.occurred_at - (s.snapshot #>> '{context,registeredAt}')::timestamptz, s.stream_id
        LIMIT $4`,
      [ids, period.from, period.to, limit, scope],
    ),
    longestOverdue(query, tree, period, limit, scope),
  ]);
  const positive = positiveRows.map((row) => {
    const closedAt = new Date(row.closed_at).toISOString();
    return caseOf(
      row,
      closedAt,
      Math.floor((Date.parse(closedAt) - Date.parse(row.context.registeredAt)) / DAY),
    );
  });
  const negativeRows =
    overdue.length === 0
      ? []
      : await query<{ stream_id: string; unit_id: string; context: ItemContext }>(
          `SELECT stream_id, unit_id, snapshot -> 'context' AS context FROM streams WHERE stream_id = ANY($1)`,
          [overdue.map((o) => o.streamId)],
        );
  const byId = new Map(negativeRows.map((r) => [r.stream_id, r]));
  const negative = overdue.flatMap((o) => {
    const row = byId.get(o.streamId);
    return row
      ? [caseOf(row, o.deadline, Math.floor((Date.parse(period.to) - Date.parse(o.deadline)) / DAY))]
      : [];
  });
  return { positive, negative };
}

/** 回头看 and 反弹: look-backs started, passed and rebounded (item events) in the period and to date. */
export interface LookBackFigures {
  inPeriod: { started: number; passed: number; rebounded: number };
  toDate: { started: number; passed: number; rebounded: number };
}

export async function lookBackFigures(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  scope: string,
): Promise<LookBackFigures> {
  const rows = await query<{ type: string; in_period: string; to_date: string }>(
    `SELECT e.type, count(*) FILTER (WHERE e.occurred_at > $2) AS in_period, count(*) AS to_date
       FROM events e JOIN streams s ON s.stream_id = e.stream_id
      WHERE s.stream_type = 'item' AND s.campaign_id = ANY($1) AND starts_with(s.unit_path, $4)
        AND e.type IN ('START_LOOK_BACK', 'PASS_LOOK_BACK', 'REBOUND') AND e.occurred_at <= $3
      GROUP BY e.type`,
    [tree.map((c) => c.campaignId), period.from, period.to, scope],
  );
  const of = (type: string, column: 'in_period' | 'to_date') =>
    Number(rows.find((r) => r.type === type)?.[column] ?? 0);
  const figures = (column: 'in_period' | 'to_date') => ({
    started: of('START_LOOK_BACK', column),
    passed: of('PASS_LOOK_BACK', column),
    rebounded: of('REBOUND', column),
  });
  return { inPeriod: figures('in_period'), toDate: figures('to_date') };
}
