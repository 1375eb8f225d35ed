import type { Runtime } from '../engine/bootstrap';
import type { Category } from '../machines/campaign-types';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import { BulletinStates, DEADLINE_EVENT_TYPES, stateAfterEventType } from './item-states';

/** The figures a bulletin reports for one group of items, as of one instant. */
export interface Figures {
  /** 线索: every item registered by then. */
  clues: number;
  /** 核查中 */
  verifying: number;
  /** 查实: 整改中 + 已销号. */
  confirmed: number;
  /** 查否 */
  dismissed: number;
  /** 移送 */
  transferred: number;
  /** 整改中 */
  rectifying: number;
  /** 已销号 */
  closed: number;
  /** 逾期: verifying or rectifying with its deadline passed, long-term items excepted. */
  overdue: number;
}

export const FIGURE_KEYS: ReadonlyArray<keyof Figures> = [
  'clues',
  'verifying',
  'confirmed',
  'dismissed',
  'transferred',
  'rectifying',
  'closed',
  'overdue',
];

/** One row of a bulletin table: a group with its figures now and at the end of the previous period. */
export interface FigureRow {
  key: string;
  label: string;
  current: Figures;
  previous: Figures;
}

/** A campaign of the reporting tree (the campaign and every descendant through parentCampaignId). */
export interface CampaignNode {
  campaignId: string;
  name: string;
  unitId: string;
  unitName: string;
  unitPath: string;
  parentCampaignId: string | null;
  depth: number;
  categories: Category[];
}

export interface BulletinPeriod {
  from: string;
  to: string;
  /** The previous period is as long as this one and ends where it starts. */
  previousFrom: string;
}

type Query = <T = Record<string, unknown>>(sql: string, parameters?: unknown[]) => Promise<T[]>;

export function queryOf(runtime: Pick<Runtime, 'database'>): Query {
  return async <T>(sql: string, parameters: unknown[] = []) =>
    (await runtime.database.dataSource.query(sql, parameters)) as T[];
}

/** Checks and completes a reporting period. */
export function periodOf(from: string, to: string): BulletinPeriod {
  const [start, end] = [Date.parse(from), Date.parse(to)];
  if (Number.isNaN(start) || Number.isNaN(end))
    throw new ZhengzhiError(ErrorCode.invalidInput, `the period needs two instants, got ${from} and ${to}`);
  if (end <= start)
    throw new ZhengzhiError(ErrorCode.invalidInput, `the period must end after it starts (${from} → ${to})`);
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    previousFrom: new Date(2 * start - end).toISOString(),
  };
}

/** The campaign and its sub-campaigns (county campaigns report upward into their city campaign). */
export async function campaignTree(query: Query, campaignId: string): Promise<CampaignNode[]> {
  const rows = await query<Record<string, unknown>>(
    `WITH RECURSIVE tree AS (
        SELECT stream_id, 0 AS depth FROM streams WHERE stream_id = $1 AND stream_type = 'campaign'
        UNION ALL
        SELECT c.stream_id, t.depth + 1 FROM streams c JOIN tree t ON c.snapshot #>> '{context,parentCampaignId}' = t.stream_id
         WHERE c.stream_type = 'campaign' AND t.depth < 10)
     SELECT s.stream_id, s.snapshot -> 'context' AS context, t.depth, u.name AS unit_name, u.path AS unit_path
       FROM tree t JOIN streams s ON s.stream_id = t.stream_id JOIN units u ON u.id = s.unit_id
      ORDER BY t.depth, u.path, s.stream_id`,
    [campaignId],
  );
  if (rows.length === 0) throw new NotFoundError('campaign', campaignId);
  return rows.map((row) => {
    const context = row.context as {
      name: string;
      unitId: string;
      parentCampaignId: string | null;
      categories: Category[];
    };
    return {
      campaignId: String(row.stream_id),
      name: context.name,
      unitId: context.unitId,
      unitName: String(row.unit_name),
      unitPath: String(row.unit_path),
      parentCampaignId: context.parentCampaignId ?? null,
      depth: Number(row.depth),
      categories: context.categories ?? [],
    };
  });
}

const stateGroups: Array<[keyof Figures, readonly string[]]> = [
  ['verifying', BulletinStates.verifying],
  ['rectifying', BulletinStates.rectifying],
  ['closed', BulletinStates.closed],
  ['dismissed', BulletinStates.dismissed],
  ['transferred', BulletinStates.transferred],
  ['confirmed', [...BulletinStates.rectifying, ...BulletinStates.closed]],
];

