import type { CampaignContext, Phase } from '../machines/campaign-types';
import type { EscalationContext } from '../machines/escalation-types';
import type { ItemContext } from '../machines/item-types';
import { nextDueOf } from '../machines/reporting-cadence';

/** A job for the durable scheduler: fire `kind` on `streamId` once `dueAt` has passed. */
export interface DeadlineJob {
  kind: string;
  streamId: string;
  dueAt: string;
  payload: Record<string, unknown>;
}

const DAY = 86_400_000;
/** Clock sweeps run daily at 00:00 China Standard Time (16:00 UTC), when "days overdue" facts change. */
export function nextSweepAfter(at: string): string {
  const t = Date.parse(at);
  const boundary = Math.floor((t - 16 * 3_600_000) / DAY) * DAY + 16 * 3_600_000;
  return new Date(boundary + DAY).toISOString();
}

/**
 * The deadline jobs a stream's new state calls for. Deadlines live in the stream (as data) and reach the
 * machine as events; the scheduler only remembers when to send them. Stale jobs are harmless: the
 * machine's guard refuses a deadline event whose deadline has since changed.
 */
export function deadlineJobsFor(
  streamType: string,
  streamId: string,
  state: string,
  context: unknown,
  created: boolean,
): DeadlineJob[] {
  const jobs: DeadlineJob[] = [];
  if (streamType === 'item') {
    const item = context as ItemContext;
    if (state === 'verifying' && item.verification && !item.verification.overdue) {
      jobs.push({
        kind: 'VERIFICATION_OVERDUE',
        streamId,
        dueAt: item.verification.deadline,
        payload: { deadline: item.verification.deadline },
      });
    }
    if (state === 'rectifying' && item.ledger && !item.ledger.overdue && !item.ledger.longTerm) {
      jobs.push({
        kind: 'RECTIFICATION_OVERDUE',
        streamId,
        dueAt: item.ledger.deadline,
        payload: { deadline: item.ledger.deadline },
      });
    }
  } else if (streamType === 'campaign') {
    const campaign = context as CampaignContext;
    const phase = state as Phase;
    const deadline = campaign.deadlines[phase];
    if (deadline && !campaign.overduePhases.includes(phase)) {
      jobs.push({ kind: 'PHASE_DEADLINE_PASSED', streamId, dueAt: deadline, payload: { phase, deadline } });
    }
    if (campaign.reporting && state !== 'finished') {
      const last = campaign.reportDues[campaign.reportDues.length - 1] ?? campaign.reporting.since;
      const dueAt = nextDueOf(campaign.reporting, last);
      if (dueAt) jobs.push({ kind: 'REPORT_DUE', streamId, dueAt, payload: { dueAt } });
    }
    if (created)
      jobs.push({ kind: 'RULE_SWEEP', streamId, dueAt: nextSweepAfter(campaign.createdAt), payload: {} });
  } else if (streamType === 'escalation') {
    const escalation = context as EscalationContext;
    if (escalation.respondBy && !escalation.responseOverdue && state !== 'lifted' && state !== 'steppedUp') {
      jobs.push({
        kind: 'RESPONSE_OVERDUE',
        streamId,
        dueAt: escalation.respondBy,
        payload: { deadline: escalation.respondBy },
      });
    }
  }
  return jobs;
}
