import type { Snapshot } from 'xstate';

/** What the event store keeps of a machine's state: XState's persisted snapshot, as plain JSON. */
export type PersistedState = Snapshot<unknown> & { value: string; context: unknown; status: string };