/**
 * Per item: its state, deadline and long-term flag as of `at`. An item whose last event (context.lastEventAt)
 * is not after `at` is read from its stream head; otherwise from its events up to `at` (the latest event
 * that moves the state, the latest that sets a deadline, whether MARK_LONG_TERM happened), through the
 * (stream_id, sequence) index. Parameters: $5/$6 the event type → state table, $7 deadline event types.
 */
function asOfColumns(at: string, suffix: string): string {
  const past = (select: string, where: string) =>
    `(SELECT ${select} FROM events e ${where.startsWith('JOIN') ? where : `WHERE ${where}`} ORDER BY e.sequence DESC LIMIT 1)`;
  return `
    CASE WHEN i.registered_at > ${at} THEN NULL WHEN i.last_at <= ${at} THEN i.state
         ELSE ${past('m.state', `JOIN state_map m ON m.type = e.type WHERE e.stream_id = i.stream_id AND e.occurred_at <= ${at}`)} END AS state_${suffix},
    CASE WHEN i.last_at <= ${at} THEN i.deadline
         ELSE ${past("(e.payload ->> 'deadline')::timestamptz", `e.stream_id = i.stream_id AND e.occurred_at <= ${at} AND e.type = ANY($7)`)} END AS deadline_${suffix},
    CASE WHEN i.last_at <= ${at} THEN i.long_term
         ELSE EXISTS (SELECT 1 FROM events e WHERE e.stream_id = i.stream_id AND e.type = 'MARK_LONG_TERM' AND e.occurred_at <= ${at}) END AS long_term_${suffix}`;
}

/**
 * One SQL statement over the items of the campaign tree: state as of the period end ($2) and as of its
 * start ($3, the end of the previous period), aggregated by grouping sets — totals, category, unit branch
 * below the campaign's unit ($4), and campaign. Nothing is loaded item by item.
 */
function figuresSql(): { sql: string; stateParameters: string[][] } {
  const counts: string[] = [];
  let parameter = 8;
  const parameters: string[][] = [];
  for (const [suffix, at] of [
    ['1', '$2'],
    ['0', '$3'],
  ] as const) {
    counts.push(`count(*) FILTER (WHERE state_${suffix} IS NOT NULL) AS clues_${suffix}`);
    for (const [key, states] of stateGroups) {
      counts.push(`count(*) FILTER (WHERE state_${suffix} = ANY($${parameter})) AS ${key}_${suffix}`);
      parameters.push([...states]);
      parameter += 1;
    }
    counts.push(
      `count(*) FILTER (WHERE state_${suffix} = ANY($${parameter}) AND deadline_${suffix} < ${at} AND NOT COALESCE(long_term_${suffix}, false)) AS overdue_${suffix}`,
    );
    parameters.push([...BulletinStates.withDeadline]);
    parameter += 1;
  }
  const confirmedParameter = parameter;
  parameters.push([...BulletinStates.rectifying, ...BulletinStates.closed]);
  const sql = `
    WITH ${ITEMS_CTE},
    as_of AS (
      SELECT i.category, i.branch, i.campaign_id, ${asOfColumns('$2', '1')}, ${asOfColumns('$3', '0')}
        FROM items i WHERE i.registered_at <= $2),
    per_item AS (
      -- An item belongs to its category only once it is confirmed (CONFIRM sets it, nothing changes it).
      SELECT a.*, CASE WHEN state_1 = ANY($${confirmedParameter}) THEN category END AS category_1,
             CASE WHEN state_0 = ANY($${confirmedParameter}) THEN category END AS category_0
        FROM as_of a)
    SELECT GROUPING(category_1) AS g_category_1, GROUPING(category_0) AS g_category_0, GROUPING(branch) AS g_branch,
           GROUPING(campaign_id) AS g_campaign, category_1, category_0, branch, campaign_id,
           ${counts.join(',\n           ')}
      FROM per_item
     GROUP BY GROUPING SETS ((), (category_1), (category_0), (branch), (campaign_id))`;
  return { sql, stateParameters: parameters };
}

