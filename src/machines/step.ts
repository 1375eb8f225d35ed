import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { CONCLUDED_TAG } from './common';
import type { PersistedState } from './persisted-state';
import type { MachineDefinition } from './registry';

export type { PersistedState } from './persisted-state';

/** Why a command was refused; `code` is stable, `message` is for the user. */
export interface Rejection {
  code: 'EVENT_NOT_ACCEPTED' | 'GUARD_FAILED' | 'INVALID_INPUT' | 'STREAM_FINISHED';
  message: string;
  state: string;
  /** Event types the current state accepts (to tell the user what they can do instead). */
  acceptedEvents: string[];
}

export type StepResult = { ok: true; state: PersistedState } | { ok: false; rejection: Rejection };

/** Event types that the current state (or the machine root) handles, without XState's internal ones. */
export function acceptedEvents(definition: MachineDefinition<never, never>, state: PersistedState): string[] {
  if (state.status !== 'active') return [];
  const node = (definition.machine.states as Record<string, { transitions: Map<string, unknown> }>)[
    state.value
  ];
  const own = node ? [...node.transitions.keys()] : [];
  const root = [...(definition.machine.root.transitions as Map<string, unknown>).keys()];
  return [...new Set([...own, ...root])].filter((type) => !type.startsWith('xstate.'));
}

/** Creates a stream's first state from its creation input, or says why the input is refused. */
export function start(definition: MachineDefinition<never, never>, input: unknown): StepResult {
  const problem = definition.inputProblem(input as never);
  if (problem)
    return {
      ok: false,
      rejection: { code: 'INVALID_INPUT', message: problem, state: '', acceptedEvents: [] },
    };
  const [snapshot] = initialTransition(definition.machine, input);
  return { ok: true, state: definition.machine.getPersistedSnapshot(snapshot) as PersistedState };
}

/**
 * Applies one event to a stored state. Pure: no clock, no I/O. XState returns the very same snapshot
 * object when it rejects an event; then we ask the guard table why.
 */
export function step(
  definition: MachineDefinition<never, never>,
  stored: PersistedState,
  event: { type: string; at: string },
): StepResult {
  const snapshot = definition.machine.resolveState(stored as never) as AnyMachineSnapshot;
  if (snapshot.status !== 'active') {
    const message = `this ${definition.streamType} is in the final state ${String(snapshot.value)} and accepts no further events`;
    return {
      ok: false,
      rejection: { code: 'STREAM_FINISHED', message, state: String(snapshot.value), acceptedEvents: [] },
    };
  }
  const [next] = transition(definition.machine, snapshot, event as never);
  if (next === snapshot) return { ok: false, rejection: explainRejection(definition, stored, event) };
  return { ok: true, state: definition.machine.getPersistedSnapshot(next) as PersistedState };
}

/** Says in words why `event` does not apply to `state`. */
export function explainRejection(
  definition: MachineDefinition<never, never>,
  state: PersistedState,
  event: { type: string },
): Rejection {
  const accepted = acceptedEvents(definition, state);
  const base = { state: state.value, acceptedEvents: accepted };
  const node = (
    definition.machine.states as Record<
      string,
      { tags: readonly string[]; transitions: Map<string, Array<{ guard?: unknown }>> }
    >
  )[state.value];
  if (!accepted.includes(event.type) && node?.tags.includes(CONCLUDED_TAG)) {
    return {
      ...base,
      code: 'STREAM_FINISHED',
      message: `this ${definition.streamType} is concluded (${state.value}) and accepts only a correction (${accepted.join(', ')}), not ${event.type}`,
    };
  }
  if (!accepted.includes(event.type)) {
    return {
      ...base,
      code: 'EVENT_NOT_ACCEPTED',
      message: `this ${definition.streamType} is in state ${state.value} and does not accept ${event.type}; it accepts ${accepted.join(', ') || 'nothing'}`,
    };
  }
  const candidates =
    node?.transitions.get(event.type) ??
    (definition.machine.root.transitions as Map<string, Array<{ guard?: unknown }>>).get(event.type) ??
    [];
  const reasons = candidates
    .map((candidate) =>
      typeof candidate.guard === 'string' ? definition.guardReasons[candidate.guard] : undefined,
    )
    .map((reason) => reason?.(state.context as never, event as never))
    .filter((reason): reason is string => typeof reason === 'string');
  // Several candidates (one per target state of an approval) may give the same reason: say it once.
  return {
    ...base,
    code: 'GUARD_FAILED',
    message: [...new Set(reasons)].join('; ') || `${event.type} is not allowed now`,
  };
}
