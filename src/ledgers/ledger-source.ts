import type { Runtime } from '../runtime/runtime';
import type { CampaignContext, Category } from '../machines/campaign-types';
import { databaseQuery, type QueryExecutor } from '../persistence/database';
import type { ItemContext } from '../machines/item-types';
import type { PersistedState } from '../machines/step';
import type { EventStoreTransaction } from '../persistence/event-store';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';

/** What a ledger needs to know about its campaign. */
export interface CampaignInfo {
  campaignId: string;
  name: string;
  unitId: string;
  unitName: string;
  unitPath: string;
  categories: Category[];
  rectifyDeadline: string | null;
  parentCampaignId: string | null;
}

/** Plain queries outside any transaction. */
export function queryOf(runtime: Pick<Runtime, 'database'>): QueryExecutor {
  return databaseQuery(runtime.database);
}

/** Reads a campaign stream and its unit; NotFound when there is none. */
export async function loadCampaign(
  runtime: Pick<Runtime, 'database'>,
  campaignId: string,
): Promise<CampaignInfo> {
  const rows = await queryOf(runtime)<{ snapshot: PersistedState; name: string; path: string }>(
    `SELECT s.snapshot, u.name, u.path FROM streams s JOIN units u ON u.id = s.unit_id
      WHERE s.stream_id = $1 AND s.stream_type = 'campaign'`,
    [campaignId],
  );
  if (!rows[0]) throw new NotFoundError('campaign', campaignId);
  const context = rows[0].snapshot.context as CampaignContext;
  return {
    campaignId,
    name: context.name,
    unitId: context.unitId,
    unitName: rows[0].name,
    unitPath: rows[0].path,
    categories: context.categories,
    rectifyDeadline: context.deadlines.rectify ?? null,
    parentCampaignId: context.parentCampaignId,
  };
}

