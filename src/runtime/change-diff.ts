/**
 * The diff of a change made mid-campaign (issue 10 point 4): which pending timers move, which items become or
 * stop being overdue and which escalations issue. Shared by deadline changes (deadline-change.ts) and rule-set
 * publications (rule-set-publish.ts): each takes a picture of the campaign before and after its work inside one
 * transaction, and a dry run is that transaction rolled back — so what it reports is what applying does.
 */
import { deadlineJobsFor, type FiredJob } from '../escalation';
import type { EventStore, EventStoreTransaction } from '../persistence/event-store';

/** A pending timer that moved: `from` null is a new timer, `to` null one that is no longer pending. */
export interface TimerMove {
  kind: string;
  streamId: string;
  from: string | null;
  to: string | null;
}

/** An escalation the change issues (at once, in its transaction). */
export interface IssuedByChange {
  escalationId: string;
  /** The item, or null for an escalation of a unit alone (a unit subject). */
  itemId: string | null;
  ruleId: string;
  measure: string;
  target: unknown;
  respondBy: string | null;
}

/** What any change reports: timers, overdue marks and escalations. */
export interface ChangeDiff {
  timers: { moved: TimerMove[]; fired: FiredJob[] };
  overdue: { became: string[]; stopped: string[] };
  escalations: IssuedByChange[];
}

/** Deadline timers a change may recompute (sweeps and report dues follow the calendar, not the change). */
export const DEADLINE_KINDS = [
  'VERIFICATION_OVERDUE',
  'RECTIFICATION_OVERDUE',
  'PHASE_DEADLINE_PASSED',
  'RESPONSE_OVERDUE',
];

/** The campaign's pending timers, overdue items and escalations, as a transaction sees them. */
export interface CampaignPicture {
  pending: Map<string, string>;
  overdue: Set<string>;
  escalations: Set<string>;
}

/** Takes the picture inside `tx`. */
export async function campaignPicture(
  tx: EventStoreTransaction,
  campaignId: string,
): Promise<CampaignPicture> {
  const jobs = await tx.query<{ kind: string; stream_id: string; due_at: Date }>(
    `SELECT j.kind, j.stream_id, j.due_at FROM scheduled_jobs j JOIN streams s ON s.stream_id = j.stream_id
      WHERE j.status = 'pending' AND j.kind = ANY($2) AND (s.stream_id = $1 OR s.campaign_id = $1)`,
    [campaignId, DEADLINE_KINDS],
  );
  const pending = new Map<string, string>();
  for (const job of jobs) pending.set(`${job.kind}|${job.stream_id}`, new Date(job.due_at).toISOString());
  const overdue = await tx.query<{ stream_id: string }>(
    `SELECT stream_id FROM streams WHERE stream_type = 'item' AND campaign_id = $1 AND overdue`,
    [campaignId],
  );
  const escalations = await tx.query<{ stream_id: string }>(
    `SELECT stream_id FROM streams WHERE stream_type = 'escalation' AND campaign_id = $1`,
    [campaignId],
  );
  return {
    pending,
    overdue: new Set(overdue.map((r) => r.stream_id)),
    escalations: new Set(escalations.map((r) => r.stream_id)),
  };
}

/**
 * Cancels the stream's pending deadline timers that its state no longer asks for (`skipped`, with `why`): a
 * changed deadline, or the response deadline of an escalation a heavier one stepped up.
 */
export async function cancelSuperseded(
  tx: EventStoreTransaction,
  streamId: string,
  now: string,
  why: string,
): Promise<void> {
  const stream = await tx.loadStream(streamId);
  if (!stream) return;
  const wanted = deadlineJobsFor(stream.streamType, streamId, stream.state, stream.snapshot.context, false);
  const keep = new Set(wanted.map((job) => `${job.kind}|${Date.parse(job.dueAt)}`));
  const pending = await tx.query<{ id: string; kind: string; due_at: Date }>(
    `SELECT id, kind, due_at FROM scheduled_jobs WHERE stream_id = $1 AND status = 'pending' AND kind = ANY($2)`,
    [streamId, DEADLINE_KINDS],
  );
  const superseded = pending.filter((job) => !keep.has(`${job.kind}|${new Date(job.due_at).getTime()}`));
  if (superseded.length === 0) return;
  await tx.query(
    `UPDATE scheduled_jobs SET status = 'skipped', finished_at = $2, outcome = $3 WHERE id = ANY($1::bigint[])`,
    [superseded.map((job) => job.id), now, why],
  );
}

/** The diff between two pictures; the escalations that are new are read from their streams. */
export async function diffPictures(
  tx: EventStoreTransaction,
  before: CampaignPicture,
  after: CampaignPicture,
  fired: FiredJob[],
): Promise<ChangeDiff> {
  const moved: TimerMove[] = [];
  for (const key of new Set([...before.pending.keys(), ...after.pending.keys()])) {
    const from = before.pending.get(key) ?? null;
    const to = after.pending.get(key) ?? null;
    if (from === to) continue;
    const [kind, streamId] = key.split('|') as [string, string];
    moved.push({ kind, streamId, from, to });
  }
  moved.sort((a, b) => `${a.streamId}|${a.kind}`.localeCompare(`${b.streamId}|${b.kind}`));
  const became = [...after.overdue].filter((id) => !before.overdue.has(id)).sort();
  const stopped = [...before.overdue].filter((id) => !after.overdue.has(id)).sort();
  const escalations: IssuedByChange[] = [];
  for (const id of [...after.escalations].filter((e) => !before.escalations.has(e)).sort()) {
    const stream = await tx.loadStream(id);
    const context = (stream?.snapshot.context ?? {}) as Record<string, unknown>;
    escalations.push({
      escalationId: id,
      itemId: context.itemId == null ? null : String(context.itemId),
      ruleId: String(context.ruleId),
      measure: String(context.measure),
      target: context.target,
      respondBy: (context.respondBy as string | null) ?? null,
    });
  }
  return { timers: { moved, fired }, overdue: { became, stopped }, escalations };
}

/** Thrown inside the transaction to roll a dry run back with its outcome. */
class DryRunRollback<T> extends Error {
  constructor(readonly outcome: T) {
    super('dry run');
  }
}

/**
 * Runs `work` in one transaction; with `dryRun` the transaction is rolled back after `work` and its outcome
 * returned all the same — a dry run is the change itself, undone.
 */
export async function inTransactionOrDryRun<T>(
  store: EventStore,
  dryRun: boolean,
  work: (tx: EventStoreTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await store.transaction(async (tx) => {
      const outcome = await work(tx);
      if (dryRun) throw new DryRunRollback(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcome as T;
    throw error;
  }
}
