import { cadenceProblem, CADENCE_PRESETS, nextReportDue } from '../../src/machines/reporting-cadence';
import { currentDefinition } from '../../src/machines/registry';
import { start, step, type PersistedState } from '../../src/machines/step';
import type { CampaignContext } from '../../src/machines/campaign-types';
import { campaignInputForMachine } from './sample-events';

describe('reporting cadences', () => {
  it('Jiangyuan reports on the 8th, 18th and 28th at 18:00 China time', () => {
    const jiangyuan = CADENCE_PRESETS.jiangyuan!;
    expect(nextReportDue(jiangyuan, '2023-04-01T00:00:00.000Z')).toBe('2023-04-08T10:00:00.000Z');
    expect(nextReportDue(jiangyuan, '2023-04-08T10:00:00.000Z')).toBe('2023-04-18T10:00:00.000Z');
    expect(nextReportDue(jiangyuan, '2023-04-28T10:00:00.000Z')).toBe('2023-05-08T10:00:00.000Z');
  });

  it('Zhanjiang reports every Monday and Wednesday before 09:00 China time', () => {
    const zhanjiang = CADENCE_PRESETS.zhanjiang!;
    // 2021-06-01 was a Tuesday.
    expect(nextReportDue(zhanjiang, '2021-06-01T00:00:00.000Z')).toBe('2021-06-02T01:00:00.000Z');
    expect(nextReportDue(zhanjiang, '2021-06-02T01:00:00.000Z')).toBe('2021-06-07T01:00:00.000Z');
  });

  it('refuses unusable cadences', () => {
    expect(cadenceProblem({ kind: 'monthDays', days: [31], time: '18:00' })).toMatch(/between 1 and 28/);
    expect(cadenceProblem({ kind: 'weekdays', days: [1], time: '9am' })).toMatch(/HH:MM/);
    expect(cadenceProblem(CADENCE_PRESETS.jiangyuan)).toBeNull();
  });

  it('a unit without a report by the due instant has missed it; one that reported has not', () => {
    const definition = currentDefinition('campaign');
    const run = (state: PersistedState, event: Record<string, unknown> & { type: string; at: string }) => {
      const result = step(definition, state, event);
      if (!result.ok) throw new Error(result.rejection.message);
      return result.state;
    };
    const started = start(definition, campaignInputForMachine);
    if (!started.ok) throw new Error(started.rejection.message);
    let state = run(started.state, {
      type: 'SET_REPORTING',
      at: '2023-04-01T00:00:00.000Z',
      cadence: CADENCE_PRESETS.jiangyuan,
      unitIds: ['county-a', 'county-b'],
    });
    state = run(state, {
      type: 'SUBMIT_REPORT',
      at: '2023-04-08T02:00:00.000Z',
      unitId: 'county-a',
      dueAt: '2023-04-08T10:00:00.000Z',
    });
    const early = step(definition, state, {
      type: 'REPORT_DUE',
      at: '2023-04-08T09:00:00.000Z',
      dueAt: '2023-04-08T10:00:00.000Z',
    } as never);
    expect(!early.ok && early.rejection.message).toMatch(/not due yet/);
    const skipped = step(definition, state, {
      type: 'REPORT_DUE',
      at: '2023-04-18T10:00:00.000Z',
      dueAt: '2023-04-18T10:00:00.000Z',
    } as never);
    expect(!skipped.ok && skipped.rejection.message).toMatch(
      /next report is due at 2023-04-08T10:00:00.000Z/,
    );
    state = run(state, {
      type: 'REPORT_DUE',
      at: '2023-04-08T10:00:00.000Z',
      dueAt: '2023-04-08T10:00:00.000Z',
    });
    expect((state.context as CampaignContext).missedReports).toEqual({ 'county-b': 1 });
    const stranger = step(definition, state, {
      type: 'SUBMIT_REPORT',
      at: '2023-04-09T00:00:00.000Z',
      unitId: 'county-z',
      dueAt: '2023-04-18T10:00:00.000Z',
    } as never);
    expect(!stranger.ok && stranger.rejection.message).toMatch(/not required to report/);
  });
});
