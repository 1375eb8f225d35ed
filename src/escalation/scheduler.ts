import type { Engine } from '../engine/engine';
import type { ItemContext } from '../machines/item-types';
import type { EventStore, EventStoreTransaction } from '../persistence/event-store';
import type { Clock } from '../shared/clock';
import { CommandRejectedError } from '../shared/errors';
import { nextSweepAfter } from './deadline-jobs';
import { scheduleJobs } from './hooks';
import type { EscalationIssuer } from './issuer';

/** The scheduler acts as this system user. */
export const SCHEDULER_ACTOR_ID = 'system:scheduler';

export interface FiredJob {
  id: number;
  kind: string;
  streamId: string;
  dueAt: string;
  status: 'done' | 'skipped';
  outcome: string;
}

interface JobRow {
  id: string;
  kind: string;
  stream_id: string;
  due_at: Date;
  payload: Record<string, unknown>;
}

const SWEPT_STATES = ['registered', 'verifying', 'confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'];

/**
 * The durable scheduler. Jobs live in `scheduled_jobs`; `tick()` claims one due job at a time with
 * `FOR UPDATE SKIP LOCKED`, fires it through the engine and marks it done **in the same transaction**, so
 * a job fires once even with several scheduler processes, and a crash before commit leaves it pending.
 */
export class Scheduler {
  constructor(
    private readonly deps: {
      store: EventStore;
      engine: Engine;
      issuer: EscalationIssuer;
      clock: Clock;
      name: string;
    },
  ) {}

  /** Fires every job due at the clock's now; returns what it fired. */
  async tick(limit = 10_000): Promise<FiredJob[]> {
    const fired: FiredJob[] = [];
    const now = this.deps.clock.now().toISOString();
    while (fired.length < limit) {
      const job = await this.deps.store.transaction((tx) => this.#fireOne(tx, now));
      if (!job) break;
      fired.push(job);
    }
    return fired;
  }

  /**
   * Fires, inside the caller's transaction, the jobs of one stream that are due at `now` (a deadline just
   * moved into the past fires with the change that moved it, not at the next pass).
   */
  async fireDueFor(tx: EventStoreTransaction, streamId: string, now: string): Promise<FiredJob[]> {
    const fired: FiredJob[] = [];
    for (let job = await this.#fireOne(tx, now, streamId); job; job = await this.#fireOne(tx, now, streamId))
      fired.push(job);
    return fired;
  }

  async #fireOne(tx: EventStoreTransaction, now: string, streamId?: string): Promise<FiredJob | null> {
    const [job] = await tx.query<JobRow>(
      `SELECT id, kind, stream_id, due_at, payload FROM scheduled_jobs
        WHERE status = 'pending' AND due_at <= $1 AND ($2::text IS NULL OR stream_id = $2)
        ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now, streamId ?? null],
    );
    if (!job) return null;
    let status: FiredJob['status'] = 'done';
    let outcome: string;
    try {
      outcome = await this.#run(tx, job, now);
    } catch (error) {
      if (!(error instanceof CommandRejectedError)) throw error;
      // The stream moved on (deadline changed, item closed, already marked): the job has nothing to do.
      status = 'skipped';
      outcome = error.message;
    }
    await tx.query(
      `UPDATE scheduled_jobs SET status = $2, claimed_by = $3, finished_at = $4, outcome = $5 WHERE id = $1`,
      [job.id, status, this.deps.name, now, outcome],
    );
    return {
      id: Number(job.id),
      kind: job.kind,
      streamId: job.stream_id,
      dueAt: new Date(job.due_at).toISOString(),
      status,
      outcome,
    };
  }

  async #run(tx: EventStoreTransaction, job: JobRow, now: string): Promise<string> {
    const actor = { userId: SCHEDULER_ACTOR_ID, unitId: await this.#unitOf(tx, job.stream_id) };
    if (job.kind === 'RULE_SWEEP') return this.#sweep(tx, job, now);
    const result = await this.deps.engine.executeIn(
      tx,
      job.stream_id,
      { type: job.kind, ...job.payload },
      actor,
      { at: now },
    );
    return `${job.kind} → ${result.state} (v${result.version})`;
  }

  /** The daily clock evaluation of a campaign's open items: facts such as days overdue change with time alone. */
  async #sweep(tx: EventStoreTransaction, job: JobRow, now: string): Promise<string> {
    const campaign = await tx.loadStream(job.stream_id);
    const { items, issued } = await this.evaluateOpenItems(tx, job.stream_id, now);
    if (campaign && campaign.state !== 'finished') {
      await scheduleJobs(tx, [
        { kind: 'RULE_SWEEP', streamId: job.stream_id, dueAt: nextSweepAfter(now), payload: {} },
      ]);
    }
    return `swept ${items} item(s), issued ${issued} escalation(s)`;
  }

  /**
   * The clock evaluation of every open item of a campaign at `now`, inside the caller's transaction: what
   * the daily sweep does, and what a deadline change does at once (its facts changed without an item event).
   */
  async evaluateOpenItems(
    tx: EventStoreTransaction,
    campaignId: string,
    now: string,
  ): Promise<{ items: number; issued: number }> {
    const items = await tx.query<{ state: string; context: ItemContext; unit_id: string }>(
      `SELECT state, snapshot -> 'context' AS context, unit_id FROM streams
        WHERE stream_type = 'item' AND campaign_id = $1 AND state = ANY($2) ORDER BY stream_id`,
      [campaignId, SWEPT_STATES],
    );
    let issued = 0;
    for (const item of items) {
      const result = await this.deps.issuer.evaluateItem(
        tx,
        { state: item.state, context: item.context, unitId: item.unit_id },
        now,
        { kind: 'clock', tick: now },
      );
      issued += result.filter((r) => !('recorded' in r)).length;
    }
    return { items: items.length, issued };
  }

  async #unitOf(tx: EventStoreTransaction, streamId: string): Promise<string> {
    const [row] = await tx.query<{ unit_id: string }>('SELECT unit_id FROM streams WHERE stream_id = $1', [
      streamId,
    ]);
    return row?.unit_id ?? 'unknown';
  }
}
