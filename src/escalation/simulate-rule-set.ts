import { createHash } from 'node:crypto';
import { formatDiagnostic } from '../rules';
import { parseInstant } from '../rules/instants';
import type { Database } from '../persistence/database';
import {
  campaignHead,
  campaignHistory,
  publishedRuleSetVersions,
  readOnlySnapshot,
  recordedIssueTriggers,
  recordedRuleSweeps,
} from '../persistence/campaign-history';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import { checkRuleSource, RuleSetRejectedError } from './rule-sets';
import { simulate } from './simulation';
import { buildSimulationReport, type SimulationReport } from './simulation-report';

export interface SimulationWindow {
  /** ISO instant; default: when the campaign's first rule set was published (its start when none was). */
  from?: string | null;
  /** ISO instant; default: the last recorded instant. */
  to?: string | null;
}

function instantOption(name: 'from' | 'to', value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  const ms = parseInstant(value);
  if (Number.isNaN(ms))
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `${name} must be an ISO instant such as 2023-06-01T00:00:00+08:00, not ${JSON.stringify(value.slice(0, 40))}`,
      { invalidFields: [{ field: name, messages: ['not an ISO instant'] }] },
    );
  return new Date(ms).toISOString();
}

/**
 * What a candidate rule set would have done over a campaign's recorded history, beside what was issued.
 * The file must compile and pass its own examples (as for publishing); nothing is written — the history is
 * read in one read-only snapshot.
 */
export async function simulateRuleSet(
  database: Database,
  campaignId: string,
  source: string,
  fileName: string,
  window: SimulationWindow = {},
): Promise<SimulationReport> {
  const from = instantOption('from', window.from);
  const to = instantOption('to', window.to);
  if (from && to && Date.parse(from) > Date.parse(to))
    throw new ZhengzhiError(ErrorCode.invalidInput, `from (${from}) is after to (${to})`, {
      invalidFields: [{ field: 'from', messages: ['after to'] }],
    });
  const { ruleSet, diagnostics, errors } = checkRuleSource(source, fileName);
  if (!ruleSet || errors > 0) {
    const text = diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
    throw new RuleSetRejectedError(`the rule set cannot be simulated:\n${text}`, diagnostics);
  }
  return readOnlySnapshot(database, async (db) => {
    const head = await campaignHead(db, campaignId);
    if (!head) throw new NotFoundError('campaign', campaignId);
    const published = await publishedRuleSetVersions(db, campaignId);
    const outcome = await simulate({
      campaignId,
      ruleSet,
      history: campaignHistory(db, campaignId),
      recordedSweeps: await recordedRuleSweeps(db, campaignId),
      recordedIssueTriggers: await recordedIssueTriggers(db, campaignId),
      from: from ?? published[0]?.publishedAt ?? null,
      to,
    });
    return buildSimulationReport(outcome, {
      candidate: {
        ruleSetId: ruleSet.id,
        version: ruleSet.version,
        ruleCount: ruleSet.rules.length,
        fileName,
        sourceSha256: createHash('sha256').update(source).digest('hex'),
      },
      published,
    });
  });
}
