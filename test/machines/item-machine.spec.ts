import { getShortestPaths } from 'xstate/graph';
import { itemMachine } from '../../src/machines/item-machine';
import { definitionFor } from '../../src/machines/registry';
import { acceptedEvents, start, step, type PersistedState } from '../../src/machines/step';
import type { ItemContext } from '../../src/machines/item-types';
import { itemInput, validItemEvents } from './sample-events';

// Version 1's own states and events; version 2 adds only the corrections (test/engine/corrections.int.spec.ts).
const definition = definitionFor('item', 1);
const allStates = Object.keys(itemMachine.states);
const allEventTypes = validItemEvents.map((e) => e.type);

/** Every state value reachable with the valid sample events, with the shortest event path to it. */
const paths = getShortestPaths(itemMachine, {
  input: itemInput,
  events: validItemEvents as never,
  serializeState: (snapshot) => JSON.stringify(snapshot.value),
});

function stateAfter(events: Array<{ type: string; at: string }>): PersistedState {
  const started = start(definition, itemInput);
  if (!started.ok) throw new Error(started.rejection.message);
  return events.reduce<PersistedState>((state, event) => {
    const result = step(definition, state, event);
    if (!result.ok) throw new Error(`${event.type}: ${result.rejection.message}`);
    return result.state;
  }, started.state);
}

const pathEvents = (path: (typeof paths)[number]) =>
  path.steps.map((s) => s.event).filter((e) => !e.type.startsWith('xstate.'));

describe('item machine', () => {
  it('reaches every state from registration with valid events', () => {
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...allStates].sort());
  });

  describe.each(paths.map((p) => [String(p.state.value), p] as const))('in state %s', (stateName, path) => {
    const state = stateAfter(pathEvents(path));

    it('is reproduced by replaying its path', () => {
      expect(state.value).toBe(stateName);
    });

    it('refuses every event type the state does not handle, naming the ones it does', () => {
      const accepted = acceptedEvents(definition, state);
      for (const event of validItemEvents.filter((e) => !accepted.includes(e.type))) {
        const result = step(definition, state, event);
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.rejection.code).toBe(
            state.status === 'done' ? 'STREAM_FINISHED' : 'EVENT_NOT_ACCEPTED',
          );
      }
    });

    it('takes every accepted sample event to the target the definition declares', () => {
      const node = (
        itemMachine.states as Record<
          string,
          { transitions: Map<string, Array<{ target?: Array<{ key: string }> }>> }
        >
      )[stateName];
      for (const type of acceptedEvents(definition, state)) {
        const result = step(
          definition,
          state,
          validItemEvents.find((e) => e.type === type)!,
        );
        const declared = node?.transitions.get(type)?.[0]?.target?.[0]?.key ?? stateName;
        if (result.ok) expect([type, result.state.value]).toEqual([type, declared]);
        else expect([type, result.rejection.code]).toEqual([type, 'GUARD_FAILED']);
      }
    });

    it('gives identical next states after a JSON round-trip of the snapshot', () => {
      const roundTripped = JSON.parse(JSON.stringify(state)) as PersistedState;
      for (const event of validItemEvents) {
        const direct = step(definition, state, event);
        const viaJson = step(definition, roundTripped, event);
        expect(viaJson).toEqual(direct);
      }
    });
  });

  it('covers every event type in some accepted transition', () => {
    const used = new Set(paths.flatMap((p) => p.steps.map((s) => s.event.type)));
    const acceptedSomewhere = new Set(
      paths.flatMap((p) => acceptedEvents(definition, stateAfter(pathEvents(p)))),
    );
    expect(allEventTypes.filter((t) => !acceptedSomewhere.has(t))).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('final states accept nothing', () => {
    for (const name of ['dismissed', 'transferred']) {
      const path = paths.find((p) => p.state.value === name)!;
      const state = stateAfter(pathEvents(path));
      expect(state.status).toBe('done');
      expect(acceptedEvents(definition, state)).toEqual([]);
    }
  });
});