/** Unit id → name, for every unit (the unit tree is small next to the items). */
export async function unitNames(runtime: Pick<Runtime, 'database'>): Promise<Map<string, string>> {
  const rows = await queryOf(runtime)<{ id: string; name: string }>('SELECT id, name FROM units');
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The path of a unit, for subtree filters; NotFound for an unknown unit. */
export async function unitPathOf(runtime: Pick<Runtime, 'database'>, unitId: string): Promise<string> {
  const rows = await queryOf(runtime)<{ path: string }>('SELECT path FROM units WHERE id = $1', [unitId]);
  if (!rows[0]) throw new NotFoundError('unit', unitId);
  return rows[0].path;
}

/** States of items that have been confirmed (查实) and so appear on the 整改工作台账. */
export const LEDGER_STATES = [
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'lookBack',
  'reopened',
] as const;

/**
 * The items of a campaign with their number (序号), shared by the clue ledger and the 整改工作台账. Items
 * registered with a `ledgerNumber` (imported from a sheet) keep it; items without one are numbered after
 * the campaign's highest number, in registration order, the same way on export and on import, so an
 * exported sheet re-imports onto the same items. Only `$1` (the campaign id) is a parameter.
 */
export const NUMBERED_ITEMS_SQL = `
  WITH campaign_items AS (
    SELECT stream_id, state, version, machine_version, unit_path, created_at, snapshot,
           (snapshot #>> '{context,ledgerNumber}')::int AS ledger_number
      FROM streams WHERE stream_type = 'item' AND campaign_id = $1),
  top AS (SELECT COALESCE(max(ledger_number), 0) AS n FROM campaign_items)
  SELECT ci.stream_id, ci.state, ci.version, ci.machine_version, ci.unit_path, ci.snapshot,
         COALESCE(ci.ledger_number, top.n + row_number() OVER (
           PARTITION BY ci.ledger_number IS NULL ORDER BY ci.created_at, ci.stream_id)) AS number
    FROM campaign_items ci, top`;

/** The same numbering without the snapshots: narrow rows that sort in memory. */
const NUMBERED_ORDER_SQL = `
  WITH campaign_items AS (
    SELECT stream_id, state, unit_path, created_at, (snapshot #>> '{context,ledgerNumber}')::int AS ledger_number
      FROM streams WHERE stream_type = 'item' AND campaign_id = $1),
  top AS (SELECT COALESCE(max(ledger_number), 0) AS n FROM campaign_items)
  SELECT stream_id, state, number FROM (
    SELECT ci.stream_id, ci.state, ci.unit_path,
           COALESCE(ci.ledger_number, top.n + row_number() OVER (
             PARTITION BY ci.ledger_number IS NULL ORDER BY ci.created_at, ci.stream_id)) AS number
      FROM campaign_items ci, top) numbered
   WHERE state = ANY($2) AND unit_path LIKE $3
   ORDER BY number`;

/** A numbered item as an export reads it: its number, state and the parts of its context the sheet shows. */
export interface ExportedItem {
  number: number;
  state: string;
  context: ItemContext;
}

/**
 * Streams a campaign's numbered items in 序号 order: a cursor walks the narrow, sorted numbering, and each
 * batch's contexts are fetched by id (`contextSql` picks the parts of `snapshot -> 'context'` the sheet
 * needs, so that neither the sort nor the client handles whole snapshots).
 */
export async function forEachNumberedBatch(
  runtime: Pick<Runtime, 'store'>,
  filter: { campaignId: string; states: readonly string[]; pathPrefix: string },
  contextSql: string,
  onBatch: (items: ExportedItem[]) => void,
): Promise<void> {
  await forEachBatch(
    runtime,
    NUMBERED_ORDER_SQL,
    [filter.campaignId, filter.states, `${filter.pathPrefix}%`],
    2000,
    async (rows, tx) => {
      const contexts = await tx.query<{ stream_id: string; context: ItemContext }>(
        `SELECT stream_id, ${contextSql} AS context FROM (SELECT stream_id, snapshot -> 'context' AS c FROM streams WHERE stream_id = ANY($1)) s`,
        [rows.map((r) => r.stream_id)],
      );
      const byId = new Map(contexts.map((r) => [r.stream_id, r.context]));
      onBatch(
        rows.map((r) => ({
          number: Number(r.number),
          state: String(r.state),
          context: byId.get(String(r.stream_id))!,
        })),
      );
    },
  );
}

export interface NumberedItem {
  streamId: string;
  state: string;
  version: number;
  machineVersion: number;
  number: number;
  snapshot: PersistedState;
  context: ItemContext;
}

export function toNumberedItem(row: Record<string, unknown>): NumberedItem {
  const snapshot = row.snapshot as PersistedState;
  return {
    streamId: String(row.stream_id),
    state: String(row.state),
    version: Number(row.version),
    machineVersion: Number(row.machine_version),
    number: Number(row.number),
    snapshot,
    context: snapshot.context as ItemContext,
  };
}

/**
 * Streams the rows of a query through a server-side cursor in batches, inside one read transaction, so
 * that a 100,000-row export never holds more than one batch. `onBatch` must not query the database
 * outside `tx` (on PGlite the single connection is held by this transaction).
 */
export async function forEachBatch(
  runtime: Pick<Runtime, 'store'>,
  sql: string,
  parameters: unknown[],
  batchSize: number,
  onBatch: (rows: Record<string, unknown>[], tx: EventStoreTransaction) => Promise<void> | void,
): Promise<void> {
  await runtime.store.transaction(async (tx) => {
    await tx.query(`DECLARE zz_ledger_cursor NO SCROLL CURSOR FOR ${sql}`, parameters);
    for (;;) {
      const rows = await tx.query(`FETCH ${Math.max(1, Math.floor(batchSize))} FROM zz_ledger_cursor`);
      if (rows.length === 0) break;
      await onBatch(rows, tx);
    }
    await tx.query('CLOSE zz_ledger_cursor');
  });
}

/** Refuses a state filter naming no known item state. */
export function checkStates(states: readonly string[] | undefined, known: readonly string[]): void {
  const unknown = (states ?? []).filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `unknown item state(s) ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
}
