import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import { RuleSetRejectedError, startSchedulerLoop } from '../../src/escalation';
import type { EscalationContext } from '../../src/machines/escalation-types';
import { openDatabase, type Database } from '../../src/persistence/database';
import { ZhengzhiError } from '../../src/shared/errors';
import {
  campaignInput,
  clueInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

const rulesV1 = `规则集 test-rules 版本 1
# 负面舆情 → 挂牌督办 (乳山 4)
规则 opinion-listed "负面舆情挂牌督办" 优先级 60
  当 事项.标签 包含 "负面舆情"
  则 挂牌督办 事项 期限 15 天 理由 "负面舆情"
规则 overdue-admonish "整改超期30天约谈" 优先级 50
  当 事项.状态 = 整改中 且 事项.超期天数 > 30
  则 约谈 单位负责人 期限 10 天 理由 "整改超期"
`;

const rulesV2 = rulesV1
  .replace('版本 1', '版本 2')
  .replace('期限 15 天 理由 "负面舆情"', '期限 7 天 理由 "负面舆情（第二版）"');

let runtime: TestRuntime;
let campaignId: string;

async function escalations(
  rt: Runtime = runtime,
): Promise<Array<{ stream_id: string; state: string; context: EscalationContext }>> {
  return (await rt.database.dataSource.query(
    `SELECT stream_id, state, snapshot -> 'context' AS context FROM streams WHERE stream_type = 'escalation' ORDER BY created_at, stream_id`,
  )) as Array<{ stream_id: string; state: string; context: EscalationContext }>;
}

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  await runtime.ruleSets.publish(campaignId, rulesV1, supervisor, runtime.clock.now().toISOString());
});
afterAll(() => runtime.database.close());

describe('escalations', () => {
  it('an item event that satisfies a rule issues an escalation in the same command, with provenance', async () => {
    const item = await runtime.engine.create('item', clueInput(campaignId), officer);
    const before = (await escalations()).length;
    const tagged = await runtime.engine.execute(item.streamId, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
    expect(tagged.effects.rules).toEqual([
      expect.objectContaining({
        measure: 'listed_supervision',
        ruleId: 'opinion-listed',
        ruleSetVersion: 1,
        target: { kind: 'item', id: item.streamId },
      }),
    ]);
    const all = await escalations();
    expect(all).toHaveLength(before + 1);
    const record = all[all.length - 1]!;
    expect(record.state).toBe('issued');
    expect(record.context).toMatchObject({
      itemId: item.streamId,
      ruleId: 'opinion-listed',
      ruleSetId: 'test-rules',
      ruleSetVersion: 1,
      trigger: { kind: 'event', streamId: item.streamId, sequence: 2, eventType: 'ADD_TAG' },
      issuedAt: tagged.event.occurredAt,
    });
    const provenance = record.context.provenance as { reads: Array<{ en: string; value: unknown }> };
    expect(provenance.reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: expect.arrayContaining(['negative_public_opinion']) }),
      ]),
    );
    // the escalation's own creation event names the rules as its actor
    const [creation] = await runtime.store.readStream(record.stream_id);
    expect(creation).toMatchObject({ type: 'ISSUE', actorId: 'system:rules', sequence: 1 });
  });

  it('does not issue a second escalation for the same rule and target while one is open', async () => {
    const item = await runtime.engine.create('item', clueInput(campaignId), officer);
    await runtime.engine.execute(item.streamId, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
    const again = await runtime.engine.execute(
      item.streamId,
      { type: 'RECORD_COMPLAINT', receivedAt: '2023-04-10T01:00:00.000Z' },
      officer,
    );
    expect(again.effects.rules).toEqual([]);
    expect((await escalations()).filter((e) => e.context.itemId === item.streamId)).toHaveLength(1);
  });

  it('a rule set that does not compile, fails its examples or is not newer cannot be published', async () => {
    const broken = await runtime.ruleSets
      .publish(
        campaignId,
        rulesV1.replace('挂牌督办 事项', '挂牌 事项').replace('版本 1', '版本 9'),
        supervisor,
        runtime.clock.now().toISOString(),
      )
      .catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(RuleSetRejectedError);
    expect((broken as RuleSetRejectedError).diagnostics[0]).toMatchObject({ range: { line: 5 } });
    const failingExample = `${rulesV1.replace('版本 1', '版本 9')}\n例 "没有标签不督办" 给定 { 事项.状态 = 整改中 } 期望 挂牌督办 事项\n`;
    const example = await runtime.ruleSets
      .publish(campaignId, failingExample, supervisor, runtime.clock.now().toISOString())
      .catch((e: unknown) => e);
    expect(example).toBeInstanceOf(RuleSetRejectedError);
    expect((example as RuleSetRejectedError).diagnostics.map((d) => d.code)).toContain('ZR3001');
    const stale = await runtime.ruleSets
      .publish(campaignId, rulesV1, supervisor, runtime.clock.now().toISOString())
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ZhengzhiError);
    expect((stale as ZhengzhiError).code).toBe('VERSION_CONFLICT');
    expect((await runtime.ruleSets.list(campaignId)).map((r) => r.version)).toEqual([1]);
  });

  it('a new version takes effect from its publication time; earlier escalations keep their version', async () => {
    const campaign = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    await runtime.ruleSets.publish(campaign, rulesV1, supervisor, '2023-04-10T09:00:00.000Z');
    await runtime.ruleSets.publish(campaign, rulesV2, supervisor, '2023-04-20T00:00:00.000Z');
    const early = await runtime.engine.create('item', clueInput(campaign), officer, {
      at: '2023-04-12T00:00:00.000Z',
    });
    const earlyTag = await runtime.engine.execute(
      early.streamId,
      { type: 'ADD_TAG', tag: '负面舆情' },
      officer,
      { at: '2023-04-12T01:00:00.000Z' },
    );
    const late = await runtime.engine.create('item', clueInput(campaign), officer, {
      at: '2023-04-21T00:00:00.000Z',
    });
    const lateTag = await runtime.engine.execute(
      late.streamId,
      { type: 'ADD_TAG', tag: '负面舆情' },
      officer,
      { at: '2023-04-21T01:00:00.000Z' },
    );
    expect(earlyTag.effects.rules).toEqual([
      expect.objectContaining({ ruleSetVersion: 1, respondBy: '2023-04-27T01:00:00.000Z' }),
    ]);
    expect(lateTag.effects.rules).toEqual([
      expect.objectContaining({
        ruleSetVersion: 2,
        respondBy: '2023-04-28T01:00:00.000Z',
        reason: '负面舆情（第二版）',
      }),
    ]);
    const stored = (await escalations()).filter((e) => e.context.campaignId === campaign);
    expect(stored.map((e) => e.context.ruleSetVersion)).toEqual([1, 2]);
  });

  it('a referral stays open until its outcome is recorded; listed supervision needs a follow-up before it is lifted', async () => {
    const item = await runtime.engine.create('item', clueInput(campaignId), officer);
    const tagged = await runtime.engine.execute(item.streamId, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
    const id = (tagged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    await expect(runtime.engine.execute(id, { type: 'LIFT', reason: '已整改' }, supervisor)).rejects.toThrow(
      /at least one follow-up/,
    );
    await runtime.engine.execute(id, { type: 'ACKNOWLEDGE' }, officer);
    await runtime.engine.execute(id, { type: 'RECORD_FOLLOW_UP', note: '督办组现场核查' }, supervisor);
    const lifted = await runtime.engine.execute(id, { type: 'LIFT', reason: '已整改到位' }, supervisor);
    expect(lifted.state).toBe('lifted');
    await expect(runtime.engine.execute(id, { type: 'RESPOND', response: 'x' }, officer)).rejects.toThrow(
      /final state lifted/,
    );
  });
});

