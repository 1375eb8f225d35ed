import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerSimulateCommand } from '../../src/cli/rules-simulate';
import { replayEvents } from '../../src/engine/replay';
import { simulateRuleSet } from '../../src/escalation/simulate-rule-set';
import { startItem, stepItem, type ItemReplayState } from '../../src/machines/item-stepper';
import type { ItemInput } from '../../src/machines/item-types';
import { campaignInput, createTestRuntime, supervisor } from '../support/fixtures';
import { databaseFingerprint } from '../support/fingerprint';
import {
  recordCampaign,
  SIM_RULES_V1,
  withAdmonishThreshold,
  type RecordedCampaign,
} from './simulation-scenario';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;
let runtime: TestRuntime;
let recorded: RecordedCampaign;

/** Row counts and digests of every table a simulation could touch. */
async function fingerprint(): Promise<unknown> {
  return runtime.database.dataSource.query(
    `SELECT (SELECT count(*) FROM events) AS events,
            (SELECT md5(string_agg(hash, ',' ORDER BY global_position)) FROM events) AS event_digest,
            (SELECT count(*) FROM streams) AS streams,
            (SELECT md5(string_agg(stream_id || ':' || version || ':' || last_hash || ':' || snapshot::text, ',' ORDER BY stream_id)) FROM streams) AS stream_digest,
            (SELECT count(*) FROM scheduled_jobs) AS jobs,
            (SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) FROM scheduled_jobs) AS job_digest,
            (SELECT count(*) FROM rule_failures) AS failures,
            (SELECT count(*) FROM rule_sets) AS rule_sets`,
  );
}

const simulateSource = (source: string, window = {}) =>
  simulateRuleSet(runtime.database, recorded.campaignId, source, 'candidate.rules', window);

beforeAll(async () => {
  runtime = await createTestRuntime();
  recorded = await recordCampaign(runtime);
}, 120_000);
afterAll(() => runtime.database.close());

