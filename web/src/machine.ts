import { useQuery } from '@tanstack/react-query';
import { get } from './api';

export interface MachineTransition {
  event: string;
  eventLabel?: string;
  target: string | null;
  guarded: boolean;
}
export interface MachineState {
  id: string;
  label?: string;
  labelEn?: string;
  final: boolean;
  transitions: MachineTransition[];
}
export interface MachineDefinition {
  type: string;
  version: number;
  initial: string;
  states: MachineState[];
}

/** A machine definition as the server generates it from the XState definitions themselves. */
export function useMachine(type: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: ['machine', type, version],
    enabled: type !== undefined,
    staleTime: Infinity,
    queryFn: async ({ signal }) => {
      if (version !== undefined) return get<MachineDefinition>(`/machines/${type}/${version}`, signal);
      const list = await get<{ type: string; version: number; current: boolean }[]>('/machines', signal);
      const current =
        list.find((m) => m.type === type && m.current) ?? list.filter((m) => m.type === type).at(-1);
      if (!current) throw new Error(`no machine ${type}`);
      return get<MachineDefinition>(`/machines/${type}/${current.version}`, signal);
    },
  });
}

export interface PathStep {
  from: string;
  to: string;
  event: string;
  sequence: number;
}

/**
 * The states an item went through, from its events: each event takes the transition its state has for it
 * (the event log only holds accepted events). When the timeline is readable its recorded states win.
 */
export function pathOf(
  machine: MachineDefinition,
  events: { type: string; sequence: number; stateAfter?: string; stateBefore?: string | null }[],
): PathStep[] {
  const byId = new Map(machine.states.map((s) => [s.id, s]));
  const steps: PathStep[] = [];
  let state = machine.initial;
  for (const event of events) {
    let next = event.stateAfter;
    if (next === undefined) {
      const transition = byId.get(state)?.transitions.find((t) => t.event === event.type);
      next = transition?.target ?? state;
    }
    const from = event.stateBefore ?? state;
    if (next !== from) steps.push({ from, to: next, event: event.type, sequence: event.sequence });
    state = next;
  }
  return steps;
}
