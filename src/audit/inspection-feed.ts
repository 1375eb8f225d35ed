import { definitionFor } from '../machines/registry';
import type { PersistedState } from '../machines/step';
import type { StoredEvent } from '../persistence/event-store';
import { replayEvents } from '../engine/replay';

/**
 * The part of an `@statelyai/inspect` inspector (`createInspector`, `createWebSocketInspector`) a stream's
 * history is fed to: the actor, each event sent to it, and the snapshot each event produced.
 */
export interface StreamInspector {
  actor(actor: string, snapshot?: InspectedState, info?: { definition?: string }): void;
  event(actor: string, event: { type: string } & Record<string, unknown>, info?: { source?: string }): void;
  snapshot(actor: string, snapshot: InspectedState, info?: { event?: { type: string } }): void;
}

export interface InspectedState {
  status: 'active' | 'done' | 'error' | 'stopped';
  value: unknown;
  context: unknown;
}

const inspected = (state: PersistedState): InspectedState => ({
  status: state.status as InspectedState['status'],
  value: state.value,
  context: state.context,
});

/**
 * Feeds a stream's stored history to an inspector as Stately's inspector expects a live actor: the actor
 * (with its machine definition) in its first state, then for each later event the event (its actor as
 * source) and the snapshot after it. The states come from the same pure replay the audit uses, so the feed
 * shows what happened, not a re-execution. Returns the number of events fed.
 */
export function feedInspector(
  inspector: StreamInspector,
  streamType: string,
  events: readonly StoredEvent[],
): number {
  let fed = 0;
  replayEvents(streamType, events, (step) => {
    const streamId = step.event.streamId;
    const event = { ...step.event.payload, type: step.event.type };
    if (step.stateBefore === null) {
      const definition = definitionFor(streamType, step.event.machineVersion).machine.definition as unknown;
      inspector.actor(streamId, inspected(step.snapshot), { definition: JSON.stringify(definition) });
    } else {
      inspector.event(streamId, event, { source: step.event.actorId });
      inspector.snapshot(streamId, inspected(step.snapshot), { event });
    }
    fed += 1;
  });
  return fed;
}
