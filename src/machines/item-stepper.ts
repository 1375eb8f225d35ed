import { applyCorrectionEvent, type CorrectableContext, type CorrectionEvent } from './item-corrections';
import { MIGRATED } from './item-migration';
import { applyItemEvent, initialItemContext } from './item-reducer';
import type { ItemContext, ItemEvent, ItemInput } from './item-types';
import { definitionFor, migrationFor } from './registry';
import { start, step, type PersistedState } from './step';

/**
 * Replay of item streams for bulk what-if simulations (issue 10), where a million recorded events must be
 * walked in seconds and XState's `transition()` (~26k events/s here) would take most of the budget.
 *
 * It runs the item machine's own parts: the target state of each transition is read from the XState
 * definition (never a copy), the context changes come from the machine's reducers (`applyItemEvent`,
 * `applyCorrectionEvent`) and entering a state stamps `stateEnteredAt` as the machine's `enterState` entry
 * action does. Guards are not run — the events were accepted when they were recorded. A transition this
 * shortcut cannot reproduce exactly (several guarded candidates, other actions, a state without the entry
 * action) goes through XState itself. Tests compare every step with `replayEvents`.
 */

/** An item's replayed state: the same value and context the machine's persisted snapshot holds. */
export interface ItemReplayState {
  readonly value: string;
  readonly context: ItemContext;
  readonly machineVersion: number;
  readonly final: boolean;
}

/** What the shortcut knows of one (state, event) pair, read from the machine definition. */
type Move = { kind: 'fast'; target: string | null; reenter: boolean } | { kind: 'machine' };

interface XCandidate {
  target?: ReadonlyArray<{ key: string }>;
  reenter?: boolean;
  actions?: ReadonlyArray<unknown>;
}
interface XNode {
  key: string;
  type: string;
  entry?: ReadonlyArray<unknown>;
  transitions: Map<string, XCandidate[]>;
}

const actionName = (action: unknown): string | null =>
  typeof action === 'string' ? action : ((action as { type?: unknown })?.type as string | null);

interface Table {
  moves: Map<string, Move>;
  finals: Set<string>;
  persistedTemplate: PersistedState;
}
const tables = new Map<number, Table>();

function tableFor(version: number): Table {
  const cached = tables.get(version);
  if (cached) return cached;
  const definition = definitionFor('item', version);
  const machine = definition.machine;
  const nodes = Object.values(machine.states as unknown as Record<string, XNode>);
  const root = machine.root.transitions as unknown as Map<string, XCandidate[]>;
  const moves = new Map<string, Move>();
  const finals = new Set(nodes.filter((n) => n.type === 'final').map((n) => n.key));
  const entersAsMachine = new Set(
    nodes.filter((n) => (n.entry ?? []).map(actionName).join() === 'enterState').map((n) => n.key),
  );
  for (const node of nodes) {
    const events = new Set([...node.transitions.keys(), ...root.keys()]);
    for (const type of events) {
      if (type.startsWith('xstate.')) continue;
      const candidates = node.transitions.get(type) ?? root.get(type) ?? [];
      const only = candidates.length === 1 ? candidates[0]! : null;
      const target = only?.target?.[0]?.key ?? null;
      const exact =
        only !== null &&
        (only.actions ?? []).map(actionName).join() === 'apply' &&
        (target === null || entersAsMachine.has(target));
      moves.set(
        `${node.key}|${type}`,
        exact ? { kind: 'fast', target, reenter: only.reenter === true } : { kind: 'machine' },
      );
    }
  }
  const sample = start(definition, {
    itemId: 'x',
    campaignId: 'x',
    reportedUnitId: 'x',
    source: 'selfInspection',
    description: 'x',
    receivedAt: '2000-01-01T00:00:00.000Z',
    at: '2000-01-01T00:00:00.000Z',
  });
  if (!sample.ok) throw new Error(`item machine v${version} does not start: ${sample.rejection.message}`);
  const table = { moves, finals, persistedTemplate: sample.state };
  tables.set(version, table);
  return table;
}

const CORRECTION_EVENTS = new Set(['REQUEST_CORRECTION', 'APPROVE_CORRECTION', 'REFUSE_CORRECTION']);

/** The state of a freshly registered item, as the machine's context factory builds it. */
export function startItem(payload: ItemInput, machineVersion: number): ItemReplayState {
  const base = initialItemContext(payload);
  const context =
    machineVersion >= 2 ? ({ ...base, corrections: [], pendingCorrection: null } as ItemContext) : base;
  return { value: 'registered', context, machineVersion, final: false };
}

/** Whether the item's current state has a transition for this event type (e.g. ADD_TAG). */
export function itemAccepts(state: ItemReplayState, type: string): boolean {
  return !state.final && tableFor(state.machineVersion).moves.has(`${state.value}|${type}`);
}

/**
 * Applies one recorded event. `machineVersion` is the version recorded on the event (a MIGRATED event
 * moves the stream to the version it names). Throws when the machine refuses an event it had to run.
 */
export function stepItem(
  state: ItemReplayState,
  event: { type: string; payload: Record<string, unknown>; machineVersion: number },
): ItemReplayState {
  if (event.type === MIGRATED) return migrate(state, event);
  const table = tableFor(state.machineVersion);
  const move = table.moves.get(`${state.value}|${event.type}`);
  const itemEvent = { ...event.payload, type: event.type } as unknown as ItemEvent & { at: string };
  if (move?.kind === 'fast') {
    const applied = CORRECTION_EVENTS.has(event.type)
      ? (applyCorrectionEvent(
          state.context as CorrectableContext,
          itemEvent as unknown as CorrectionEvent,
        ) as ItemContext)
      : applyItemEvent(state.context, itemEvent);
    const value = move.target ?? state.value;
    const entered = move.target !== null && (move.target !== state.value || move.reenter);
    const context = entered ? { ...applied, stateEnteredAt: itemEvent.at } : applied;
    return { value, context, machineVersion: state.machineVersion, final: table.finals.has(value) };
  }
  const definition = definitionFor('item', state.machineVersion);
  const result = step(definition, persisted(state), itemEvent);
  if (!result.ok) throw new Error(`item ${state.context.itemId}: ${result.rejection.message}`);
  return {
    value: result.state.value,
    context: result.state.context as ItemContext,
    machineVersion: state.machineVersion,
    final: result.state.status !== 'active',
  };
}

function persisted(state: ItemReplayState): PersistedState {
  const template = tableFor(state.machineVersion).persistedTemplate;
  return {
    ...template,
    value: state.value,
    context: state.context,
    status: state.final ? 'done' : 'active',
  } as PersistedState;
}

function migrate(
  state: ItemReplayState,
  event: { payload: Record<string, unknown>; machineVersion: number },
): ItemReplayState {
  const { fromVersion, toVersion } = event.payload as { fromVersion?: number; toVersion?: number };
  const migration = migrationFor('item', Number(fromVersion), Number(toVersion));
  const mapped = migration?.map(persisted(state));
  if (!mapped?.ok)
    throw new Error(`item ${state.context.itemId}: no migration from v${fromVersion} to v${toVersion}`);
  return {
    value: mapped.state.value,
    context: mapped.state.context as ItemContext,
    machineVersion: event.machineVersion,
    final: mapped.state.status !== 'active',
  };
}
