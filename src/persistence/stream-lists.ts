import type { QueryExecutor } from './database';
import { itemReadableSql } from './item-visibility';
import { streamOverdueSql } from './overdue';
import { readPage, type PagedRows, type PageWindow } from './paging';

/**
 * The list reads of items, escalations and campaigns (GET /items, /escalations, /campaigns). Filters are
 * values, never SQL: each becomes a bound parameter. Overdue is derived at `now` (persistence/overdue.ts), not
 * read from the scheduler's flag. Unit patterns are `LIKE` patterns over `streams.unit_path` (a subtree).
 */

const iso = (value: unknown): string | null => (value ? new Date(value as string).toISOString() : null);

/** Escapes a unit path for use as a LIKE prefix. */
export const subtreePatternOf = (unitPath: string): string =>
  `${unitPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface ItemListFilter extends PageWindow {
  /** The caller's subtree (co-operating units' readers included, see item-visibility.ts). */
  readablePattern: string;
  now: string;
  state?: string;
  category?: string;
  campaignId?: string;
  overdue?: boolean;
  unitPattern?: string;
}

export interface ItemListRow {
  streamId: string;
  state: string;
  version: number;
  campaignId: string | null;
  unitId: string;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Items, most recently changed first. */
export async function listItems(
  query: QueryExecutor,
  filter: ItemListFilter,
): Promise<PagedRows<ItemListRow>> {
  const parameters: unknown[] = [filter.readablePattern, filter.now];
  const where = [`streams.stream_type = 'item'`, itemReadableSql('streams', '$1')];
  const add = (clause: string, value: unknown) =>
    where.push(clause.replace('?', `$${parameters.push(value)}`));
  if (filter.state !== undefined) add('streams.state = ?', filter.state);
  if (filter.category !== undefined) add('streams.category = ?', filter.category);
  if (filter.campaignId !== undefined) add('streams.campaign_id = ?', filter.campaignId);
  if (filter.overdue !== undefined) add(`${streamOverdueSql('streams', '$2')} = ?`, filter.overdue);
  if (filter.unitPattern !== undefined) add('streams.unit_path LIKE ?', filter.unitPattern);
  const page = await readPage(
    query,
    {
      // $2 (the instant) is typed even when no overdue filter reads it
      keys: `SELECT streams.stream_id, streams.updated_at FROM streams WHERE ${where.join(' AND ')} AND $2::timestamptz IS NOT NULL`,
      orderBy: 'updated_at DESC, stream_id',
      rows: `SELECT s.stream_id, s.state, s.version, s.campaign_id, s.unit_id, s.category, s.deadline,
                    ${streamOverdueSql('s', '$2')} AS overdue, s.created_at, s.updated_at,
                    s.snapshot #>> '{context,clue,description}' AS description
               FROM page JOIN streams s USING (stream_id) ORDER BY s.updated_at DESC, s.stream_id`,
      parameters,
    },
    filter,
  );
  return {
    total: page.total,
    rows: page.rows.map((r) => ({
      streamId: String(r.stream_id),
      state: String(r.state),
      version: Number(r.version),
      campaignId: (r.campaign_id as string | null) ?? null,
      unitId: String(r.unit_id),
      category: (r.category as string | null) ?? null,
      deadline: iso(r.deadline),
      overdue: Boolean(r.overdue),
      description: (r.description as string | null) ?? null,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    })),
  };
}

export interface EscalationListFilter extends PageWindow {
  subtreePattern: string;
  now: string;
  unitPattern?: string;
  state?: string;
  measure?: string;
  campaignId?: string;
  itemId?: string;
  overdue?: boolean;
}

export interface EscalationListRow {
  streamId: string;
  state: string;
  version: number;
  measure: string | null;
  target: unknown;
  reason: string | null;
  ruleId: string | null;
  itemId: string | null;
  campaignId: string | null;
  unitId: string;
  respondBy: string | null;
  overdue: boolean;
  issuedAt: string | null;
  updatedAt: string;
}

/** Escalations, most recently issued first. */
export async function listEscalations(
  query: QueryExecutor,
  filter: EscalationListFilter,
): Promise<PagedRows<EscalationListRow>> {
  const page = await readPage(
    query,
    {
      keys: `SELECT stream_id, created_at FROM streams
              WHERE stream_type = 'escalation' AND unit_path LIKE $1 AND ($2::text IS NULL OR unit_path LIKE $2)
                AND ($3::text IS NULL OR state = $3) AND ($4::text IS NULL OR category = $4)
                AND ($5::text IS NULL OR campaign_id = $5) AND ($6::text IS NULL OR snapshot #>> '{context,itemId}' = $6)
                AND ($7::boolean IS NULL OR ${streamOverdueSql('streams', '$8')} = $7) AND $8::timestamptz IS NOT NULL`,
      orderBy: 'created_at DESC, stream_id',
      rows: `SELECT s.stream_id, s.state, s.version, s.campaign_id, s.unit_id, s.category AS measure, s.deadline,
                    ${streamOverdueSql('s', '$8')} AS overdue, s.updated_at,
                    s.snapshot #>> '{context,issuedAt}' AS issued_at, s.snapshot #>> '{context,itemId}' AS item_id,
                    s.snapshot #>> '{context,ruleId}' AS rule_id, s.snapshot #>> '{context,reason}' AS reason,
                    s.snapshot #> '{context,target}' AS target
               FROM page JOIN streams s USING (stream_id) ORDER BY s.created_at DESC, s.stream_id`,
      parameters: [
        filter.subtreePattern,
        filter.unitPattern ?? null,
        filter.state ?? null,
        filter.measure ?? null,
        filter.campaignId ?? null,
        filter.itemId ?? null,
        filter.overdue ?? null,
        filter.now,
      ],
    },
    filter,
  );
  return {
    total: page.total,
    rows: page.rows.map((r) => ({
      streamId: String(r.stream_id),
      state: String(r.state),
      version: Number(r.version),
      measure: (r.measure as string | null) ?? null,
      target: r.target,
      reason: (r.reason as string | null) ?? null,
      ruleId: (r.rule_id as string | null) ?? null,
      itemId: (r.item_id as string | null) ?? null,
      campaignId: (r.campaign_id as string | null) ?? null,
      unitId: String(r.unit_id),
      respondBy: iso(r.deadline),
      overdue: Boolean(r.overdue),
      issuedAt: (r.issued_at as string | null) ?? null,
      updatedAt: iso(r.updated_at)!,
    })),
  };
}

export interface CampaignListFilter extends PageWindow {
  /** The caller's unit path: campaigns of its subtree and of the units above it are listed. */
  unitPath: string;
  now: string;
  state?: string;
}

export interface CampaignListRow {
  streamId: string;
  name: string | null;
  template: string | null;
  state: string;
  version: number;
  unitId: string;
  deadline: string | null;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Campaigns run by the caller's unit, its subtree or the units above it, most recently created first. */
export async function listCampaigns(
  query: QueryExecutor,
  filter: CampaignListFilter,
): Promise<PagedRows<CampaignListRow>> {
  const page = await readPage(
    query,
    {
      keys: `SELECT stream_id, created_at FROM streams
              WHERE stream_type = 'campaign' AND (unit_path LIKE $1 OR $2 LIKE unit_path || '%')
                AND ($3::text IS NULL OR state = $3) AND $4::timestamptz IS NOT NULL`,
      orderBy: 'created_at DESC, stream_id',
      rows: `SELECT s.stream_id, s.state, s.version, s.unit_id, s.deadline, ${streamOverdueSql('s', '$4')} AS overdue,
                    s.snapshot #>> '{context,name}' AS name, s.snapshot #>> '{context,template}' AS template,
                    s.created_at, s.updated_at
               FROM page JOIN streams s USING (stream_id) ORDER BY s.created_at DESC, s.stream_id`,
      parameters: [subtreePatternOf(filter.unitPath), filter.unitPath, filter.state ?? null, filter.now],
    },
    filter,
  );
  return {
    total: page.total,
    rows: page.rows.map((r) => ({
      streamId: String(r.stream_id),
      name: (r.name as string | null) ?? null,
      template: (r.template as string | null) ?? null,
      state: String(r.state),
      version: Number(r.version),
      unitId: String(r.unit_id),
      deadline: iso(r.deadline),
      overdue: Boolean(r.overdue),
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    })),
  };
}
