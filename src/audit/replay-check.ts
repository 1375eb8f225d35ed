import type { ReplayStep } from '../engine/replay';
import { replayEvents, ReplayError } from '../engine/replay';
import type { PersistedState } from '../machines/step';
import type { Database } from '../persistence/database';
import { toStoredEvent, type StoredEvent } from '../persistence/event-store';
import { jsonEqual } from './chain-check';
import type { Finding } from './findings';

/** How events are replayed: `replayEvents` (the engine's one replay path) unless a test substitutes a patched machine. */
export type ReplayFunction = (
  streamType: string,
  events: readonly StoredEvent[],
  onStep?: (s: ReplayStep) => void,
) => PersistedState | null;

/** The first place two JSON values differ, as a JSONPath-like string, or null when they are equal. */
export function firstDifference(
  expected: unknown,
  found: unknown,
  path = '$',
): { path: string; expected: unknown; found: unknown } | null {
  if (jsonEqual(expected, found)) return null;
  const bothObjects =
    typeof expected === 'object' && typeof found === 'object' && expected !== null && found !== null;
  if (!bothObjects || Array.isArray(expected) !== Array.isArray(found)) return { path, expected, found };
  if (Array.isArray(expected) && Array.isArray(found)) {
    for (let i = 0; i < Math.max(expected.length, found.length); i++) {
      const d = firstDifference(expected[i], found[i], `${path}[${i}]`);
      if (d) return d;
    }
    return { path, expected, found };
  }
  const e = expected as Record<string, unknown>;
  const f = found as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(e), ...Object.keys(f)])].sort()) {
    const d = firstDifference(e[key], f[key], `${path}.${key}`);
    if (d) return d;
  }
  return { path, expected, found };
}

/** Replays one stream and compares with its stored snapshot; returns the finding, if any. */
export function checkStreamSnapshot(
  streamId: string,
  streamType: string,
  stored: unknown,
  events: readonly StoredEvent[],
  replay: ReplayFunction = replayEvents,
): Finding | null {
  let replayed: PersistedState | null;
  try {
    // No onStep: the replay persists the state once, at the end; a refusal names its event.
    replayed = replay(streamType, events);
  } catch (error) {
    return {
      kind: 'replay-failed',
      streamId,
      sequence: error instanceof ReplayError ? error.sequence : null,
      message: (error as Error).message,
    };
  }
  // The stored snapshot went through jsonb: compare with the replayed state as JSON, not as JS objects.
  const difference = firstDifference(JSON.parse(JSON.stringify(replayed)), stored);
  return difference ? { kind: 'snapshot-mismatch', streamId, ...difference } : null;
}

/**
 * Replay reads what the hash covers: the type, payload and machine version of the stored canonical body,
 * not the (editable) jsonb columns beside it. A body that is not JSON is left as stored (verify reports it).
 */
export function fromBody(event: StoredEvent): StoredEvent {
  try {
    const body = JSON.parse(event.body) as {
      type: string;
      payload: Record<string, unknown>;
      machineVersion: number;
    };
    return { ...event, type: body.type, payload: body.payload, machineVersion: body.machineVersion };
  } catch {
    return event;
  }
}

const EVENT_COLUMNS =
  'global_position, stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash';

/**
 * The determinism check: replays every stream (or the given ones) through the machine versions recorded on
 * its events and compares the result with the stored snapshot. Reads streams in pages of 200.
 */
export async function checkSnapshots(
  database: Database,
  options: { streamIds?: readonly string[]; replay?: ReplayFunction; onStream?: () => void } = {},
): Promise<{ findings: Finding[]; streams: number; events: number }> {
  const findings: Finding[] = [];
  let streams = 0;
  let eventCount = 0;
  for (let after = ''; ;) {
    const heads = (await database.dataSource.query(
      `SELECT stream_id, stream_type, snapshot FROM streams WHERE stream_id > $1 AND ($3::text[] IS NULL OR stream_id = ANY($3))
       ORDER BY stream_id LIMIT $2`,
      [after, 200, options.streamIds ?? null],
    )) as Array<{ stream_id: string; stream_type: string; snapshot: unknown }>;
    if (heads.length === 0) break;
    const rows = (await database.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, sequence`,
      [heads.map((h) => h.stream_id)],
    )) as Record<string, unknown>[];
    const byStream = new Map<string, StoredEvent[]>();
    for (const row of rows) {
      const e = fromBody(toStoredEvent(row));
      const list = byStream.get(e.streamId) ?? [];
      list.push(e);
      byStream.set(e.streamId, list);
    }
    for (const head of heads) {
      const events = byStream.get(head.stream_id) ?? [];
      eventCount += events.length;
      streams++;
      const finding = checkStreamSnapshot(
        head.stream_id,
        head.stream_type,
        head.snapshot,
        events,
        options.replay,
      );
      if (finding) findings.push(finding);
      options.onStream?.();
    }
    after = heads[heads.length - 1]!.stream_id;
  }
  return { findings, streams, events: eventCount };
}
