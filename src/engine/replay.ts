import { MIGRATED } from '../machines/item-migration';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { definitionFor, migrationFor, type MachineDefinition } from '../machines/registry';
import { explainRejection, type PersistedState, type StepResult } from '../machines/step';
import type { StoredEvent } from '../persistence/event-store';

/** One step of a replayed history: the event and the state it led to. */
export interface ReplayStep {
  event: StoredEvent;
  stateBefore: string | null;
  stateAfter: string;
  snapshot: PersistedState;
}

/** A stored event that no longer replays; `sequence` names it. */
export class ReplayError extends Error {
  readonly streamId: string;
  readonly sequence: number;

  constructor(event: StoredEvent, why: string) {
    super(`stream ${event.streamId} event ${event.sequence} (${event.type}) does not replay: ${why}`);
    this.name = 'ReplayError';
    this.streamId = event.streamId;
    this.sequence = event.sequence;
  }
}

/**
 * Rebuilds a stream's state from its events, each through the machine version recorded on it — the same
 * pure machines that live traffic steps with. Throws if a stored event no longer replays (a determinism
 * violation or a machine change without a migration), with the same refusal as the live path would give.
 *
 * The one replay path (live reads, idempotent retries, timelines, `replay --check`, verification): the live
 * XState snapshot is carried from one event to the next and persisted only where needed — at the end, where
 * the machine version changes, and at every step when `onStep` wants the intermediate states. Persisting and
 * re-resolving at every event, as `step()` does for one command, gives the same state (XState snapshots are
 * plain data; the replay tests compare them) at a fraction of the speed.
 */
export function replayEvents(
  streamType: string,
  events: readonly StoredEvent[],
  onStep?: (s: ReplayStep) => void,
): PersistedState | null {
  let definition: MachineDefinition<never, never> | null = null;
  let snapshot: AnyMachineSnapshot | null = null;
  const persist = (): PersistedState => definition!.machine.getPersistedSnapshot(snapshot!) as PersistedState;
  const fail = (event: StoredEvent, why: string): never => {
    throw new ReplayError(event, why);
  };
  let persisted: PersistedState | null = null;
  for (const event of events) {
    if (definition === null || definition.version !== event.machineVersion) {
      const carried: PersistedState | null = snapshot === null ? null : persist();
      definition = definitionFor(streamType, event.machineVersion);
      snapshot =
        carried === null ? null : (definition.machine.resolveState(carried as never) as AnyMachineSnapshot);
    }
    const before = persisted;
    if (snapshot === null) {
      const problem = definition.inputProblem(event.payload as never);
      if (problem) fail(event, problem);
      snapshot = initialTransition(definition.machine, event.payload)[0] as AnyMachineSnapshot;
    } else if (event.type === MIGRATED) {
      const migrated = migrateState(streamType, persist(), event);
      if (!migrated.ok) fail(event, migrated.rejection.message);
      else snapshot = definition.machine.resolveState(migrated.state as never) as AnyMachineSnapshot;
    } else {
      if (snapshot.status !== 'active')
        fail(
          event,
          `this ${streamType} is in the final state ${String(snapshot.value)} and accepts no further events`,
        );
      const command = { ...event.payload, type: event.type };
      const [next] = transition(definition.machine, snapshot, command as never);
      if (next === snapshot) fail(event, explainRejection(definition, persist(), command).message);
      snapshot = next as AnyMachineSnapshot;
    }
    if (onStep) {
      persisted = persist();
      onStep({ event, stateBefore: before?.value ?? null, stateAfter: persisted.value, snapshot: persisted });
    }
  }
  return snapshot === null ? null : (persisted ?? persist());
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
