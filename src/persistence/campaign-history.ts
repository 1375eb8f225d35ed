import type { Database } from './database';
import type { Queryable } from './rule-failures';

/**
 * Named reads of a campaign's recorded history for the what-if simulation (issue 10): its events in the
 * order they were appended, the daily rule sweeps the scheduler ran, and its published rule-set versions.
 * Read inside one read-only snapshot (`readOnlySnapshot`), so the history cannot change underneath and
 * nothing can be written by mistake.
 */

/** One recorded event with its stream's type. */
export interface CampaignHistoryEvent {
  position: number;
  streamId: string;
  streamType: string;
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
  actorId: string;
  occurredAt: string;
  machineVersion: number;
}

const iso = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

function toHistoryEvent(row: Record<string, unknown>): CampaignHistoryEvent {
  return {
    position: Number(row.global_position),
    streamId: String(row.stream_id),
    streamType: String(row.stream_type),
    sequence: Number(row.sequence),
    type: String(row.type),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >,
    actorId: String(row.actor_id),
    occurredAt: String(row.occurred_at),
    machineVersion: Number(row.machine_version),
  };
}

/**
 * `occurred_at` as the ISO text `Date.prototype.toISOString` gives (UTC, milliseconds truncated), formatted by
 * the database: a million events are not parsed into Dates only to be printed again.
 */
const OCCURRED_AT_ISO = `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Every event of the campaign in append order, `batch` at a time, through one cursor (inside the caller's
 * transaction): the events are ordered once, not once per page as keyset pages over a join would be. The
 * next batch is fetched while the caller works on the current one.
 */
export async function* campaignHistory(
  db: Queryable,
  campaignId: string,
  batch = 5_000,
): AsyncGenerator<CampaignHistoryEvent[]> {
  const cursor = 'zz_campaign_history';
  await db.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR
     SELECT e.global_position, e.stream_id, s.stream_type, e.sequence, e.type, e.payload, e.actor_id,
            ${OCCURRED_AT_ISO} AS occurred_at, e.machine_version
       FROM events e JOIN streams s ON s.stream_id = e.stream_id
      WHERE s.campaign_id = $1
      ORDER BY e.global_position`,
    [campaignId],
  );
  const fetch = () => {
    const rows = db.query<Record<string, unknown>>(`FETCH ${batch} FROM ${cursor}`);
    rows.catch(() => undefined); // awaited below, or superseded by the error that stopped the caller
    return rows;
  };
  try {
    let next: Promise<Array<Record<string, unknown>>> | null = fetch();
    while (next) {
      const rows: Array<Record<string, unknown>> = await next;
      if (rows.length === 0) return;
      next = rows.length < batch ? null : fetch();
      yield rows.map(toHistoryEvent);
    }
  } finally {
    await db.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}

/** Where each escalation the recorded rules issued came from: `itemId|c:<tick>` or `itemId|e:<stream>:<seq>`. */
export async function recordedIssueTriggers(db: Queryable, campaignId: string): Promise<Set<string>> {
  const rows = await db.query<{ item_id: string | null; trigger: Record<string, unknown> | null }>(
    `SELECT e.payload ->> 'itemId' AS item_id, e.payload -> 'trigger' AS trigger
       FROM events e JOIN streams s ON s.stream_id = e.stream_id
      WHERE s.campaign_id = $1 AND s.stream_type = 'escalation' AND e.sequence = 1`,
    [campaignId],
  );
  return new Set(
    rows.map((r) => {
      const t = r.trigger ?? {};
      const key = t.kind === 'clock' ? `c:${iso(t.tick)}` : `e:${String(t.streamId)}:${String(t.sequence)}`;
      return `${r.item_id}|${key}`;
    }),
  );
}

/** The daily rule sweeps the scheduler ran for the campaign: when each was due and when it ran. */
export async function recordedRuleSweeps(
  db: Queryable,
  campaignId: string,
): Promise<Array<{ dueAt: string; ranAt: string }>> {
  const rows = await db.query<{ due_at: unknown; finished_at: unknown }>(
    `SELECT due_at, finished_at FROM scheduled_jobs
      WHERE kind = 'RULE_SWEEP' AND stream_id = $1 AND status = 'done' AND finished_at IS NOT NULL
      ORDER BY finished_at, due_at`,
    [campaignId],
  );
  return rows.map((r) => ({ dueAt: iso(r.due_at), ranAt: iso(r.finished_at) }));
}

/** The campaign stream's head, or null: its unit path (for authorisation) and when it was created. */
export async function campaignHead(
  db: Queryable,
  campaignId: string,
): Promise<{ unitId: string; unitPath: string; createdAt: string } | null> {
  const [row] = await db.query<{ unit_id: string; unit_path: string; created_at: unknown }>(
    `SELECT unit_id, unit_path, created_at FROM streams WHERE stream_id = $1 AND stream_type = 'campaign'`,
    [campaignId],
  );
  return row ? { unitId: row.unit_id, unitPath: row.unit_path, createdAt: iso(row.created_at) } : null;
}

/** The campaign's published rule-set versions, oldest first. */
export async function publishedRuleSetVersions(
  db: Queryable,
  campaignId: string,
): Promise<Array<{ version: number; ruleSetId: string; publishedAt: string }>> {
  const rows = await db.query<{ version: number; rule_set_id: string; published_at: unknown }>(
    `SELECT version, rule_set_id, published_at FROM rule_sets WHERE campaign_id = $1 ORDER BY version`,
    [campaignId],
  );
  return rows.map((r) => ({
    version: Number(r.version),
    ruleSetId: r.rule_set_id,
    publishedAt: iso(r.published_at),
  }));
}

/**
 * Runs `work` in a REPEATABLE READ, READ ONLY transaction: one consistent snapshot of the whole history,
 * and any write attempted inside fails.
 */
export async function readOnlySnapshot<T>(
  database: Database,
  work: (db: Queryable) => Promise<T>,
): Promise<T> {
  const pool = database.pool();
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const db: Queryable = {
      query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    };
    const result = await work(db);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
