import { createHash } from 'node:crypto';
import {
  compileRuleSet,
  exampleDiagnostics,
  formatDiagnostic,
  runExamples,
  type Diagnostic,
  type RuleSet,
} from '../rules';
import type { EventStoreTransaction } from '../persistence/event-store';
import type { Database } from '../persistence/database';
import type { Actor } from '../engine/engine';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import { PublishedRuleSetUnusableError } from './rule-failures';

/** A published version of a campaign's rule set. */
export interface PublishedRuleSet {
  campaignId: string;
  version: number;
  ruleSetId: string;
  ruleCount: number;
  sourceSha256: string;
  publishedAt: string;
  publishedBy: string;
}

/** A rule set that failed to compile or whose in-file examples failed: it cannot be published. */
export class RuleSetRejectedError extends ZhengzhiError {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(ErrorCode.invalidInput, message, {
      diagnostics: diagnostics.map((d) => ({ ...d, formatted: undefined })),
    });
    this.name = 'RuleSetRejectedError';
  }
}

/**
 * Compiles a rule file and runs its examples; returns the rule set or the located problems. `diagnostics`
 * also lists warnings (ZR0011); `errors` counts the rest — only errors stop a publication.
 */
export function checkRuleSource(
  source: string,
  fileName: string,
): { ruleSet: RuleSet | null; diagnostics: Diagnostic[]; errors: number } {
  const compiled = compileRuleSet(source, fileName);
  if (!compiled.ok) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    return { ruleSet: null, diagnostics: [...compiled.diagnostics], errors };
  }
  const failures = exampleDiagnostics(runExamples(compiled.ruleSet), fileName);
  return {
    ruleSet: compiled.ruleSet,
    diagnostics: [...compiled.warnings, ...failures],
    errors: failures.length,
  };
}

const toPublished = (row: Record<string, unknown>): PublishedRuleSet => ({
  campaignId: String(row.campaign_id),
  version: Number(row.version),
  ruleSetId: String(row.rule_set_id),
  ruleCount: Number(row.rule_count),
  sourceSha256: String(row.source_sha256),
  publishedAt: new Date(row.published_at as string).toISOString(),
  publishedBy: String(row.published_by),
});

/**
 * Published rule sets, and the compiled form of each (compiled once per process: a published version
 * never changes).
 */
export class RuleSetRegistry {
  readonly #compiled = new Map<string, RuleSet>();
  /**
   * Publication times per campaign, trusted only on the embedded database: a PGlite data directory is
   * open in one process at a time, so every publication goes through this registry. On PostgreSQL other
   * processes may publish, so every evaluation asks the database.
   */
  readonly #published = new Map<string, Array<{ version: number; publishedAt: number }>>();

  constructor(private readonly database: Database) {}

