import { definitionFor } from '../machines/registry';
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
