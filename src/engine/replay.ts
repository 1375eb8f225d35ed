import { MIGRATED } from '../machines/item-migration';
import { definitionFor, migrationFor } from '../machines/registry';
import { start, step, type PersistedState, type StepResult } from '../machines/step';
import type { StoredEvent } from '../persistence/event-store';

/** One step of a replayed history: the event and the state it led to. */
export interface ReplayStep {
  event: StoredEvent;
  stateBefore: string | null;
  stateAfter: string;
  snapshot: PersistedState;
}

/**
 * Rebuilds a stream's state from its events, each through the machine version recorded on it — the same
 * pure functions that live traffic uses. Throws if a stored event no longer replays (a determinism
 * violation or a machine change without a migration).
 */
export function replayEvents(
  streamType: string,
  events: readonly StoredEvent[],
  onStep?: (s: ReplayStep) => void,
): PersistedState | null {
  let state: PersistedState | null = null;
  for (const event of events) {
    const definition = definitionFor(streamType, event.machineVersion);
    const result: StepResult =
      state === null
        ? start(definition, event.payload)
        : event.type === MIGRATED
          ? migrateState(streamType, state, event)
          : step(definition, state, { ...event.payload, type: event.type } as { type: string; at: string });
    if (!result.ok) {
      throw new Error(
        `stream ${event.streamId} event ${event.sequence} (${event.type}) does not replay: ${result.rejection.message}`,
      );
    }
    onStep?.({
      event,
      stateBefore: state?.value ?? null,
      stateAfter: result.state.value,
      snapshot: result.state,
    });
    state = result.state;
  }
  return state;
}

/**
 * A MIGRATED event maps the state through the declared migration it names (the same pure function the
 * migration ran): events before it replay on the old version, events after it on the new one.
 */
export function migrateState(streamType: string, state: PersistedState, event: StoredEvent): StepResult {
  const { fromVersion, toVersion } = event.payload as { fromVersion?: number; toVersion?: number };
  const migration = migrationFor(streamType, Number(fromVersion), Number(toVersion));
  const refuse = (message: string): StepResult => ({
    ok: false,
    rejection: { code: 'EVENT_NOT_ACCEPTED', message, state: state.value, acceptedEvents: [] },
  });
  if (!migration)
    return refuse(`no ${streamType} migration from version ${fromVersion} to ${toVersion} is installed`);
  if (toVersion !== event.machineVersion)
    return refuse(
      `the event is recorded on version ${event.machineVersion}, not the migration's ${toVersion}`,
    );
  const mapped = migration.map(state);
  return mapped.ok ? mapped : refuse(mapped.reason);
}
