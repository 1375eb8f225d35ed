import { assign } from 'xstate';
import { explainState } from '../../src/audit/explain';
import { replayEvents, ReplayError } from '../../src/engine/replay';
import { checkSnapshots, type ReplayFunction } from '../../src/audit/replay-check';
import { stateAt, timeline } from '../../src/audit/timeline';
import { itemMachineV3 } from '../../src/machines/item-machine';
import { applyItemEvent } from '../../src/machines/item-reducer';
import type { ItemContext, ItemEvent } from '../../src/machines/item-types';
import { definitionFor, type MachineDefinition } from '../../src/machines/registry';
import { start, step, type PersistedState, type StepResult } from '../../src/machines/step';
import { campaignInput, clueInput, createTestRuntime, officer, supervisor } from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;
let itemId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  // One event a day from 2023-04-10T09:00Z: registered, verifying, confirmed, rectifying, a progress note.
  itemId = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
  runtime.clock.advance(DAY);
  await runtime.engine.execute(
    itemId,
    {
      type: 'ASSIGN_VERIFICATION',
      unitId: 'xn-county-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    },
    officer,
  );
  runtime.clock.advance(DAY);
  await runtime.engine.execute(
    itemId,
    { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实', checklistItem: 2 },
    officer,
  );
  runtime.clock.advance(DAY);
  await runtime.engine.execute(
    itemId,
    {
      type: 'START_RECTIFICATION',
      manifestation: '随意拦车',
      measures: '开展培训',
      responsibleUnitId: 'xn-county-hz',
      responsiblePerson: '张三',
      deadline: '2023-08-01T00:00:00.000Z',
    },
    supervisor,
  );
  runtime.clock.advance(DAY);
  await runtime.engine.execute(
    itemId,
    { type: 'RECORD_PROGRESS', note: '已培训 30 人', evidence: [] },
    officer,
  );
});
afterAll(() => runtime.database.close());

