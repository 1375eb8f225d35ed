/**
 * Deadline changes with a diff (issue 10 point 4). A change of a phase deadline or of an item's
 * rectification deadline runs in one transaction: the command's event, the pending timers recomputed (the
 * superseded ones cancelled, the new ones scheduled, the ones now in the past fired at once), the rules
 * evaluated on the changed facts. A dry run is exactly that transaction, rolled back: what it reports is
 * what applying does, because it is the same code.
 */
import type { Actor, CommandResult } from '../engine/engine';
import { deadlineJobsFor, type FiredJob } from '../escalation';
import type { EventStoreTransaction } from '../persistence/event-store';
import { NotFoundError } from '../shared/errors';
import type { Runtime } from './runtime';

/** What a supervisor changes. */
export type DeadlineChange =
  | { kind: 'itemDeadline'; itemId: string; deadline: string; reason: string }
  | { kind: 'phaseDeadline'; campaignId: string; phase: string; deadline: string };

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
  itemId: string;
  ruleId: string;
  measure: string;
  target: unknown;
  respondBy: string | null;
}

/** The diff of a change: timers, overdue marks and escalations. */
export interface DeadlineChangeReport {
  dryRun: boolean;
  at: string;
  change: DeadlineChange;
  campaignId: string;
  timers: { moved: TimerMove[]; fired: FiredJob[] };
  overdue: { became: string[]; stopped: string[] };
  escalations: IssuedByChange[];
  /** The command's stream, version and state after the change (also on a dry run: as it would be). */
  result: { streamId: string; version: number; state: string };
}

/** Thrown inside the transaction to roll a dry run back with its report. */
class DryRunRollback extends Error {
  constructor(readonly report: DeadlineChangeReport) {
    super('dry run');
  }
}

/** Deadline timers a deadline change recomputes (other jobs — sweeps, report dues — do not depend on it). */
const DEADLINE_KINDS = [
  'VERIFICATION_OVERDUE',
  'RECTIFICATION_OVERDUE',
  'PHASE_DEADLINE_PASSED',
  'RESPONSE_OVERDUE',
];

interface Picture {
  pending: Map<string, string>;
  overdue: Set<string>;
  escalations: Set<string>;
}

/** The campaign's pending timers, overdue items and escalations, as the transaction sees them. */
async function picture(tx: EventStoreTransaction, campaignId: string): Promise<Picture> {
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

/** Cancels the stream's pending deadline timers that its state no longer asks for (superseded). */
async function cancelSuperseded(tx: EventStoreTransaction, streamId: string, now: string): Promise<void> {
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
    `UPDATE scheduled_jobs SET status = 'skipped', finished_at = $2, outcome = 'superseded: the deadline was changed'
      WHERE id = ANY($1::bigint[])`,
    [superseded.map((job) => job.id), now],
  );
}

function diff(
  before: Picture,
  after: Picture,
): Pick<DeadlineChangeReport, 'timers' | 'overdue'> & {
  newEscalations: string[];
} {
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
  const newEscalations = [...after.escalations].filter((id) => !before.escalations.has(id)).sort();
  return { timers: { moved, fired: [] }, overdue: { became, stopped }, newEscalations };
}

/**
 * Applies (or, with `dryRun`, tries and rolls back) a deadline change as `actor`, at the runtime clock's now.
 * `authorise` sees the target stream's head inside the transaction before anything is written.
 */
export async function changeDeadline(
  runtime: Runtime,
  change: DeadlineChange,
  actor: Actor,
  options: {
    dryRun: boolean;
    expectedVersion?: number;
    authorise?: (stream: { unitPath: string; streamType: string }) => void;
  },
): Promise<{ report: DeadlineChangeReport; command: CommandResult | null }> {
  const now = runtime.clock.now().toISOString();
  const streamId = change.kind === 'itemDeadline' ? change.itemId : change.campaignId;
  try {
    return await runtime.store.transaction(async (tx) => {
      const head = await tx.loadStream(streamId);
      const expectedType = change.kind === 'itemDeadline' ? 'item' : 'campaign';
      if (!head || head.streamType !== expectedType) throw new NotFoundError(expectedType, streamId);
      options.authorise?.(head);
      const campaignId = change.kind === 'itemDeadline' ? head.campaignId! : change.campaignId;
      const before = await picture(tx, campaignId);
      const event =
        change.kind === 'itemDeadline'
          ? { type: 'CHANGE_DEADLINE', deadline: change.deadline, reason: change.reason }
          : { type: 'SET_PHASE_DEADLINE', phase: change.phase, deadline: change.deadline };
      const result: CommandResult = await runtime.engine.executeIn(tx, streamId, event, actor, {
        expectedVersion: options.expectedVersion,
        at: now,
      });
      await cancelSuperseded(tx, streamId, now);
      // A deadline moved into the past falls due now, in this transaction.
      const fired = await runtime.scheduler.fireDueFor(tx, streamId, now);
      // A phase deadline is a fact of every open item: the rules look at them at once, not at midnight.
      if (change.kind === 'phaseDeadline') await runtime.scheduler.evaluateOpenItems(tx, campaignId, now);
      const after = await picture(tx, campaignId);
      const { timers, overdue, newEscalations } = diff(before, after);
      const escalations: IssuedByChange[] = [];
      for (const id of newEscalations) {
        const stream = await tx.loadStream(id);
        const context = (stream?.snapshot.context ?? {}) as Record<string, unknown>;
        escalations.push({
          escalationId: id,
          itemId: String(context.itemId),
          ruleId: String(context.ruleId),
          measure: String(context.measure),
          target: context.target,
          respondBy: (context.respondBy as string | null) ?? null,
        });
      }
      const head2 = await tx.loadStream(streamId);
      const report: DeadlineChangeReport = {
        dryRun: options.dryRun,
        at: now,
        change,
        campaignId,
        timers: { moved: timers.moved, fired },
        overdue,
        escalations,
        result: { streamId, version: head2!.version, state: head2!.state },
      };
      if (options.dryRun) throw new DryRunRollback(report);
      return { report, command: result };
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return { report: error.report, command: null };
    throw error;
  }
}