  /**
   * Publishes a new version for a campaign. It takes effect from `publishedAt`; earlier escalations keep
   * the version that produced them. The file's declared version must be higher than every published one,
   * and it must compile and pass its own examples.
   */
  async publish(
    campaignId: string,
    source: string,
    actor: Actor,
    publishedAt: string,
    fileName = `${campaignId}.rules`,
  ): Promise<PublishedRuleSet> {
    const { ruleSet, diagnostics, errors } = checkRuleSource(source, fileName);
    if (!ruleSet || errors > 0) {
      const text = diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
      throw new RuleSetRejectedError(`the rule set cannot be published:\n${text}`, diagnostics);
    }
    const campaign = (await this.database.dataSource.query(
      `SELECT 1 FROM streams WHERE stream_id = $1 AND stream_type = 'campaign'`,
      [campaignId],
    )) as unknown[];
    if (campaign.length === 0) throw new NotFoundError('campaign', campaignId);
    const published = await this.#insert(
      { query: (sql, parameters) => this.database.dataSource.query(sql, parameters) },
      campaignId,
      ruleSet,
      source,
      actor,
      publishedAt,
    );
    this.#compiled.set(`${campaignId}@${ruleSet.version}`, ruleSet);
    this.#published
      .get(campaignId)
      ?.push({ version: published.version, publishedAt: Date.parse(published.publishedAt) });
    return published;
  }

  /**
   * Stores a checked rule set as the campaign's next version inside the caller's transaction, so that the
   * evaluations in the same transaction use it (rule-set-publish.ts). What this process cached about the
   * campaign is forgotten now and again by `settle` once the transaction has ended, committed or not.
   */
  async publishIn(
    tx: EventStoreTransaction,
    campaignId: string,
    ruleSet: RuleSet,
    source: string,
    actor: Actor,
    publishedAt: string,
  ): Promise<PublishedRuleSet> {
    this.#published.delete(campaignId);
    return this.#insert(tx, campaignId, ruleSet, source, actor, publishedAt);
  }

  /** After the transaction of `publishIn` ended: keep the compiled version if it committed, else forget it. */
  settle(campaignId: string, ruleSet: RuleSet, committed: boolean): void {
    this.#published.delete(campaignId);
    const key = `${campaignId}@${ruleSet.version}`;
    if (committed) this.#compiled.set(key, ruleSet);
    else this.#compiled.delete(key);
  }

  async #insert(
    db: { query<T>(sql: string, parameters: unknown[]): Promise<T[]> },
    campaignId: string,
    ruleSet: RuleSet,
    source: string,
    actor: Actor,
    publishedAt: string,
  ): Promise<PublishedRuleSet> {
    const sha = createHash('sha256').update(source).digest('hex');
    const rows = await db.query<Record<string, unknown>>(
      `INSERT INTO rule_sets (campaign_id, version, rule_set_id, source, source_sha256, rule_count, published_at, published_by)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
       WHERE NOT EXISTS (SELECT 1 FROM rule_sets WHERE campaign_id = $1 AND version >= $2)
       ON CONFLICT DO NOTHING RETURNING *`,
      [campaignId, ruleSet.version, ruleSet.id, source, sha, ruleSet.rules.length, publishedAt, actor.userId],
    );
    if (rows.length === 0) {
      const [latest] = await db.query<{ v: number | null }>(
        `SELECT max(version) AS v FROM rule_sets WHERE campaign_id = $1`,
        [campaignId],
      );
      const current = latest?.v == null ? null : Number(latest.v);
      throw new ZhengzhiError(
        ErrorCode.versionConflict,
        `rule set version ${ruleSet.version} is not newer than the published version ${current}; raise the 版本/version in the file header`,
        { currentVersion: current },
      );
    }
    return toPublished(rows[0]!);
  }

  async latestVersion(campaignId: string): Promise<number | null> {
    const rows = (await this.database.dataSource.query(
      `SELECT max(version) AS v FROM rule_sets WHERE campaign_id = $1`,
      [campaignId],
    )) as Array<{ v: number | null }>;
    return rows[0]?.v ?? null;
  }

  async list(campaignId: string): Promise<PublishedRuleSet[]> {
    const rows = (await this.database.dataSource.query(
      `SELECT campaign_id, version, rule_set_id, rule_count, source_sha256, published_at, published_by FROM rule_sets WHERE campaign_id = $1 ORDER BY version`,
      [campaignId],
    )) as Record<string, unknown>[];
    return rows.map(toPublished);
  }

  async source(campaignId: string, version: number): Promise<string> {
    const rows = (await this.database.dataSource.query(
      `SELECT source FROM rule_sets WHERE campaign_id = $1 AND version = $2`,
      [campaignId, version],
    )) as Array<{ source: string }>;
    if (!rows[0]) throw new NotFoundError('rule set', `${campaignId}@${version}`);
    return rows[0].source;
  }

  /** The rule set in effect for a campaign at an instant (the latest published at or before it), inside a transaction. */
  async activeAt(tx: EventStoreTransaction, campaignId: string, at: string): Promise<RuleSet | null> {
    const version =
      this.database.kind === 'pglite'
        ? await this.#cachedActiveVersion(tx, campaignId, at)
        : await this.#activeVersion(tx, campaignId, at);
    return version === null ? null : this.#compiledVersion(tx, campaignId, version);
  }

  /**
   * The version in effect when this process can know it without asking the database (the embedded
   * database, where every publication goes through this registry); `undefined` on PostgreSQL, where the
   * caller reads it in the same statement as the facts (`EscalationIssuer`).
   */
  async knownActiveVersion(
    tx: EventStoreTransaction,
    campaignId: string,
    at: string,
  ): Promise<number | null | undefined> {
    return this.database.kind === 'pglite' ? this.#cachedActiveVersion(tx, campaignId, at) : undefined;
  }

  /** The compiled rule set of a published version (compiled once per process). */
  compiled(tx: EventStoreTransaction, campaignId: string, version: number): Promise<RuleSet> {
    return this.#compiledVersion(tx, campaignId, version);
  }

  async #activeVersion(tx: EventStoreTransaction, campaignId: string, at: string): Promise<number | null> {
    const rows = await tx.query<{ version: number }>(
      `SELECT version FROM rule_sets WHERE campaign_id = $1 AND published_at <= $2 ORDER BY version DESC LIMIT 1`,
      [campaignId, at],
    );
    return rows[0] ? Number(rows[0].version) : null;
  }

  async #cachedActiveVersion(
    tx: EventStoreTransaction,
    campaignId: string,
    at: string,
  ): Promise<number | null> {
    let versions = this.#published.get(campaignId);
    if (!versions) {
      const rows = await tx.query<{ version: number; published_at: Date }>(
        `SELECT version, published_at FROM rule_sets WHERE campaign_id = $1`,
        [campaignId],
      );
      versions = rows.map((r) => ({
        version: Number(r.version),
        publishedAt: new Date(r.published_at).getTime(),
      }));
      this.#published.set(campaignId, versions);
    }
    const instant = Date.parse(at);
    let active: number | null = null;
    for (const v of versions)
      if (v.publishedAt <= instant && (active === null || v.version > active)) active = v.version;
    return active;
  }

  async #compiledVersion(tx: EventStoreTransaction, campaignId: string, version: number): Promise<RuleSet> {
    const key = `${campaignId}@${version}`;
    const cached = this.#compiled.get(key);
    if (cached) return cached;
    const [row] = await tx.query<{ source: string }>(
      `SELECT source FROM rule_sets WHERE campaign_id = $1 AND version = $2`,
      [campaignId, version],
    );
    const compiled = compileRuleSet(row!.source, `${campaignId}@${version}.rules`);
    if (!compiled.ok) {
      const ruleSetId = /^\s*\S+\s+(\S+)/.exec(row!.source)?.[1] ?? '?';
      const first = compiled.diagnostics.find((d) => d.severity === 'error');
      throw new PublishedRuleSetUnusableError(campaignId, version, ruleSetId, first?.message ?? 'unknown');
    }
    this.#compiled.set(key, compiled.ruleSet);
    return compiled.ruleSet;
  }
}
