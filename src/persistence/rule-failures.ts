/**
 * Named queries over `rule_failures`: rules skipped because they failed while evaluating. Written inside
 * the transaction of the command (or sweep) that evaluated them; read by supervisors.
 */

/** Anything that runs SQL: a transaction or a data source. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One recorded failure. */
export interface RuleFailureRecord {
  id: number;
  campaignId: string;
  ruleSetId: string;
  ruleSetVersion: number;
  ruleId: string;
  stage: string;
  itemId: string | null;
  occurredAt: string;
  trigger: unknown;
  message: string;
}

/** Per rule: how often it failed, when first and last, and the latest message. */
export interface RuleFailureSummary {
  ruleSetVersion: number;
  ruleId: string;
  stage: string;
  count: number;
  firstAt: string;
  lastAt: string;
  lastMessage: string;
}

export type NewRuleFailure = Omit<RuleFailureRecord, 'id'>;

export async function insertRuleFailures(db: Queryable, failures: readonly NewRuleFailure[]): Promise<void> {
  for (const f of failures) {
    await db.query(
      `INSERT INTO rule_failures (campaign_id, rule_set_id, rule_set_version, rule_id, stage, item_id, occurred_at, trigger, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        f.campaignId,
        f.ruleSetId,
        f.ruleSetVersion,
        f.ruleId,
        f.stage,
        f.itemId,
        f.occurredAt,
        JSON.stringify(f.trigger),
        f.message,
      ],
    );
  }
}

const iso = (value: unknown): string => new Date(value as string).toISOString();

/** The latest failures of a campaign, newest first. */
export async function latestRuleFailures(
  db: Queryable,
  campaignId: string,
  limit: number,
): Promise<RuleFailureRecord[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id, campaign_id, rule_set_id, rule_set_version, rule_id, stage, item_id, occurred_at, trigger, message
       FROM rule_failures WHERE campaign_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
    [campaignId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    campaignId: String(r.campaign_id),
    ruleSetId: String(r.rule_set_id),
    ruleSetVersion: Number(r.rule_set_version),
    ruleId: String(r.rule_id),
    stage: String(r.stage),
    itemId: r.item_id === null ? null : String(r.item_id),
    occurredAt: iso(r.occurred_at),
    trigger: typeof r.trigger === 'string' ? (JSON.parse(r.trigger) as unknown) : r.trigger,
    message: String(r.message),
  }));
}

/** Failures of a campaign grouped by rule-set version, rule and stage. */
export async function summariseRuleFailures(
  db: Queryable,
  campaignId: string,
): Promise<RuleFailureSummary[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT rule_set_version, rule_id, stage, count(*) AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
            (array_agg(message ORDER BY occurred_at DESC, id DESC))[1] AS last_message
       FROM rule_failures WHERE campaign_id = $1
      GROUP BY rule_set_version, rule_id, stage ORDER BY rule_set_version DESC, rule_id, stage`,
    [campaignId],
  );
  return rows.map((r) => ({
    ruleSetVersion: Number(r.rule_set_version),
    ruleId: String(r.rule_id),
    stage: String(r.stage),
    count: Number(r.n),
    firstAt: iso(r.first_at),
    lastAt: iso(r.last_at),
    lastMessage: String(r.last_message),
  }));
}