describe('the durable scheduler', () => {
  it('fires a rectification deadline once with two schedulers on separate connections, then the clock sweep escalates', async () => {
    const campaign = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    await runtime.ruleSets.publish(campaign, rulesV1, supervisor, runtime.clock.now().toISOString());
    const itemId = await itemInRectification(runtime, campaign); // deadline 2023-08-01
    const second: { database: Database; runtime: Runtime } | null = runtime.databaseUrl
      ? await (async () => {
          const database = await openDatabase({ url: runtime.databaseUrl!, migrate: false });
          return {
            database,
            runtime: createRuntime(database, { clock: runtime.clock, schedulerName: 'second' }),
          };
        })()
      : null;
    try {
      runtime.clock.set('2023-08-02T00:00:00.000Z');
      const otherScheduler =
        second?.runtime.scheduler ??
        createRuntime(runtime.database, { clock: runtime.clock, schedulerName: 'second' }).scheduler;
      const [a, b] = await Promise.all([runtime.scheduler.tick(), otherScheduler.tick()]);
      const overdueFirings = [...a, ...b].filter(
        (j) => j.kind === 'RECTIFICATION_OVERDUE' && j.streamId === itemId,
      );
      expect(overdueFirings).toEqual([expect.objectContaining({ status: 'done' })]);
      const events = await runtime.store.readStream(itemId);
      expect(events.filter((e) => e.type === 'RECTIFICATION_OVERDUE')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({
        type: 'RECTIFICATION_OVERDUE',
        actorId: 'system:scheduler',
        occurredAt: '2023-08-02T00:00:00.000Z',
      });
      expect((await runtime.store.loadStream(itemId))!.overdue).toBe(true);
      // Nothing is due twice.
      expect((await runtime.scheduler.tick()).filter((j) => j.streamId === itemId)).toEqual([]);
      // 31 days later the daily sweep sees 31 days overdue and issues 约谈 to the unit leader, once.
      runtime.clock.set('2023-09-02T16:30:00.000Z');
      const [c, d] = await Promise.all([runtime.scheduler.tick(), otherScheduler.tick()]);
      const sweeps = [...c, ...d].filter((j) => j.kind === 'RULE_SWEEP' && j.streamId === campaign);
      expect(sweeps.length).toBeGreaterThan(0);
      const issued = (await escalations()).filter((e) => e.context.itemId === itemId);
      expect(issued).toEqual([
        expect.objectContaining({
          context: expect.objectContaining({
            measure: 'admonish',
            ruleId: 'overdue-admonish',
            trigger: expect.objectContaining({ kind: 'clock' }),
          }),
        }),
      ]);
    } finally {
      await second?.database.close();
    }
  });

  it('a deadline job whose deadline changed is skipped with the reason', async () => {
    const campaign = (
      await runtime.engine.create('campaign', { ...campaignInput, deadlines: {} }, supervisor)
    ).streamId;
    runtime.clock.set('2023-04-10T09:00:00.000Z');
    const itemId = await itemInRectification(runtime, campaign);
    await runtime.engine.execute(
      itemId,
      { type: 'EXTEND_DEADLINE', deadline: '2023-12-01T00:00:00.000Z', reason: '跨部门' },
      officer,
    );
    runtime.clock.set('2023-08-02T00:00:00.000Z');
    const fired = (await runtime.scheduler.tick()).filter(
      (j) => j.streamId === itemId && j.kind === 'RECTIFICATION_OVERDUE',
    );
    expect(fired).toEqual([
      expect.objectContaining({
        kind: 'RECTIFICATION_OVERDUE',
        status: 'skipped',
        outcome: expect.stringMatching(/deadline has changed/),
      }),
    ]);
    expect((await runtime.store.loadStream(itemId))!.overdue).toBe(false);
  });

  it('fires report due instants; a unit that did not report is criticised at the due instant, citing it; the sweep adds no second record', async () => {
    runtime.clock.set('2023-04-01T00:00:00.000Z');
    const campaign = (
      await runtime.engine.create('campaign', { ...campaignInput, deadlines: {} }, supervisor)
    ).streamId;
    const lyingFlat = `规则集 report-rules 版本 1
规则 missed-report-criticise "漏报通报批评" 优先级 40
  当 单位.漏报次数 >= 1
  则 通报批评 单位 期限 5 天 理由 "未按时报送"
`;
    await runtime.ruleSets.publish(campaign, lyingFlat, supervisor, '2023-04-01T00:00:00.000Z');
    await runtime.engine.execute(
      campaign,
      {
        type: 'SET_REPORTING',
        cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
        unitIds: ['xn-county-hz', 'xn-county-dt'],
      },
      supervisor,
    );
    await runtime.engine.execute(
      campaign,
      { type: 'SUBMIT_REPORT', unitId: 'xn-county-dt', dueAt: '2023-04-08T10:00:00.000Z' },
      supervisor,
    );
    const item = await runtime.engine.create('item', clueInput(campaign), officer);
    runtime.clock.set('2023-04-08T10:00:00.000Z');
    const fired = (await runtime.scheduler.tick()).filter(
      (j) => j.streamId === campaign && j.kind === 'REPORT_DUE',
    );
    expect(fired).toEqual([expect.objectContaining({ status: 'done', dueAt: '2023-04-08T10:00:00.000Z' })]);
    const context = (await runtime.store.loadStream(campaign))!.snapshot.context as {
      missedReports: Record<string, number>;
    };
    expect(context.missedReports).toEqual({ 'xn-county-hz': 1 });
    // The unit is a rule subject of its own at the due instant (issue 10 point 5): no item needed.
    const atDue = (await escalations()).filter((e) => e.context.campaignId === campaign);
    expect(atDue.map((e) => [e.context.measure, e.context.itemId, e.context.target])).toEqual([
      ['circulate_criticism', null, { kind: 'unit', id: 'xn-county-hz' }],
    ]);
    expect((atDue[0]!.context.provenance as { missedReportDues: string[] }).missedReportDues).toEqual([
      '2023-04-08T10:00:00.000Z',
    ]);
    runtime.clock.set('2023-04-08T16:00:00.000Z');
    await runtime.scheduler.tick();
    // The sweep finds the same rule firing for the unit's item: an occurrence of the open record, not a second one.
    const issued = (await escalations()).filter((e) => e.context.campaignId === campaign);
    expect(issued).toHaveLength(1);
    expect(issued[0]!.context.occurrences?.map((o) => o.itemId)).toEqual([item.streamId]);
  });

  it('the scheduler loop that `serve` runs fires what is due on its first pass and stops cleanly', async () => {
    runtime.clock.set('2023-04-10T09:00:00.000Z');
    const campaign = (
      await runtime.engine.create('campaign', { ...campaignInput, deadlines: {} }, supervisor)
    ).streamId;
    const itemId = await itemInRectification(runtime, campaign);
    runtime.clock.set('2023-08-02T00:00:00.000Z');
    const fired: string[] = [];
    const loop = startSchedulerLoop(runtime.scheduler, 60_000, {
      fired: (jobs) => fired.push(...jobs.map((j) => `${j.kind} ${j.streamId}`)),
    });
    await loop.stop();
    expect(fired).toContain(`RECTIFICATION_OVERDUE ${itemId}`);
    expect((await runtime.store.loadStream(itemId))!.overdue).toBe(true);
  });
});
