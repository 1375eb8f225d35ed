import type { AppendHook } from '../engine/engine';
import type { CampaignContext } from '../machines/campaign-types';
import type { ItemContext } from '../machines/item-types';
import type { EventStoreTransaction } from '../persistence/event-store';
import { deadlineJobsFor, type DeadlineJob } from './deadline-jobs';
import type { EscalationIssuer } from './issuer';
import { unitsThatMissed } from './unit-decision';

/** Inserts jobs, ignoring ones already scheduled (unique on kind, stream and due time). */
export async function scheduleJobs(tx: EventStoreTransaction, jobs: readonly DeadlineJob[]): Promise<void> {
  for (const job of jobs) {
    await tx.query(
      `INSERT INTO scheduled_jobs (kind, stream_id, due_at, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, stream_id, due_at) DO NOTHING`,
      [job.kind, job.streamId, job.dueAt, job.payload],
    );
  }
}

/**
 * After every item event: evaluate the campaign's rules in the same transaction. After a campaign's
 * REPORT_DUE: each unit that missed that due instant is a rule subject of its own (no item needed).
 */
export function rulesHook(issuer: EscalationIssuer): AppendHook {
  return {
    name: 'rules',
    async afterAppend(tx, { streamType, event, state, unitId }) {
      if (streamType === 'campaign' && event.type === 'REPORT_DUE') {
        const campaign = state.context as CampaignContext;
        const dueAt = String(event.payload.dueAt);
        const trigger = {
          kind: 'event' as const,
          streamId: event.streamId,
          sequence: event.sequence,
          eventType: event.type,
        };
        const issued = [];
        for (const missing of unitsThatMissed(campaign, dueAt)) {
          issued.push(
            ...(await issuer.evaluateUnit(tx, campaign.campaignId, missing, event.occurredAt, trigger)),
          );
        }
        return issued;
      }
      if (streamType !== 'item') return [];
      const context = state.context as ItemContext;
      // `unitId` is the unit the append just wrote to the stream's head.
      return issuer.evaluateItem(tx, { state: state.value, context, unitId }, event.occurredAt, {
        kind: 'event',
        streamId: event.streamId,
        sequence: event.sequence,
        eventType: event.type,
      });
    },
  };
}

const jobKey = (job: DeadlineJob): string => `${job.kind}|${job.streamId}|${job.dueAt}`;

/** After every event of any stream: remember the deadlines its new state calls for. */
export function deadlineHook(): AppendHook {
  return {
    name: 'deadlines',
    runsOnDerivedEvents: true,
    async afterAppend(tx, { streamType, stream, event, state }) {
      const jobs = deadlineJobsFor(streamType, event.streamId, state.value, state.context, stream === null);
      // Most events leave the deadlines as they were: only jobs the previous state did not ask for are new.
      const before = stream
        ? deadlineJobsFor(streamType, stream.streamId, stream.state, stream.snapshot.context, false)
        : [];
      const known = new Set(before.map(jobKey));
      const fresh = jobs.filter((job) => !known.has(jobKey(job)));
      await scheduleJobs(tx, fresh);
      return fresh;
    },
  };
}