describe('what-if simulation over a recorded campaign', () => {
  it('the published rule set reproduces every recorded escalation (scheduler and commands): no difference', async () => {
    const report = await simulateSource(SIM_RULES_V1);
    expect(report.summary).toMatchObject({ added: 0, removed: 0, changed: 0, identical: true });
    expect(report.summary.recorded).toBeGreaterThanOrEqual(6);
    expect(report.summary.unchanged).toBe(report.summary.recorded);
    const escalations = (await runtime.database.dataSource.query(
      `SELECT snapshot -> 'context' -> 'trigger' ->> 'kind' AS kind FROM streams WHERE stream_type = 'escalation'`,
    )) as Array<{ kind: string }>;
    expect(new Set(escalations.map((e) => e.kind))).toEqual(new Set(['clock', 'event']));
    expect(report.summary.recorded).toBe(escalations.length);
    expect(report.evaluated.recordedSweeps).toBe(28);
    expect(report.evaluated.cadenceSweeps).toBe(0);
  });

  it('a higher threshold removes the admonishment of the item 16 days overdue and issues the other one later', async () => {
    const before = await fingerprint();
    const report = await simulateSource(withAdmonishThreshold(20));
    expect(await fingerprint()).toEqual(before);
    const { a, b } = recorded.items;
    expect(report.added).toEqual([]);
    expect(report.removed).toEqual([
      expect.objectContaining({
        itemId: a,
        ruleId: 'overdue-admonish',
        measure: 'admonish',
        target: { kind: 'unit_leader', id: 'xn-county-hz' },
        issuedAt: '2023-05-12T16:00:00.000Z',
        trigger: { kind: 'clock', tick: '2023-05-12T16:00:00.000Z' },
        facts: expect.arrayContaining([
          { fact: '事项.超期天数', factEn: 'item.days_overdue', value: 11, text: '11' },
        ]),
        candidate: expect.objectContaining({ outcome: 'conditionFalse' }),
      }),
    ]);
    expect(report.changed).toEqual([
      expect.objectContaining({
        itemId: b,
        ruleId: 'overdue-admonish',
        kinds: ['later'],
        recorded: expect.objectContaining({ issuedAt: '2023-05-12T16:00:00.000Z' }),
        simulated: expect.objectContaining({
          issuedAt: '2023-05-22T16:00:00.000Z',
          escalationId: null,
          facts: expect.arrayContaining([expect.objectContaining({ fact: '事项.超期天数', value: 21 })]),
        }),
      }),
    ]);
    expect(report.byRule).toEqual([
      { ruleId: 'overdue-admonish', ruleTitle: '整改超期10天约谈', added: 0, removed: 1, changed: 1 },
    ]);
    expect(report.byUnit).toEqual([
      { unitId: 'xn-county-dt', added: 0, removed: 0, changed: 1 },
      { unitId: 'xn-county-hz', added: 0, removed: 1, changed: 0 },
    ]);
    expect(report.byItem.map((g) => g.itemId).sort()).toEqual([a, b].sort());
  });

  it('a lower threshold adds an admonishment for the item 7 days overdue and issues the others earlier', async () => {
    const before = await fingerprint();
    const report = await simulateSource(withAdmonishThreshold(5));
    expect(await fingerprint()).toEqual(before);
    const { a, b, c } = recorded.items;
    expect(report.added).toEqual([
      expect.objectContaining({
        escalationId: null,
        itemId: c,
        unitId: 'xn-hz-det',
        ruleId: 'overdue-admonish',
        measure: 'admonish',
        issuedAt: '2023-05-07T16:00:00.000Z',
        facts: expect.arrayContaining([expect.objectContaining({ fact: '事项.超期天数', value: 6 })]),
      }),
    ]);
    expect(report.removed).toEqual([]);
    expect(report.changed.map((c) => [c.itemId, c.kinds, c.simulated.issuedAt]).sort()).toEqual(
      [
        [a, ['earlier'], '2023-05-07T16:00:00.000Z'],
        [b, ['earlier'], '2023-05-07T16:00:00.000Z'],
      ].sort(),
    );
    expect(report.summary).toMatchObject({ added: 1, removed: 0, changed: 2, identical: false });
  });

  it('a heavier measure is reported as a change, a window limits what is compared', async () => {
    const heavier = withAdmonishThreshold(10).replace('则 约谈 单位负责人', '则 通报批评 单位负责人');
    const report = await simulateSource(heavier);
    expect(report.changed.map((c) => c.kinds)).toEqual([['heavier'], ['heavier']]);
    const windowed = await simulateSource(heavier, { from: '2023-05-20T00:00:00+08:00' });
    expect(windowed.window.from).toBe('2023-05-19T16:00:00.000Z');
    expect(windowed.changed).toEqual([]);
    expect(windowed.summary.recorded).toBeLessThan(report.summary.recorded);
  });

  it('replays items exactly as the machine does', async () => {
    const { a, b, c, d } = recorded.items;
    for (const id of [a, b, c, d]) {
      const events = await runtime.store.readStream(id);
      let state: ItemReplayState | null = null;
      for (const event of events) {
        state = state
          ? stepItem(state, event)
          : startItem(event.payload as unknown as ItemInput, event.machineVersion);
        const expected = replayEvents('item', events.slice(0, event.sequence))!;
        expect({ value: state.value, context: state.context }).toEqual({
          value: expected.value,
          context: expected.context,
        });
      }
    }
  });

  it('refuses a rule file that does not compile, with located diagnostics, and an unknown campaign', async () => {
    const broken = await simulateSource(
      SIM_RULES_V1.replace('期限 1 天', '').replace('超期天数 > 0', '超期天数 > '),
    ).catch((e: unknown) => e);
    expect(broken).toMatchObject({
      name: 'RuleSetRejectedError',
      diagnostics: [expect.objectContaining({ range: expect.objectContaining({ line: 10, column: 3 }) })],
    });
    await expect(
      simulateRuleSet(runtime.database, 'no-such-campaign', SIM_RULES_V1, 'x.rules'),
    ).rejects.toThrow(/campaign no-such-campaign does not exist/);
    await expect(simulateSource(SIM_RULES_V1, { from: 'yesterday' })).rejects.toThrow(
      /from must be an ISO instant/,
    );
  });
});

