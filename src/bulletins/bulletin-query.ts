import type { Runtime } from '../runtime/runtime';
import type { Category } from '../machines/campaign-types';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import type { ReportingRecord } from './reporting-status';
import { itemOverdueSql } from '../persistence/overdue';
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
  /** Its phase (mobilize … consolidate) or finished. */
  state: string;
  /** Its reporting cadence and the reports received (报送情况). */
  reporting: ReportingRecord;
}

export interface BulletinPeriod {
  from: string;
  to: string;
  /** The previous period is as long as this one and ends the instant before it starts. */
  previousFrom: string;
  previousTo: string;
}

type Query = <T = Record<string, unknown>>(sql: string, parameters?: unknown[]) => Promise<T[]>;

/**
 * Runs each bulletin statement in its own short transaction with JIT compilation off — the per-item
 * subqueries make the planner's cost estimates large, which triggers LLVM JIT, and compiling costs more
 * than the whole query (≈ 0.25 s of 0.3 s measured on 100,000 items) — and room to hash its groups: with
 * the default 4 MB the planner expects too many groups and sorts a million items on disk instead of hashing
 * the few thousand groups there are.
 */
export function queryOf(runtime: Pick<Runtime, 'store'>): Query {
  return async <T>(sql: string, parameters: unknown[] = []) =>
    runtime.store.transaction(async (tx) => {
      await tx.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
      return tx.query<T>(sql, parameters);
    });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A period bound as given: an ISO instant as is, a date-only YYYY-MM-DD as that day in Asia/Shanghai (the
 * bureaus' calendar): `from` its first instant, `to` its last. The CLI and HTTP both pass their text here,
 * so the same dates mean the same days whichever way a bulletin is asked for.
 */
export function periodBound(text: string, end: boolean): string {
  const value = DATE_ONLY.test(text) ? `${text}T${end ? '23:59:59.999' : '00:00:00.000'}+08:00` : text;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** Checks and completes a reporting period (dates as Asia/Shanghai days, see `periodBound`). */
export function periodOf(fromText: string, toText: string): BulletinPeriod {
  const [from, to] = [periodBound(fromText, false), periodBound(toText, true)];
  const [start, end] = [Date.parse(from), Date.parse(to)];
  if (Number.isNaN(start) || Number.isNaN(end))
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `the period needs two instants, got ${fromText} and ${toText}`,
    );
  if (end <= start)
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `the period must end after it starts (${fromText} → ${toText})`,
    );
  // The previous period has the same length and ends the instant before this one starts (no shared day).
  const length = end + 1 - start;
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    previousFrom: new Date(start - length).toISOString(),
    previousTo: new Date(start - 1).toISOString(),
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
     SELECT s.stream_id, s.state, s.snapshot -> 'context' AS context, t.depth, u.name AS unit_name, u.path AS unit_path
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
      state: String(row.state),
      reporting: {
        reporting: (row.context as Partial<ReportingRecord>).reporting ?? null,
        reports: (row.context as Partial<ReportingRecord>).reports ?? [],
      },
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
 * The per-item "as of" table: each item's state at the period end ($2, suffix 1) and start ($3, suffix 0)
 * by the time things happened (event time, `occurred_at`), the one time base of every business figure
 * (clues and states here, escalations and cases by when they were issued):
 * - an item whose head was last written (updated_at, recording time) by the instant has had no event since
 *   (an event is recorded at or after it happens): its head's state, deadline and long-term flag are those
 *   of the instant;
 * - otherwise its events that happened by then give them: the latest state-moving event's state ($4/$5:
 *   event type → state, read from the machine; an approved correction moves to the target state stamped on
 *   it), the latest running deadline ($6: events that set one) and whether MARK_LONG_TERM happened; no
 *   state-moving event by then (not even REGISTER) means the item does not count yet;
 * - overdue: a state with a running deadline ($7), the deadline passed, not long-term.
 * Both instants come from one pass over the item's events up to the later one, newest first, read from the
 * unique (stream_id, sequence) index alone (it carries type and occurred_at, migration
 * 1734060000000-bulletin-as-of-indexes): each aggregate keeps the first value its filter lets through, the
 * latest by sequence. An event's payload is read only where a figure needs it: the deadline of an item
 * whose state at the instant runs one, the target state of an approved correction.
 * `instants` lists the instants needed (the first is the later one); only narrow projected columns of the
 * head are read (the covering index streams_bulletin_cover, no jsonb snapshot).
 * $1 campaign ids, $8 the reader's scope.
 */
function perItemSql(instants: Array<{ at: string; suffix: string }>, only: string): string {
  const moving = `(e.type = ANY($4) OR e.type = 'APPROVE_CORRECTION')`;
  const latest = instants
    .map(
      ({ at, suffix }) => `
        (array_agg(e.type) FILTER (WHERE ${moving} AND e.occurred_at <= ${at}))[1] AS moved_by_${suffix},
        (array_agg(e.sequence) FILTER (WHERE ${moving} AND e.occurred_at <= ${at}))[1] AS moved_at_${suffix},
        (array_agg(e.sequence) FILTER (WHERE e.type = ANY($6) AND e.occurred_at <= ${at}))[1] AS deadline_at_${suffix},
        COALESCE(bool_or(e.type = 'MARK_LONG_TERM' AND e.occurred_at <= ${at}), false) AS marked_long_term_${suffix}`,
    )
    .join(',');
  const payloadOf = (alias: string, sequence: string, field: string) =>
    `(SELECT x.payload ->> '${field}' FROM events x WHERE x.stream_id = ${alias}.stream_id AND x.sequence = ${alias}.${sequence})`;
  const stateAndFlag = instants
    .map(
      ({ at, suffix }) => `
        CASE WHEN a.updated_at <= ${at} THEN a.state
             WHEN a.moved_by_${suffix} = 'APPROVE_CORRECTION' THEN ${payloadOf('a', `moved_at_${suffix}`, 'targetState')}
             ELSE ($5::text[])[array_position($4::text[], a.moved_by_${suffix})] END AS state_${suffix},
        CASE WHEN a.updated_at <= ${at} THEN a.long_term ELSE a.marked_long_term_${suffix} END AS long_term_${suffix}`,
    )
    .join(',');
  const deadline = instants
    .map(
      ({ at, suffix }) => `
        CASE WHEN b.updated_at <= ${at} THEN b.deadline
             WHEN b.state_${suffix} = ANY($7) AND NOT b.long_term_${suffix}
             THEN ${payloadOf('b', `deadline_at_${suffix}`, 'deadline')}::timestamptz END AS deadline_${suffix}`,
    )
    .join(',');
  const overdue = instants
    .map(
      ({ at, suffix }) =>
        `${itemOverdueSql({ state: `state_${suffix}`, deadline: `deadline_${suffix}`, longTerm: `long_term_${suffix}` }, at, '$7')} AS overdue_${suffix}`,
    )
    .join(', ');
  const keep = (suffix: string) => `state_${suffix}, long_term_${suffix}`;
  return `
    SELECT c.*, ${overdue} FROM (
      SELECT b.stream_id, b.category, b.campaign_id, b.unit_path,
             ${instants.map(({ suffix }) => keep(suffix)).join(', ')}, ${deadline} FROM (
        SELECT a.stream_id, a.category, a.campaign_id, a.unit_path, a.updated_at, a.deadline,
               ${instants.map(({ suffix }) => `a.deadline_at_${suffix}`).join(', ')}, ${stateAndFlag} FROM (
          SELECT s.stream_id, s.category, s.campaign_id, s.unit_path, s.updated_at, s.state, s.deadline, s.long_term, p.*
            FROM streams s
            CROSS JOIN LATERAL (
              SELECT ${latest}
                FROM (SELECT e.sequence, e.type, e.occurred_at FROM events e
                       WHERE e.stream_id = s.stream_id AND e.occurred_at <= ${instants[0]!.at}
                       ORDER BY e.sequence DESC) e) p
           WHERE s.stream_type = 'item' AND s.campaign_id = ANY($1) AND starts_with(s.unit_path, $8) AND ${only}
          OFFSET 0) a
        OFFSET 0) b
      OFFSET 0) c`;
}

/** The stream head's columns, for the overdue definition (persistence/overdue.ts). */
const HEAD = { state: 's.state', deadline: 's.deadline', longTerm: 's.long_term' };

/**
 * The statements group by the item's unit path (a column of the covering index); the branch (the unit
 * right below the campaign's unit) is derived from it afterwards, once per group rather than per item.
 */
const GROUP_KEYS = 'campaign_id, unit_path, category, state_1, state_0, overdue_1, overdue_0';

/**
 * Items unchanged since before the period began (most of them): the head is the state at both instants.
 * One pass over the covering index, hashed into at most a few thousand groups.
 */
const UNCHANGED_FIGURES_SQL = `
  SELECT s.campaign_id, s.unit_path, s.category, s.state,
         ${itemOverdueSql(HEAD, '$2', '$4')} AS overdue_1,
         ${itemOverdueSql(HEAD, '$3', '$4')} AS overdue_0, count(*) AS n
    FROM streams s
   WHERE s.stream_type = 'item' AND s.campaign_id = ANY($1) AND s.updated_at <= $3 AND starts_with(s.unit_path, $5)
   GROUP BY 1, 2, 3, 4, 5, 6`;

/** Items written to since the period began: their state at each instant from the per-item table. */
const CHANGED_FIGURES_SQL = `
  WITH per_item AS (${perItemSql(
    [
      { at: '$2', suffix: '1' },
      { at: '$3', suffix: '0' },
    ],
    's.updated_at > $3 AND mod(abs(hashtext(s.stream_id)), $9) = $10',
  )})
  SELECT ${GROUP_KEYS}, count(*) AS n FROM per_item WHERE state_1 IS NOT NULL GROUP BY ${GROUP_KEYS}`;

/** The changed items are split by a hash of their id into this many statements run at once. */
const CHANGED_PARTS = 2;

/**
 * 反面典型 candidates: items overdue at the period end ($2), longest overdue first; $3 is the limit here. The
 * items unchanged since are read in deadline order (the worklist index) and stop at the limit.
 */
const OVERDUE_AT_END_SQL = `
  WITH per_item AS (${perItemSql([{ at: '$2', suffix: '1' }], 's.updated_at > $2')})
  SELECT stream_id, deadline FROM (
    (SELECT s.stream_id, s.deadline FROM streams s
      WHERE s.stream_type = 'item' AND s.campaign_id = ANY($1) AND s.updated_at <= $2 AND starts_with(s.unit_path, $8)
        AND ${itemOverdueSql(HEAD, '$2', '$7')}
      ORDER BY s.deadline, s.stream_id LIMIT $3)
    UNION ALL
    (SELECT stream_id, deadline_1 FROM per_item WHERE overdue_1 ORDER BY deadline_1, stream_id LIMIT $3)) u
   ORDER BY deadline, stream_id LIMIT $3`;

/**
 * The common parameters $1–$8 of the per-item table; $8 is the reader's scope (a unit path prefix): an
 * aggregate counts only items its reader may read.
 */
function perItemParameters(tree: CampaignNode[], at: string, third: unknown, scope: string): unknown[] {
  const stateMap = [...stateAfterEventType()];
  return [
    tree.map((c) => c.campaignId),
    at,
    third,
    stateMap.map(([type]) => type),
    stateMap.map(([, state]) => state),
    [...DEADLINE_EVENT_TYPES],
    [...BulletinStates.withDeadline],
    scope,
  ];
}

/** The ids (and running deadlines) of the items overdue longest as of the period end. */
export async function longestOverdue(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  limit: number,
  scope: string,
): Promise<Array<{ streamId: string; deadline: string }>> {
  const rows = await query<{ stream_id: string; deadline: string | Date }>(
    OVERDUE_AT_END_SQL,
    perItemParameters(tree, period.to, limit, scope),
  );
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

/**
 * The branch an item's unit belongs to, below the campaign's unit `root`: the unit right below it ('' = the
 * campaign's unit itself); a unit outside it stands for itself (its id, from `unitIdByPath`).
 */
function branchOf(unitPath: string, root: string, unitIdByPath: Map<string, string>): string {
  if (unitPath.startsWith(root)) return unitPath.slice(root.length).split('/')[0] ?? '';
  return unitIdByPath.get(unitPath) ?? unitPath;
}

/** Runs the figures statements for a campaign tree and a period. */
export async function groupedFigures(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  scope: string,
): Promise<GroupedFigures> {
  // Statements on separate connections at once: the cheap scan of unchanged items, and the changed items
  // (which need their events) in hash-split parts. The groups are summed by rollUp.
  const parameters = perItemParameters(tree, period.to, period.from, scope);
  const [unchanged, ...changed] = await Promise.all([
    query<Record<string, unknown>>(UNCHANGED_FIGURES_SQL, [
      parameters[0],
      period.to,
      period.from,
      parameters[6],
      scope,
    ]),
    ...Array.from({ length: CHANGED_PARTS }, (_, part) =>
      query<Record<string, unknown>>(CHANGED_FIGURES_SQL, [...parameters, CHANGED_PARTS, part]),
    ),
  ]);
  const rows: Array<Record<string, unknown>> = [
    ...unchanged.map((r) => ({ ...r, state_1: r.state, state_0: r.state })),
    ...changed.flat(),
  ];
  const root = tree[0]!.unitPath;
  const outside = [...new Set(rows.map((r) => String(r.unit_path)))].filter((p) => !p.startsWith(root));
  const unitIdByPath = new Map(
    outside.length === 0
      ? []
      : (
          await query<{ id: string; path: string }>('SELECT id, path FROM units WHERE path = ANY($1)', [
            outside,
          ])
        ).map((u) => [u.path, u.id] as const),
  );
  return rollUp(
    rows.map((r) => ({
      campaignId: String(r.campaign_id),
      branch: branchOf(String(r.unit_path), root, unitIdByPath),
      category: (r.category as string | null) ?? null,
      current: { state: r.state_1 as string, overdue: Boolean(r.overdue_1) },
      previous: { state: (r.state_0 as string | null) ?? null, overdue: Boolean(r.overdue_0) },
      count: Number(r.n),
    })),
  );
}

/** One group of the aggregate: how many items share these keys. */
export interface FigureGroup {
  campaignId: string;
  branch: string;
  category: string | null;
  current: { state: string | null; overdue: boolean };
  previous: { state: string | null; overdue: boolean };
  count: number;
}

const confirmedStates: readonly string[] = [...BulletinStates.rectifying, ...BulletinStates.closed];

function add(figures: Figures, at: { state: string | null; overdue: boolean }, count: number): void {
  if (at.state === null) return;
  figures.clues += count;
  for (const [key, states] of stateGroups) if (states.includes(at.state)) figures[key] += count;
  if (at.overdue) figures.overdue += count;
}

/**
 * Rolls the aggregate's groups up into the bulletin's tables. An item counts under its category only
 * from its confirmation on (CONFIRM sets the category; nothing changes it afterwards).
 */
export function rollUp(groups: FigureGroup[]): GroupedFigures {
  const pair = () => ({ current: figuresOf({}, '1'), previous: figuresOf({}, '0') });
  const result: GroupedFigures = {
    total: pair(),
    byCategory: new Map(),
    byBranch: new Map(),
    byCampaign: new Map(),
  };
  const entry = (map: Map<string, { current: Figures; previous: Figures }>, key: string) =>
    map.get(key) ?? map.set(key, pair()).get(key)!;
  for (const g of groups) {
    for (const [period, target] of [
      ['current', 'current'],
      ['previous', 'previous'],
    ] as const) {
      const at = g[period];
      add(result.total[target], at, g.count);
      add(entry(result.byBranch, g.branch)[target], at, g.count);
      add(entry(result.byCampaign, g.campaignId)[target], at, g.count);
      if (g.category !== null && at.state !== null && confirmedStates.includes(at.state))
        add(entry(result.byCategory, g.category)[target], at, g.count);
    }
  }
  return result;
}

/**
 * Corrections approved after the period end of events that happened by then (event time, as every
 * figure): the bulletin shows what was on record at its cut-off and says it has since been corrected.
 */
export async function laterCorrections(
  query: Query,
  tree: CampaignNode[],
  period: BulletinPeriod,
  scope: string,
): Promise<number> {
  const rows = await query<{ n: string | number }>(
    `SELECT count(*) AS n FROM events a JOIN streams s ON s.stream_id = a.stream_id
      JOIN LATERAL (SELECT (r.payload ->> 'corrects')::int AS corrects FROM events r
        WHERE r.stream_id = a.stream_id AND r.type = 'REQUEST_CORRECTION' AND r.sequence < a.sequence
        ORDER BY r.sequence DESC LIMIT 1) req ON true
      JOIN events c ON c.stream_id = a.stream_id AND c.sequence = req.corrects
      WHERE a.type = 'APPROVE_CORRECTION' AND a.occurred_at > $2 AND c.occurred_at <= $2
        AND s.campaign_id = ANY($1) AND starts_with(s.unit_path, $3)`,
    [tree.map((c) => c.campaignId), period.to, scope],
  );
  return Number(rows[0]?.n ?? 0);
}