/** The campaign tree's items with what the as-of columns need ($1 campaign ids, $4 campaign unit path). */
const ITEMS_CTE = `state_map AS (SELECT * FROM unnest($5::text[], $6::text[]) AS m(type, state)),
    items AS (
      SELECT s.stream_id, s.state, s.category, s.campaign_id, s.deadline,
             split_part(substr(s.unit_path, length($4) + 1), '/', 1) AS branch,
             (s.snapshot #>> '{context,registeredAt}')::timestamptz AS registered_at,
             (s.snapshot #>> '{context,lastEventAt}')::timestamptz AS last_at,
             COALESCE(jsonb_typeof(s.snapshot #> '{context,ledger,longTerm}') = 'object', false) AS long_term
        FROM streams s
       WHERE s.stream_type = 'item' AND s.campaign_id = ANY($1))`;

const FIGURES = figuresSql();

/**
 * 反面典型 candidates: items overdue as of the period end ($2), longest overdue first
 * (same as-of definition as the figures). $3 is the limit here.
 */
const OVERDUE_AT_END_SQL = `
  WITH ${ITEMS_CTE},
  per_item AS (SELECT i.stream_id, ${asOfColumns('$2', '1')} FROM items i WHERE i.registered_at <= $2)
  SELECT stream_id, deadline_1 AS deadline FROM per_item
   WHERE state_1 = ANY($8) AND deadline_1 < $2 AND NOT COALESCE(long_term_1, false)
   ORDER BY deadline_1, stream_id LIMIT $3`;

/** The ids (and running deadlines) of the items overdue longest as of the period end. */
export async function longestOverdue(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  limit: number,
): Promise<Array<{ streamId: string; deadline: string }>> {
  const stateMap = [...stateAfterEventType()];
  const rows = await query<{ stream_id: string; deadline: string | Date }>(OVERDUE_AT_END_SQL, [
    tree.map((c) => c.campaignId),
    period.to,
    limit,
    tree[0]!.unitPath,
    stateMap.map(([type]) => type),
    stateMap.map(([, state]) => state),
    [...DEADLINE_EVENT_TYPES],
    [...BulletinStates.withDeadline],
  ]);
  return rows.map((r) => ({ streamId: r.stream_id, deadline: new Date(r.deadline).toISOString() }));
}

export interface GroupedFigures {
  total: { current: Figures; previous: Figures };
  byCategory: Map<string, { current: Figures; previous: Figures }>;
  /** Keyed by the unit id of the branch below the campaign's unit ('' = the campaign's unit itself). */
  byBranch: Map<string, { current: Figures; previous: Figures }>;
  byCampaign: Map<string, { current: Figures; previous: Figures }>;
}

function figuresOf(row: Record<string, unknown>, suffix: '0' | '1'): Figures {
  const figures = {} as Figures;
  for (const key of FIGURE_KEYS) figures[key] = Number(row[`${key}_${suffix}`] ?? 0);
  return figures;
}

/** Runs the figures statement for a campaign tree and a period. */
export async function groupedFigures(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
): Promise<GroupedFigures> {
  const stateMap = [...stateAfterEventType()];
  const rows = await query<Record<string, unknown>>(FIGURES.sql, [
    tree.map((c) => c.campaignId),
    period.to,
    period.from,
    tree[0]!.unitPath,
    stateMap.map(([type]) => type),
    stateMap.map(([, state]) => state),
    [...DEADLINE_EVENT_TYPES],
    ...FIGURES.stateParameters,
  ]);
  const empty = { current: figuresOf({}, '1'), previous: figuresOf({}, '0') };
  const result: GroupedFigures = {
    total: empty,
    byCategory: new Map(),
    byBranch: new Map(),
    byCampaign: new Map(),
  };
  const zero = figuresOf({}, '1');
  const categories = new Map<string, { current: Figures; previous: Figures }>();
  const category = (code: string) =>
    categories.get(code) ?? categories.set(code, { current: zero, previous: zero }).get(code)!;
  for (const row of rows) {
    const pair = { current: figuresOf(row, '1'), previous: figuresOf(row, '0') };
    if (Number(row.g_category_1) === 0) {
      if (row.category_1 !== null) category(String(row.category_1)).current = pair.current;
    } else if (Number(row.g_category_0) === 0) {
      if (row.category_0 !== null) category(String(row.category_0)).previous = pair.previous;
    } else if (Number(row.g_branch) === 0) result.byBranch.set(String(row.branch ?? ''), pair);
    else if (Number(row.g_campaign) === 0) result.byCampaign.set(String(row.campaign_id), pair);
    else result.total = pair;
  }
  result.byCategory = categories;
  return result;
}
