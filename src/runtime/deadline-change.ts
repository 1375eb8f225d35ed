/**
 * Deadline changes with a diff (issue 10 point 4). A change of a phase deadline or of an item's
 * rectification deadline runs in one transaction: the command's event, the pending timers recomputed (the
 * superseded ones cancelled, the new ones scheduled, the ones now in the past fired at once), the rules
 * evaluated on the changed facts. A dry run is exactly that transaction, rolled back: what it reports is
 * what applying does, because it is the same code.
 */
import type { Actor, CommandResult } from '../engine/engine';
import { NotFoundError } from '../shared/errors';
import {
  campaignPicture,
  cancelSuperseded,
  diffPictures,
  inTransactionOrDryRun,
  type ChangeDiff,
} from './change-diff';
import type { Runtime } from './runtime';

export type { IssuedByChange, TimerMove } from './change-diff';

/** What a supervisor changes. */
export type DeadlineChange =
  | { kind: 'itemDeadline'; itemId: string; deadline: string; reason: string }
  | { kind: 'phaseDeadline'; campaignId: string; phase: string; deadline: string };

/** The diff of a change: timers, overdue marks and escalations (change-diff.ts). */
export interface DeadlineChangeReport extends ChangeDiff {
  dryRun: boolean;
  at: string;
  change: DeadlineChange;
  campaignId: string;
  /** The command's stream, version and state after the change (also on a dry run: as it would be). */
  result: { streamId: string; version: number; state: string };
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
  const outcome = await inTransactionOrDryRun(runtime.store, options.dryRun, async (tx) => {
    const head = await tx.loadStream(streamId);
    const expectedType = change.kind === 'itemDeadline' ? 'item' : 'campaign';
    if (!head || head.streamType !== expectedType) throw new NotFoundError(expectedType, streamId);
    options.authorise?.(head);
    const campaignId = change.kind === 'itemDeadline' ? head.campaignId! : change.campaignId;
    const before = await campaignPicture(tx, campaignId);
    const event =
      change.kind === 'itemDeadline'
        ? { type: 'CHANGE_DEADLINE', deadline: change.deadline, reason: change.reason }
        : { type: 'SET_PHASE_DEADLINE', phase: change.phase, deadline: change.deadline };
    const result: CommandResult = await runtime.engine.executeIn(tx, streamId, event, actor, {
      expectedVersion: options.expectedVersion,
      at: now,
    });
    await cancelSuperseded(tx, streamId, now, 'superseded: the deadline was changed');
    // A deadline moved into the past falls due now, in this transaction.
    const fired = await runtime.scheduler.fireDueFor(tx, streamId, now);
    // A phase deadline is a fact of every open item: the rules look at them at once, not at midnight.
    if (change.kind === 'phaseDeadline') await runtime.scheduler.evaluateOpenItems(tx, campaignId, now);
    const diff = await diffPictures(tx, before, await campaignPicture(tx, campaignId), fired);
    const head2 = await tx.loadStream(streamId);
    const report: DeadlineChangeReport = {
      dryRun: options.dryRun,
      at: now,
      change,
      campaignId,
      ...diff,
      result: { streamId, version: head2!.version, state: head2!.state },
    };
    return { report, command: result };
  });
  return options.dryRun ? { report: outcome.report, command: null } : outcome;
}
