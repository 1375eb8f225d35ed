/**
 * Publishing a rule set mid-campaign, with a diff (issue 10 point 4). Applying runs in one transaction: the
 * rule set stored as the campaign's next version, the campaign's open items evaluated by it at once (the daily
 * sweep's code path, recorded as a sweep run at the publication instant), and the pending timers that
 * evaluation touches recomputed — new escalations' response deadlines scheduled (or fired when already due),
 * the response deadlines of escalations a heavier one stepped up cancelled. A dry run is that transaction
 * rolled back, so it reports what applying does (change-diff.ts).
 */
import type { Actor } from '../engine/engine';
import { checkRuleSource, RuleSetRejectedError, type FiredJob, type PublishedRuleSet } from '../escalation';
import { formatDiagnostic } from '../rules';
import { NotFoundError } from '../shared/errors';
import {
  campaignPicture,
  cancelSuperseded,
  diffPictures,
  inTransactionOrDryRun,
  type ChangeDiff,
} from './change-diff';
import type { Runtime } from './runtime';

/** What publishing a rule set does (or, on a dry run, would do) to the campaign. */
export interface RuleSetPublishReport extends ChangeDiff {
  dryRun: boolean;
  at: string;
  campaignId: string;
  /** The publication (on a dry run: as it would be stored). */
  published: PublishedRuleSet;
  /** The open items the new rule set evaluated at once, and the escalations that evaluation issued. */
  evaluated: { items: number; issued: number };
}

/**
 * Publishes (or, with `dryRun`, tries and rolls back) `source` as the campaign's next rule-set version as
 * `actor`, at the runtime clock's now. The file must compile and pass its examples (`RuleSetRejectedError`
 * otherwise); `authorise` sees the campaign's head inside the transaction before anything is written.
 */
export async function publishRuleSet(
  runtime: Runtime,
  campaignId: string,
  source: string,
  actor: Actor,
  options: {
    dryRun: boolean;
    fileName?: string;
    authorise?: (stream: { unitPath: string; streamType: string }) => void;
  },
): Promise<RuleSetPublishReport> {
  const fileName = options.fileName ?? `${campaignId}.rules`;
  const { ruleSet, diagnostics, errors } = checkRuleSource(source, fileName);
  if (!ruleSet || errors > 0) {
    const text = diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
    throw new RuleSetRejectedError(`the rule set cannot be published:\n${text}`, diagnostics);
  }
  const now = runtime.clock.now().toISOString();
  let committed = false;
  try {
    const report = await inTransactionOrDryRun(runtime.store, options.dryRun, async (tx) => {
      const head = await tx.loadStream(campaignId);
      if (!head || head.streamType !== 'campaign') throw new NotFoundError('campaign', campaignId);
      options.authorise?.(head);
      const before = await campaignPicture(tx, campaignId);
      const [mark] = await tx.query<{ position: string | number }>(
        `SELECT COALESCE(max(global_position), 0) AS position FROM events`,
      );
      const published = await runtime.ruleSets.publishIn(tx, campaignId, ruleSet, source, actor, now);
      // The new rules look at every open item now, not at the next event or midnight.
      const evaluated = await runtime.scheduler.evaluateOpenItems(tx, campaignId, now);
      // Recorded as a sweep run at this instant: the what-if simulation replays it like the daily ones.
      await tx.query(
        `INSERT INTO scheduled_jobs (kind, stream_id, due_at, payload, status, claimed_by, finished_at, outcome)
         VALUES ('RULE_SWEEP', $1, $2, $3, 'done', $4, $2, $5) ON CONFLICT (kind, stream_id, due_at) DO NOTHING`,
        [
          campaignId,
          now,
          { publishedVersion: published.version },
          actor.userId,
          `rule set v${published.version} published: swept ${evaluated.items} item(s), issued ${evaluated.issued} escalation(s)`,
        ],
      );
      // The timers of every stream the evaluation wrote to: superseded ones cancelled, due ones fired now.
      const touched = await tx.query<{ stream_id: string }>(
        `SELECT DISTINCT e.stream_id FROM events e JOIN streams s ON s.stream_id = e.stream_id
          WHERE e.global_position > $1 AND s.campaign_id = $2 ORDER BY e.stream_id`,
        [mark?.position ?? 0, campaignId],
      );
      const fired: FiredJob[] = [];
      for (const { stream_id: streamId } of touched) {
        await cancelSuperseded(tx, streamId, now, `superseded: rule set v${published.version} published`);
        fired.push(...(await runtime.scheduler.fireDueFor(tx, streamId, now)));
      }
      const diff = await diffPictures(tx, before, await campaignPicture(tx, campaignId), fired);
      return { dryRun: options.dryRun, at: now, campaignId, published, evaluated, ...diff };
    });
    committed = !options.dryRun;
    return report;
  } finally {
    runtime.ruleSets.settle(campaignId, ruleSet, committed);
  }
}
