import type { PersistedState } from './persisted-state';

/** The event type a migration appends; replay maps the state instead of running a transition. */
export const MIGRATED = 'MIGRATED';

export type MigrationResult = { ok: true; state: PersistedState } | { ok: false; reason: string };

/**
 * A declared migration of live streams from one machine version to the next: which states map to which,
 * and how the context changes. Pure; replay applies the very same function at the MIGRATED event, so a
 * stream replays through version `from` up to that event and through version `to` after it.
 */
export interface MachineMigration {
  streamType: string;
  from: number;
  to: number;
  /** A stable name recorded in every MIGRATED event. */
  name: string;
  /** State in version `from` → state in version `to`; a state missing here cannot be migrated. */
  states: Readonly<Record<string, string>>;
  /** Why each unmapped state cannot be migrated. */
  unmapped: Readonly<Record<string, string>>;
  /** What happens to the context, in words (README, `machines list`). */
  context: string;
  map(state: PersistedState): MigrationResult;
}

const SAME = [
  'registered',
  'verifying',
  'dismissalPending',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'lookBack',
  'reopened',
];

/**
 * Item version 1 → 2. Every active state keeps its name (version 2 only adds the correction events);
 * the context gains an empty correction record. The final states `dismissed` and `transferred` accept no
 * event in either version, so moving them gains nothing: they stay on version 1 and are reported.
 */
export const itemV1ToV2: MachineMigration = {
  streamType: 'item',
  from: 1,
  to: 2,
  name: 'item-v1-to-v2',
  states: Object.fromEntries(SAME.map((s) => [s, s])),
  unmapped: {
    dismissed: 'final state (已查否): it accepts no further event, so it stays on version 1',
    transferred: 'final state (已移送): it accepts no further event, so it stays on version 1',
  },
  context: 'unchanged, plus corrections: [] and pendingCorrection: null',
  map(state) {
    const target = this.states[state.value];
    if (target === undefined || state.status !== 'active')
      return {
        ok: false,
        reason: this.unmapped[state.value] ?? `state ${state.value} has no mapping to version ${this.to}`,
      };
    const context = state.context as Record<string, unknown>;
    return {
      ok: true,
      state: { ...state, value: target, context: { ...context, corrections: [], pendingCorrection: null } },
    };
  },
};

const ALL = [...SAME, 'dismissed', 'transferred'];

/** A concluded stream (XState `done` in versions 1–2) becomes active again: in version 3 it takes corrections. */
const reopenable = (state: PersistedState): PersistedState =>
  state.status === 'done' ? ({ ...state, status: 'active', output: undefined } as PersistedState) : state;

/**
 * Item version 2 → 3. Every state keeps its name and the context is unchanged; 已查否 and 已移送, final in
 * version 2, become version 3's concluded states, which accept a correction and nothing else.
 */
export const itemV2ToV3: MachineMigration = {
  streamType: 'item',
  from: 2,
  to: 3,
  name: 'item-v2-to-v3',
  states: Object.fromEntries(ALL.map((s) => [s, s])),
  unmapped: {},
  context: 'unchanged; dismissed and transferred items become correctable',
  map(state) {
    if (!ALL.includes(state.value))
      return { ok: false, reason: `state ${state.value} has no mapping to version ${this.to}` };
    return { ok: true, state: reopenable(state) };
  },
};

/** Item version 1 → 3 in one step: version 1 → 2's context change, with 2 → 3's concluded states. */
export const itemV1ToV3: MachineMigration = {
  streamType: 'item',
  from: 1,
  to: 3,
  name: 'item-v1-to-v3',
  states: Object.fromEntries(ALL.map((s) => [s, s])),
  unmapped: {},
  context:
    'unchanged, plus corrections: [] and pendingCorrection: null; dismissed and transferred items become correctable',
  map(state) {
    if (!ALL.includes(state.value))
      return { ok: false, reason: `state ${state.value} has no mapping to version ${this.to}` };
    const context = state.context as Record<string, unknown>;
    return {
      ok: true,
      state: reopenable({ ...state, context: { ...context, corrections: [], pendingCorrection: null } }),
    };
  },
};
