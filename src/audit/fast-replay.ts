import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { ReplayStep } from '../engine/replay';
import { migrateState, replayEvents } from '../engine/replay';
import { MIGRATED } from '../machines/item-migration';
import { definitionFor, type MachineDefinition } from '../machines/registry';
import { explainRejection, type PersistedState } from '../machines/step';
import type { StoredEvent } from '../persistence/event-store';

/**
 * Replay for bulk audits: the same machine definitions, the same recorded machine versions and the same
 * refusal rules as the engine's `replayEvents`, but the live XState snapshot is carried from one event to
 * the next instead of being persisted and re-resolved at every step — a stream is persisted once, at the
 * end (or where its machine version changes). XState snapshots are plain data, so both give the same
 * state; the determinism tests compare them. With `onStep` (a timeline wants every intermediate state) it
 * simply delegates to `replayEvents`.
 */
export function replayStream(
  streamType: string,
  events: readonly StoredEvent[],
  onStep?: (s: ReplayStep) => void,
): PersistedState | null {
  if (onStep) return replayEvents(streamType, events, onStep);
  let definition: MachineDefinition<never, never> | null = null;
  let snapshot: AnyMachineSnapshot | null = null;
  const persist = (): PersistedState => definition!.machine.getPersistedSnapshot(snapshot!) as PersistedState;
  const fail = (event: StoredEvent, why: string): never => {
    throw new Error(
      `stream ${event.streamId} event ${event.sequence} (${event.type}) does not replay: ${why}`,
    );
  };
  for (const event of events) {
    if (definition === null || definition.version !== event.machineVersion) {
      const carried: PersistedState | null = snapshot === null ? null : persist();
      definition = definitionFor(streamType, event.machineVersion);
      snapshot =
        carried === null ? null : (definition.machine.resolveState(carried as never) as AnyMachineSnapshot);
    }
    if (snapshot === null) {
      const problem = definition.inputProblem(event.payload as never);
      if (problem) fail(event, problem);
      snapshot = initialTransition(definition.machine, event.payload)[0] as AnyMachineSnapshot;
      continue;
    }
    if (event.type === MIGRATED) {
      const migrated = migrateState(streamType, persist(), event);
      if (!migrated.ok) fail(event, migrated.rejection.message);
      else snapshot = definition.machine.resolveState(migrated.state as never) as AnyMachineSnapshot;
      continue;
    }
    if (snapshot.status !== 'active')
      fail(event, `the ${streamType} is in the final state ${String(snapshot.value)}`);
    const command = { ...event.payload, type: event.type };
    const [next] = transition(definition.machine, snapshot, command as never);
    if (next === snapshot) fail(event, explainRejection(definition, persist(), command).message);
    snapshot = next as AnyMachineSnapshot;
  }
  return snapshot === null ? null : persist();
}