describe('zhengzhi rules simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-simulate-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  /** Runs `zhengzhi rules simulate …` against the test database; returns stdout, stderr and the exit code. */
  async function zz(...args: string[]): Promise<{ out: string[]; err: string[]; exitCode: number }> {
    return zzIn('zh', ...args);
  }

  async function zzIn(
    lang: 'zh' | 'en',
    ...args: string[]
  ): Promise<{ out: string[]; err: string[]; exitCode: number }> {
    const out: string[] = [];
    const err: string[] = [];
    let exitCode = 0;
    const program = new Command('zhengzhi').exitOverride();
    registerSimulateCommand(program, {
      openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
      io: { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (exitCode = c) },
      lang,
    });
    await program.parseAsync(['node', 'zhengzhi', 'rules', 'simulate', ...args]);
    return { out, err, exitCode };
  }

  it('exit 0 and 一致 for the published rule set, in Chinese', async () => {
    const result = await zz(file('published.rules', SIM_RULES_V1), '--campaign', recorded.campaignId);
    expect(result.exitCode).toBe(0);
    expect(result.out.join('\n')).toMatch(/结论：与实际下发完全一致/);
    expect(result.out[3]).toMatch(/^实际下发 \d+ 项，模拟下发 \d+ 项：不变 \d+，新增 0，撤销 0，变化 0$/);
  });

  it('speaks English when asked (--lang en or an English locale)', async () => {
    const same = await zzIn(
      'en',
      file('published-en.rules', SIM_RULES_V1),
      '--campaign',
      recorded.campaignId,
    );
    expect(same.exitCode).toBe(0);
    expect(same.out.join('\n')).toContain('Result: identical to what was issued.');
    expect(same.out.join('\n')).not.toMatch(/[\u4e00-\u9fff]{2,}：/);
    const raised = await zzIn(
      'en',
      file('raised-en.rules', withAdmonishThreshold(20)),
      '--campaign',
      recorded.campaignId,
    );
    expect(raised.exitCode).toBe(1);
    expect(raised.out.join('\n')).toMatch(
      /By rule\n {2}overdue-admonish「[^」]+」: added 0, removed 1, changed 1/,
    );
    expect(raised.out.join('\n')).toContain('Removed (issued; the candidate would not issue them)');
  });

  it('exit 1 with the differences grouped per rule, unit and item, and the facts behind each', async () => {
    const result = await zz(
      file('raised.rules', withAdmonishThreshold(20)),
      '--campaign',
      recorded.campaignId,
    );
    expect(result.exitCode).toBe(1);
    const text = result.out.join('\n');
    expect(text).toContain('按规则\n  overdue-admonish「整改超期10天约谈」：新增 0，撤销 1，变化 1');
    expect(text).toContain(
      '按单位\n  xn-county-dt：新增 0，撤销 0，变化 1\n  xn-county-hz：新增 0，撤销 1，变化 0',
    );
    expect(text).toMatch(
      /撤销（实际下发，候选规则集不会下发）\n {2}- 事项 \S+ · 约谈 单位负责人（xn-county-hz） · 规则 overdue-admonish/,
    );
    expect(text).toContain('实际依据：事项.状态 = 整改中；事项.超期天数 = 11');
    expect(text).toContain('候选规则集：条件不成立：事项.超期天数 > 20（');
    expect(text).toMatch(
      /~ 事项 \S+ · 规则 overdue-admonish · 推迟：约谈 单位负责人（xn-county-dt） 2023-05-13 00:00 → 约谈 单位负责人（xn-county-dt） 2023-05-23 00:00/,
    );
  });

  it('--json gives the report shape; --from/--to bound it', async () => {
    const result = await zz(
      file('lowered.rules', withAdmonishThreshold(5)),
      '--campaign',
      recorded.campaignId,
      '--json',
      '--to',
      '2023-05-08T00:00:00+08:00',
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.out.join('\n')) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'campaignId',
      'candidate',
      'published',
      'window',
      'evaluated',
      'summary',
      'added',
      'removed',
      'changed',
      'byRule',
      'byUnit',
      'byItem',
      'tags',
      'failures',
    ]);
    expect(report.window).toEqual({ from: '2023-04-10T09:00:00.000Z', to: '2023-05-07T16:00:00.000Z' });
    expect(report.summary).toMatchObject({ added: 3, removed: 0, changed: 0 });
  });

  it('exit 2 with located errors for a broken file, and for an unknown campaign', async () => {
    const broken = await zz(
      file('broken.rules', SIM_RULES_V1.replace('超期天数 > 0', '超期天数 > ')),
      '--campaign',
      recorded.campaignId,
    );
    expect(broken.exitCode).toBe(2);
    expect(broken.err.join('\n')).toMatch(/broken\.rules:10:3: error ZR1007/);
    const unknown = await zz(file('ok.rules', SIM_RULES_V1), '--campaign', 'nope');
    expect(unknown).toMatchObject({ exitCode: 2, err: ['错误：专项行动 nope 不存在'] });
    const unknownEn = await zzIn('en', file('ok.rules', SIM_RULES_V1), '--campaign', 'nope');
    expect(unknownEn).toMatchObject({
      exitCode: 2,
      err: [expect.stringMatching(/campaign nope does not exist$/)],
    });
  });
});