describe('timeline and time travel on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('before the first event there is no state', async () => {
    const past = await stateAt(runtime.database, itemId, { until: '2023-04-10T08:59:59.999Z' });
    expect(past).toMatchObject({ version: 0, state: null, lastEvent: null });
  });

  it('at an event instant the event counts; between events the earlier one holds', async () => {
    const atAssign = await stateAt(runtime.database, itemId, { until: '2023-04-11T09:00:00.000Z' });
    expect(atAssign.version).toBe(2);
    expect(atAssign.state!.value).toBe('verifying');
    const between = await stateAt(runtime.database, itemId, { until: '2023-04-12T21:00:00.000Z' });
    expect(between.version).toBe(3);
    expect(between.state!.value).toBe('confirmed');
    expect(between.lastEvent).toMatchObject({
      sequence: 3,
      type: 'CONFIRM',
      actorId: 'u-officer',
      occurredAt: '2023-04-12T09:00:00.000Z',
    });
    expect((between.state!.context as ItemContext).ledger).toBeNull();
  });

  it('after the last event, time travel equals the stored snapshot', async () => {
    const later = await stateAt(runtime.database, itemId, { until: '2030-01-01T00:00:00.000Z' });
    const stored = await runtime.store.loadStream(itemId);
    expect(later.version).toBe(5);
    expect(JSON.parse(JSON.stringify(later.state))).toEqual(stored!.snapshot);
  });

  it('by sequence number', async () => {
    expect((await stateAt(runtime.database, itemId, { toSequence: 1 })).state!.value).toBe('registered');
    expect((await stateAt(runtime.database, itemId, { toSequence: 4 })).state!.value).toBe('rectifying');
    expect((await stateAt(runtime.database, itemId, { toSequence: 0 })).state).toBeNull();
  });

  it('refuses a malformed instant with a clear message', async () => {
    await expect(stateAt(runtime.database, itemId, { until: 'yesterday' })).rejects.toThrow(
      '"yesterday" is not an instant',
    );
  });

  it('the timeline lists every event with actor, unit, time and the state before and after', async () => {
    const t = await timeline(runtime.database, itemId);
    expect(t.entries.map((e) => [e.sequence, e.type, e.stateBefore, e.stateAfter, e.actorId])).toEqual([
      [1, 'REGISTER', null, 'registered', 'u-officer'],
      [2, 'ASSIGN_VERIFICATION', 'registered', 'verifying', 'u-officer'],
      [3, 'CONFIRM', 'verifying', 'confirmed', 'u-officer'],
      [4, 'START_RECTIFICATION', 'confirmed', 'rectifying', 'u-supervisor'],
      [5, 'RECORD_PROGRESS', 'rectifying', 'rectifying', 'u-officer'],
    ]);
    expect(t.entries[3]).toMatchObject({
      unitId: 'xn-city',
      occurredAt: '2023-04-13T09:00:00.000Z',
      machineVersion: 3,
      escalations: [],
    });
  });

  it('explains why the item is in its state and what it is waiting for', async () => {
    const why = await explainState(runtime.database, itemId);
    expect(why).toMatchObject({
      state: 'rectifying',
      finished: false,
      enteredBy: {
        sequence: 4,
        type: 'START_RECTIFICATION',
        actorId: 'u-supervisor',
        occurredAt: '2023-04-13T09:00:00.000Z',
        from: 'confirmed',
      },
      deadlines: [{ what: 'rectification (整改时限)', due: '2023-08-01T00:00:00.000Z', overdue: false }],
      scheduled: [{ kind: 'RECTIFICATION_OVERDUE', dueAt: '2023-08-01T00:00:00.000Z' }],
    });
    expect(why.waitingFor).toEqual(
      expect.arrayContaining([
        'SUBMIT_FOR_ACCEPTANCE',
        'RECORD_PROGRESS',
        'EXTEND_DEADLINE',
        'RECORD_COMPLAINT',
      ]),
    );
    expect(why.waitingFor).not.toContain('ACCEPT');
  });

  it('the determinism check passes for the real machines and catches a non-deterministic one', async () => {
    const clean = await checkSnapshots(runtime.database);
    expect(clean.findings).toEqual([]);
    expect(clean.streams).toBe(2);
    expect(clean.events).toBe(6);

    // A patched item machine whose reducer depends on how often it has run: replay no longer reproduces history.
    let runs = 0;
    const patched = {
      ...definitionFor('item', 3),
      machine: itemMachineV3.provide({
        actions: {
          apply: assign(({ context, event }) => ({
            ...applyItemEvent(context as ItemContext, event as ItemEvent),
            tags: [`run-${++runs}`],
          })),
        },
      }),
    };
    const patchedReplay: ReplayFunction = (streamType, events) => {
      let state: PersistedState | null = null;
      for (const e of events) {
        const definition: MachineDefinition<never, never> =
          streamType === 'item' ? patched : definitionFor(streamType, e.machineVersion);
        const r: StepResult =
          state === null
            ? start(definition, e.payload)
            : step(definition, state, { ...e.payload, type: e.type } as { type: string; at: string });
        if (!r.ok) throw new Error(r.rejection.message);
        state = r.state;
      }
      return state;
    };
    const diverged = await checkSnapshots(runtime.database, { replay: patchedReplay });
    expect(diverged.findings).toEqual([
      {
        kind: 'snapshot-mismatch',
        streamId: itemId,
        path: '$.context.tags[0]',
        expected: 'run-4',
        found: undefined,
      },
    ]);
  });
});

describe('the one replay path', () => {
  /** What live traffic does per command: start, then step() on the persisted state of the previous event. */
  const stepByStep = (streamType: string, events: Awaited<ReturnType<typeof runtime.store.readStream>>) => {
    const states: PersistedState[] = [];
    for (const e of events) {
      const definition = definitionFor(streamType, e.machineVersion);
      const r: StepResult =
        states.length === 0
          ? start(definition, e.payload)
          : step(definition, states[states.length - 1]!, { ...e.payload, type: e.type } as {
              type: string;
              at: string;
            });
      if (!r.ok) throw new Error(r.rejection.message);
      states.push(r.state);
    }
    return states;
  };

  it('replayEvents gives, at every step and at the end, what stepping each stored state gives, and refuses what it refuses', async () => {
    for (const [streamType, id] of [
      ['item', itemId],
      ['campaign', campaignId],
    ] as const) {
      const events = await runtime.store.readStream(id);
      const live = stepByStep(streamType, events);
      const steps: PersistedState[] = [];
      expect(replayEvents(streamType, events, (s) => steps.push(s.snapshot))).toEqual(live[live.length - 1]);
      expect(steps).toEqual(live);
      expect(replayEvents(streamType, events)).toEqual(live[live.length - 1]);
    }
    const events = await runtime.store.readStream(itemId);
    const scrambled = [events[0]!, events[3]!, ...events.slice(1, 3)];
    let refusal: unknown;
    try {
      replayEvents('item', scrambled);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ReplayError);
    expect((refusal as ReplayError).sequence).toBe(4);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^stream ${itemId} event 4 \\(START_RECTIFICATION\\) does not replay: .*registered.*START_RECTIFICATION`,
      ),
    );
  });
});
