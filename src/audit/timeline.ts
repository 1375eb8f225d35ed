import { replayEvents } from '../engine/replay';
import { correctionLinks, type CorrectionLink } from '../machines/correction-links';
import type { PersistedState } from '../machines/step';
import type { Database } from '../persistence/database';
import { EventStore, type StoredEvent } from '../persistence/event-store';
import { NotFoundError, ZhengzhiError, ErrorCode } from '../shared/errors';
import { fromBody, type ReplayFunction } from './replay-check';

/** A point in a stream's past: an instant (events that occurred at or before it) or a sequence number. */
export type AsOf = { until: string } | { toSequence: number };

/** A stream's state at a point in its past. `state` is null before its first event. */
export interface StateAt {
  streamId: string;
  streamType: string;
  asOf: AsOf;
  /** The last event applied (0 before the first). */
  version: number;
  state: PersistedState | null;
  lastEvent: { sequence: number; type: string; actorId: string; occurredAt: string } | null;
}

/** An escalation a stream's event produced, as recorded in the escalation's creation payload. */
export interface ProducedEscalation {
  escalationId: string;
  measure: string | null;
  ruleId: string | null;
  ruleTitle: string | null;
  ruleSetId: string | null;
  ruleSetVersion: number | null;
  issuedAt: string;
  currentState: string;
}

/** One step of a stream's history. */
export interface TimelineEntry {
  sequence: number;
  globalPosition: number;
  type: string;
  actorId: string;
  unitId: string;
  occurredAt: string;
  recordedAt: string;
  machineVersion: number;
  payload: Record<string, unknown>;
  stateBefore: string | null;
  stateAfter: string;
  escalations: ProducedEscalation[];
  /** Audited corrections: what this event corrects, or which approvals corrected it (present when any). */
  correction?: CorrectionLink;
}

export interface Timeline {
  streamId: string;
  streamType: string;
  entries: TimelineEntry[];
  /** Escalations about this stream not triggered by one of its events: clock sweeps, other streams' events. */
  otherEscalations: Array<ProducedEscalation & { trigger: string }>;
}

async function streamTypeOf(database: Database, streamId: string): Promise<string> {
  const rows = (await database.dataSource.query('SELECT stream_type FROM streams WHERE stream_id = $1', [
    streamId,
  ])) as Array<{ stream_type: string }>;
  if (!rows[0]) throw new NotFoundError('stream', streamId);
  return rows[0].stream_type;
}

/** Reads a stream's events (bounded), replay-ready: type, payload and machine version from the hashed body. */
async function readEvents(database: Database, streamId: string, asOf?: AsOf): Promise<StoredEvent[]> {
  const events = await new EventStore(database).readStream(streamId, asOf ?? {});
  return events.map(fromBody);
}

/**
 * Time travel: the stream's state as of an instant or a sequence number, rebuilt by replaying its events
 * through the machine versions recorded on them (the engine's `replayEvents`).
 */
export async function stateAt(
  database: Database,
  streamId: string,
  asOf: AsOf,
  replay: ReplayFunction = replayEvents,
): Promise<StateAt> {
  if ('until' in asOf && Number.isNaN(Date.parse(asOf.until))) {
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `"${asOf.until}" is not an instant (use ISO 8601, e.g. 2023-05-01T00:00:00Z)`,
    );
  }
  if ('toSequence' in asOf && (!Number.isInteger(asOf.toSequence) || asOf.toSequence < 0)) {
    throw new ZhengzhiError(ErrorCode.invalidInput, `sequence ${asOf.toSequence} is not a whole number ≥ 0`);
  }
  const streamType = await streamTypeOf(database, streamId);
  const events = await readEvents(database, streamId, asOf);
  const state = replay(streamType, events);
  const last = events[events.length - 1];
  return {
    streamId,
    streamType,
    asOf,
    version: last?.sequence ?? 0,
    state,
    lastEvent: last
      ? { sequence: last.sequence, type: last.type, actorId: last.actorId, occurredAt: last.occurredAt }
      : null,
  };
}

/** The escalations whose creation payload names this stream as their trigger (or their item). */
async function escalationsFor(
  database: Database,
  streamId: string,
): Promise<Array<{ trigger: Record<string, unknown>; escalation: ProducedEscalation }>> {
  const rows = (await database.dataSource.query(
    `SELECT e.stream_id, e.body, e.occurred_at, s.state FROM events e JOIN streams s ON s.stream_id = e.stream_id
     WHERE s.stream_type = 'escalation' AND e.sequence = 1
       AND (e.payload->'trigger'->>'streamId' = $1 OR e.payload->>'itemId' = $1)
     ORDER BY e.global_position`,
    [streamId],
  )) as Array<{ stream_id: string; body: string; occurred_at: Date | string; state: string }>;
  return rows.map((r) => {
    // The hashed body, not the editable jsonb column, says what the escalation recorded.
    const p = (JSON.parse(r.body) as { payload: Record<string, unknown> }).payload;
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    return {
      trigger: (p.trigger as Record<string, unknown> | undefined) ?? {},
      escalation: {
        escalationId: r.stream_id,
        measure: str(p.measure),
        ruleId: str(p.ruleId),
        ruleTitle: str(p.ruleTitle),
        ruleSetId: str(p.ruleSetId),
        ruleSetVersion: typeof p.ruleSetVersion === 'number' ? p.ruleSetVersion : null,
        issuedAt: new Date(r.occurred_at).toISOString(),
        currentState: r.state,
      },
    };
  });
}

/**
 * The full history of a stream: every event with its actor, unit, time, machine version, the state before
 * and after it, and the escalations it produced with the rule and rule-set version recorded at the time
 * (never today's rules: the escalation streams carry what was decided then).
 */
export async function timeline(
  database: Database,
  streamId: string,
  replay: ReplayFunction = replayEvents,
): Promise<Timeline> {
  const streamType = await streamTypeOf(database, streamId);
  const events = await readEvents(database, streamId);
  const produced = await escalationsFor(database, streamId);
  const links = correctionLinks(events);
  const entries: TimelineEntry[] = [];
  replay(streamType, events, (s) => {
    const e = s.event;
    entries.push({
      sequence: e.sequence,
      globalPosition: e.globalPosition,
      type: e.type,
      actorId: e.actorId,
      unitId: e.unitId,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      machineVersion: e.machineVersion,
      payload: e.payload,
      stateBefore: s.stateBefore,
      stateAfter: s.stateAfter,
      escalations: produced
        .filter(
          (p) =>
            p.trigger.kind !== 'clock' &&
            p.trigger.streamId === streamId &&
            p.trigger.sequence === e.sequence,
        )
        .map((p) => p.escalation),
      ...(links.has(e.sequence) ? { correction: links.get(e.sequence)! } : {}),
    });
  });
  const ownEvent = (t: Record<string, unknown>): boolean => t.kind !== 'clock' && t.streamId === streamId;
  const otherEscalations = produced
    .filter((p) => !ownEvent(p.trigger))
    .map((p) => ({
      ...p.escalation,
      trigger:
        p.trigger.kind === 'clock'
          ? `clock tick ${String(p.trigger.tick)}`
          : `event ${String(p.trigger.streamId)}#${String(p.trigger.sequence)}`,
    }));
  return { streamId, streamType, entries, otherEscalations };
}