describe('item machine guards', () => {
  const verifying = () => stateAfter([validItemEvents.find((e) => e.type === 'ASSIGN_VERIFICATION')!]);
  const refuse = (state: PersistedState, event: { type: string; at: string }, reason: RegExp) => {
    const result = step(definition, state, event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.code).toBe('GUARD_FAILED');
      expect(result.rejection.message).toMatch(reason);
    }
  };
  const at = '2023-06-01T00:00:00.000Z';

  it('a dismissal needs the principal of the handling unit, who is not the handler', () => {
    const pending = step(definition, verifying(), {
      type: 'PROPOSE_DISMISSAL',
      at,
      reason: '不属实',
      handlerId: 'officer-1',
    } as never);
    if (!pending.ok) throw new Error('proposal refused');
    refuse(
      pending.state,
      { type: 'APPROVE_DISMISSAL', at, principalId: 'leader-x', principalOfUnitId: 'unit-other' } as never,
      /principal leader of the handling unit unit-county/,
    );
    refuse(
      pending.state,
      { type: 'APPROVE_DISMISSAL', at, principalId: 'officer-1', principalOfUnitId: 'unit-county' } as never,
      /handler cannot also give the principal sign-off/,
    );
    const approved = step(definition, pending.state, {
      type: 'APPROVE_DISMISSAL',
      at,
      principalId: 'leader-1',
      principalOfUnitId: 'unit-county',
    } as never);
    expect(approved.ok && approved.state.value).toBe('dismissed');
    expect(approved.ok && (approved.state.context as ItemContext).dismissal).toMatchObject({
      officerNameCleared: true,
      handlerId: 'officer-1',
      principalId: 'leader-1',
    });
  });

  it('a verification deadline must be in the future and a real instant', () => {
    const registered = stateAfter([]);
    refuse(
      registered,
      {
        type: 'ASSIGN_VERIFICATION',
        at,
        unitId: 'u',
        officerId: 'o',
        deadline: '2023-05-01T00:00:00.000Z',
      } as never,
      /must be in the future/,
    );
    refuse(
      registered,
      { type: 'ASSIGN_VERIFICATION', at, unitId: 'u', officerId: 'o', deadline: 'next week' } as never,
      /ISO-8601/,
    );
  });

  it('an incomplete ledger row cannot start rectification', () => {
    const confirmed = stateAfter(
      validItemEvents.filter((e) => ['ASSIGN_VERIFICATION', 'CONFIRM'].includes(e.type)),
    );
    refuse(
      confirmed,
      {
        type: 'START_RECTIFICATION',
        at,
        manifestation: '随意拦车',
        measures: '',
        responsibleUnitId: 'u',
        responsiblePerson: 'p',
        deadline: '2023-08-01T00:00:00.000Z',
      } as never,
      /measures/,
    );
  });

  it('acceptance needs evidence; a rejection counts and returns to rectifying; deadlines only move later', () => {
    const rectifying = stateAfter(
      validItemEvents.filter((e) =>
        ['ASSIGN_VERIFICATION', 'CONFIRM', 'START_RECTIFICATION'].includes(e.type),
      ),
    );
    refuse(
      rectifying,
      { type: 'SUBMIT_FOR_ACCEPTANCE', at, result: '完成', evidence: [] } as never,
      /verifiable evidence/,
    );
    refuse(
      rectifying,
      { type: 'EXTEND_DEADLINE', at, deadline: '2023-07-01T00:00:00.000Z', reason: 'x' } as never,
      /later than the current one/,
    );
    refuse(
      rectifying,
      { type: 'RECTIFICATION_OVERDUE', at, deadline: '2023-08-01T00:00:00.000Z' } as never,
      /has not passed yet/,
    );
    refuse(
      rectifying,
      {
        type: 'RECTIFICATION_OVERDUE',
        at: '2023-09-01T00:00:00.000Z',
        deadline: '2023-07-01T00:00:00.000Z',
      } as never,
      /deadline has changed/,
    );
    const submitted = step(definition, rectifying, {
      type: 'SUBMIT_FOR_ACCEPTANCE',
      at,
      result: '完成',
      evidence: ['a.pdf'],
    } as never);
    if (!submitted.ok) throw new Error('submit refused');
    const back = step(definition, submitted.state, { type: 'REJECT', at, reason: '不达标' } as never);
    expect(back.ok && back.state.value).toBe('rectifying');
    expect(back.ok && (back.state.context as ItemContext).rejections).toHaveLength(1);
  });

  it('records when each state was entered from the event time, never a clock', () => {
    const state = stateAfter(validItemEvents.filter((e) => ['ASSIGN_VERIFICATION'].includes(e.type)));
    expect((state.context as ItemContext).stateEnteredAt).toBe('2023-06-01T00:00:00.000Z');
    expect((stateAfter([]).context as ItemContext).stateEnteredAt).toBe(itemInput.at);
  });
});
