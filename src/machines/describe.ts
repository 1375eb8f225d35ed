import { CONCLUDED_TAG } from './common';
import type { MachineDefinition } from './registry';

/** One transition of a state, as read from the XState definition. */
export interface TransitionDescription {
  event: string;
  /** The state the transition leads to; a transition without a target stays in its own state. */
  target: string;
  /** The transition has a guard (it may be refused depending on the event and context). */
  guarded: boolean;
  /** The guard's name in the machine's guard-reason table, when it has one. */
  guard: string | null;
}

export interface StateDescription {
  id: string;
  /** The state is over: XState-final, or concluded (tagged: it accepts only corrections, item version 3). */
  final: boolean;
  transitions: TransitionDescription[];
}

export interface MachineDescription {
  streamType: string;
  version: number;
  initial: string;
  /** The event type stored as a stream's first event (the machine's input). */
  creationEvent: string;
  states: StateDescription[];
}

type XStateTransition = { target?: ReadonlyArray<{ key: string }>; guard?: unknown };
type XStateNode = {
  key: string;
  type: string;
  tags: readonly string[];
  transitions: Map<string, XStateTransition[]>;
};

/** States that are over: final, or concluded (they take a correction and nothing else). */
export function isOver(node: { type: string; tags?: readonly string[] }): boolean {
  return node.type === 'final' || (node.tags ?? []).includes(CONCLUDED_TAG);
}

function describeTransitions(
  stateId: string,
  node: Pick<XStateNode, 'transitions'>,
): TransitionDescription[] {
  const described: TransitionDescription[] = [];
  for (const [event, candidates] of node.transitions) {
    if (event.startsWith('xstate.')) continue;
    for (const candidate of candidates) {
      const guard = candidate.guard;
      described.push({
        event,
        target: candidate.target?.[0]?.key ?? stateId,
        guarded: guard !== undefined,
        guard: typeof guard === 'string' ? guard : null,
      });
    }
  }
  return described;
}

/**
 * The states and transitions of a machine, read from its XState definition (never a copy), for diagrams
 * and documentation. Transitions declared on the machine's root apply in every state that is not final,
 * so they are listed under each of those states (a concluded state's are its corrections).
 */
export function describeMachine(definition: MachineDefinition<never, never>): MachineDescription {
  const machine = definition.machine;
  const rootTransitions = machine.root.transitions as unknown as Map<string, XStateTransition[]>;
  const states = Object.values(machine.states as unknown as Record<string, XStateNode>).map((node) => {
    return {
      id: node.key,
      final: isOver(node),
      transitions:
        node.type === 'final'
          ? []
          : [
              ...describeTransitions(node.key, node),
              ...describeTransitions(node.key, { transitions: rootTransitions }),
            ],
    };
  });
  return {
    streamType: definition.streamType,
    version: definition.version,
    initial: String(machine.config.initial),
    creationEvent: definition.creationEventType,
    states,
  };
}