/**
 * Units that miss reports are rule subjects of their own (issue 10 point 5): the simulation judges them after
 * each recorded REPORT_DUE, as live, and compares with the recorded unit-subject escalations (item null).
 * 湟中 reports nothing and has no item (躺平式); 大通 reports only for the first due instant.
 */
describe('what-if simulation of unit subjects (missed reports)', () => {
  const REPORT_RULES = (
    threshold: number,
    version = 1,
    measure = '通报批评 单位',
  ) => `规则集 report-rules 版本 ${version}
规则 missed-report-criticise "多次漏报通报批评" 优先级 40
  当 单位.漏报次数 >= ${threshold}
  则 ${measure} 期限 5 天 理由 "多次未按时报送"
`;
  const due = (day: string) => `2023-04-${day}T10:00:00.000Z`; // 18:00 CST
  let units: TestRuntime;
  let campaignId: string;
  const simulateUnits = (source: string) =>
    simulateRuleSet(units.database, campaignId, source, 'candidate.rules', {});

  beforeAll(async () => {
    units = await createTestRuntime();
    const { engine, clock, scheduler } = units;
    clock.set('2023-04-01T00:00:00.000Z');
    campaignId = (await engine.create('campaign', { ...campaignInput, deadlines: {} }, supervisor)).streamId;
    await units.ruleSets.publish(campaignId, REPORT_RULES(2), supervisor, clock.now().toISOString());
    await engine.execute(
      campaignId,
      {
        type: 'SET_REPORTING',
        cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
        unitIds: ['xn-county-hz', 'xn-county-dt'],
      },
      supervisor,
    );
    await engine.execute(
      campaignId,
      { type: 'SUBMIT_REPORT', unitId: 'xn-county-dt', dueAt: due('08') },
      supervisor,
    );
    for (const day of ['08', '18', '28']) {
      clock.set(due(day));
      await scheduler.tick();
    }
  }, 120_000);
  afterAll(() => units.database.close());

  it('the published rule set: the recorded unit escalations (no item) are reproduced, nothing written', async () => {
    const recordedRows = (await units.database.dataSource.query(
      `SELECT snapshot #>> '{context,unitId}' AS unit, snapshot #>> '{context,issuedAt}' AS at,
              snapshot #>> '{context,itemId}' AS item
         FROM streams WHERE stream_type = 'escalation' ORDER BY 2`,
    )) as Array<{ unit: string; at: string; item: string | null }>;
    expect(recordedRows.map((r) => [r.unit, r.item])).toEqual([
      ['xn-county-hz', null],
      ['xn-county-dt', null],
    ]);
    const before = await databaseFingerprint(units.database.dataSource);
    const report = await simulateUnits(REPORT_RULES(2));
    expect(await databaseFingerprint(units.database.dataSource)).toEqual(before);
    expect(report.summary).toMatchObject({ recorded: 2, simulated: 2, unchanged: 2, identical: true });
    expect(report.evaluated.evaluations).toBe(5); // 湟中 at 3 due instants, 大通 at 2
  });

  it('a lower threshold criticises each unit one due instant earlier; a higher one removes 大通 and delays 湟中', async () => {
    const lower = await simulateUnits(REPORT_RULES(1, 2));
    expect(lower.added).toEqual([]);
    expect(lower.removed).toEqual([]);
    expect(lower.changed.map((c) => [c.unitId, c.itemId, c.kinds, c.simulated.issuedAt])).toEqual([
      ['xn-county-hz', null, ['earlier'], due('08')],
      ['xn-county-dt', null, ['earlier'], due('18')],
    ]);

    const higher = await simulateUnits(REPORT_RULES(3, 2));
    expect(higher.changed.map((c) => [c.unitId, c.kinds, c.simulated.issuedAt])).toEqual([
      ['xn-county-hz', ['later'], due('28')],
    ]);
    expect(higher.removed).toEqual([
      expect.objectContaining({
        itemId: null,
        unitId: 'xn-county-dt',
        ruleId: 'missed-report-criticise',
        issuedAt: due('28'),
        facts: expect.arrayContaining([expect.objectContaining({ fact: '单位.漏报次数', value: 2 })]),
        candidate: expect.objectContaining({ outcome: 'conditionFalse' }),
      }),
    ]);
    expect(higher.byUnit).toEqual([
      { unitId: 'xn-county-dt', added: 0, removed: 1, changed: 0 },
      { unitId: 'xn-county-hz', added: 0, removed: 0, changed: 1 },
    ]);
    expect(higher.byItem).toEqual([]); // unit subjects count per rule and per unit
  });

  it('a unit subject is the same subject only for the same unit: the extra leader order of 湟中 is added, not a change of 大通', async () => {
    // Fires for 湟中 only (3 missed at the 28th; 大通 has 2): the unit's order is 湟中's recorded one, later;
    // the leader's order has no recorded counterpart in 湟中, and 大通's recorded one is simply removed.
    const report = await simulateUnits(REPORT_RULES(3, 2, '通报批评 单位 ， 约谈 单位负责人'));
    expect(report.changed.map((c) => [c.unitId, c.kinds])).toEqual([['xn-county-hz', ['later']]]);
    expect(report.added.map((e) => [e.unitId, e.target])).toEqual([
      ['xn-county-hz', { kind: 'unit_leader', id: 'xn-county-hz' }],
    ]);
    expect(report.removed.map((e) => e.unitId)).toEqual(['xn-county-dt']);
  });

  it('another target: one change per unit (lighter, other target), never paired across units', async () => {
    const report = await simulateUnits(REPORT_RULES(2, 2, '约谈 单位负责人'));
    expect(report.summary).toMatchObject({ added: 0, removed: 0, changed: 2 });
    for (const change of report.changed) {
      expect(change.kinds).toEqual(['otherTarget', 'lighter']); // 约谈 is lighter than 通报批评
      expect(change.recorded.unitId).toBe(change.simulated.unitId);
      expect(change.simulated.target).toEqual({ kind: 'unit_leader', id: change.unitId });
    }
  });
});
