import { getShortestPaths } from 'xstate/graph';
import { campaignInputProblem, campaignMachine } from '../../src/machines/campaign-machine';
import type { CampaignContext } from '../../src/machines/campaign-types';
import { currentDefinition } from '../../src/machines/registry';
import { acceptedEvents, start, step, type PersistedState } from '../../src/machines/step';
import { campaignInputForMachine as input, validCampaignEvents } from './sample-events';

const definition = currentDefinition('campaign');

function run(events: Array<{ type: string; at: string } & Record<string, unknown>>): PersistedState {
  const started = start(definition, input);
  if (!started.ok) throw new Error(started.rejection.message);
  return events.reduce<PersistedState>((state, event) => {
    const result = step(definition, state, event);
    if (!result.ok) throw new Error(`${event.type}: ${result.rejection.message}`);
    return result.state;
  }, started.state);
}

const fulfil = validCampaignEvents.find((e) => e.type === 'FULFIL_OBLIGATION')!;
const advance = validCampaignEvents.find((e) => e.type === 'ADVANCE_PHASE')!;

describe('campaign machine', () => {
  it('reaches every phase and finished with valid events', () => {
    const paths = getShortestPaths(campaignMachine, {
      input,
      events: validCampaignEvents as never,
      // Obligations are part of what makes two "mobilize" snapshots different for the graph.
      serializeState: (snapshot) =>
        JSON.stringify([snapshot.value, snapshot.context.obligations.map((o) => o.doneAt !== null)]),
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    // `standing` belongs to standing mechanisms (kind: standing), reached from their creation input below.
    expect([...reached].sort()).toEqual(
      Object.keys(campaignMachine.states)
        .filter((s) => s !== 'standing')
        .sort(),
    );
  });

  it('a standing mechanism (长效机制) stands from creation, runs look-back rounds and has no phase march', () => {
    const started = start(definition, { ...input, kind: 'standing' });
    if (!started.ok) throw new Error(started.rejection.message);
    expect(started.state.value).toBe('standing');
    const event = { type: 'START_LOOK_BACK_ROUND', at: input.at, note: '第一轮' };
    const round = step(definition, started.state, event);
    if (!round.ok) throw new Error(round.rejection.message);
    expect((round.state.context as CampaignContext).lookBackRounds).toEqual([
      { number: 1, startedAt: input.at, note: '第一轮' },
    ]);
    const refused = step(definition, round.state, { ...advance, at: input.at });
    expect(refused.ok).toBe(false);
    const inCampaign = step(definition, run([]), { type: 'START_LOOK_BACK_ROUND', at: input.at });
    expect(inCampaign.ok).toBe(false);
  });

  it('runs mobilize → identify → rectify → summarize → consolidate → finished, recording each phase entry', () => {
    const state = run([
      fulfil,
      advance,
      advance,
      advance,
      advance,
      validCampaignEvents.find((e) => e.type === 'FINISH')!,
    ]);
    expect(state.value).toBe('finished');
    expect((state.context as CampaignContext).phaseHistory.map((p) => p.phase)).toEqual([
      'mobilize',
      'identify',
      'rectify',
      'summarize',
      'consolidate',
    ]);
  });

  it('a phase cannot close while its obligations are open', () => {
    const result = step(definition, run([]), advance);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.rejection.message).toMatch(
        /mobilize phase cannot close while obligations are open: 制定工作方案 \(work_plan\)/,
      );
  });

  it('rectify cannot close while confirmed items are unresolved', () => {
    const rectify = run([fulfil, advance, advance]);
    const result = step(definition, rectify, { ...advance, unresolvedItems: 3 } as never);
    expect(!result.ok && result.rejection.message).toMatch(
      /3 confirmed item\(s\) are neither closed nor carried into long-term/,
    );
  });

  it('categories and checklist are configurable until rectification starts', () => {
    const rectify = run([fulfil, advance, advance]);
    expect(acceptedEvents(definition, rectify)).not.toContain('SET_CATEGORIES');
    const mobilize = run([]);
    const duplicate = step(definition, mobilize, {
      type: 'SET_CATEGORIES',
      at: '2023-04-02T00:00:00.000Z',
      categories: [
        { code: 'a', label: 'A' },
        { code: 'a', label: 'B' },
      ],
    } as never);
    expect(!duplicate.ok && duplicate.rejection.message).toMatch(/category code a appears twice/);
  });

  it('deadlines stay in phase order and past phases keep theirs', () => {
    const mobilize = run([]);
    const early = step(definition, mobilize, {
      type: 'SET_PHASE_DEADLINE',
      at: '2023-04-02T00:00:00.000Z',
      phase: 'identify',
      deadline: '2023-04-01T00:00:00.000Z',
    } as never);
    expect(!early.ok && early.rejection.message).toMatch(
      /identify deadline .* is before the mobilize deadline/,
    );
    const identify = run([fulfil, advance]);
    const past = step(definition, identify, {
      type: 'SET_PHASE_DEADLINE',
      at: '2023-04-05T00:00:00.000Z',
      phase: 'mobilize',
      deadline: '2023-04-30T00:00:00.000Z',
    } as never);
    expect(!past.ok && past.rejection.message).toMatch(/mobilize phase is over/);
  });

  it('a phase deadline event applies once, only after the deadline, only in that phase', () => {
    const mobilize = run([]);
    const passed = {
      type: 'PHASE_DEADLINE_PASSED',
      at: '2023-04-21T00:00:00.000Z',
      phase: 'mobilize',
      deadline: '2023-04-20T00:00:00.000Z',
    };
    const once = step(definition, mobilize, passed);
    expect(once.ok && (once.state.context as CampaignContext).overduePhases).toEqual(['mobilize']);
    const twice = once.ok ? step(definition, once.state, passed) : once;
    expect(!twice.ok && twice.rejection.message).toMatch(/already marked overdue/);
    const early = step(definition, mobilize, { ...passed, at: '2023-04-19T00:00:00.000Z' });
    expect(!early.ok && early.rejection.message).toMatch(/has not passed yet/);
  });

  it('refuses a campaign without categories or with deadlines out of order', () => {
    expect(campaignInputProblem({ ...input, categories: [] })).toMatch(/at least one problem category/);
    expect(
      campaignInputProblem({
        ...input,
        deadlines: { mobilize: '2023-05-01T00:00:00.000Z', identify: '2023-04-01T00:00:00.000Z' },
      }),
    ).toMatch(/before the mobilize deadline/);
    expect(campaignInputProblem(input)).toBeNull();
  });
});
