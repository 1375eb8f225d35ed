import { explainEscalation } from '../../src/audit/explain';
import { checkSnapshots } from '../../src/audit/replay-check';
import { timeline } from '../../src/audit/timeline';
import { verifyDatabase } from '../../src/audit/verify';
import { campaignInput, clueInput, createTestRuntime, officer, supervisor } from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

const rulesV1 = `规则集 audit-rules 版本 1
规则 opinion-listed "负面舆情挂牌督办" 优先级 60
  当 事项.标签 包含 "负面舆情"
  则 挂牌督办 事项 期限 15 天 理由 "负面舆情"
`;
const rulesV2 = rulesV1
  .replace('版本 1', '版本 2')
  .replace('期限 15 天 理由 "负面舆情"', '期限 7 天 理由 "负面舆情（第二版）"');

let runtime: TestRuntime;
let campaignId: string;
let before: string;
let after: string;

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  await runtime.ruleSets.publish(campaignId, rulesV1, supervisor, runtime.clock.now().toISOString());
  before = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
  await runtime.engine.execute(before, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
  runtime.clock.advance(60_000);
  await runtime.ruleSets.publish(campaignId, rulesV2, supervisor, runtime.clock.now().toISOString());
  after = (await runtime.engine.create('item', clueInput(campaignId), officer)).streamId;
  await runtime.engine.execute(after, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
});
afterAll(() => runtime.database.close());

describe('escalations in the audit trail on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('after a rule-set change, the timeline shows the escalation recorded at the time, with its rule-set version', async () => {
    const old = await timeline(runtime.database, before);
    expect(
      old.entries.map((e) => [
        e.sequence,
        e.type,
        e.escalations.map((x) => [x.ruleId, x.ruleSetId, x.ruleSetVersion, x.measure]),
      ]),
    ).toEqual([
      [1, 'REGISTER', []],
      [2, 'ADD_TAG', [['opinion-listed', 'audit-rules', 1, 'listed_supervision']]],
    ]);
    const fresh = await timeline(runtime.database, after);
    expect(fresh.entries[1]!.escalations.map((x) => x.ruleSetVersion)).toEqual([2]);
  });

  it('replaying every stream — items, campaign and escalations — reproduces the stored snapshots', async () => {
    const check = await checkSnapshots(runtime.database);
    expect(check.findings).toEqual([]);
    expect(check.streams).toBe(5);
    expect((await verifyDatabase(runtime.database, { campaignId })).findings).toEqual([]);
  });

  it('explains an escalation: rule text and version, facts with values, conditions that held, the trigger', async () => {
    const old = await timeline(runtime.database, before);
    const escalationId = old.entries[1]!.escalations[0]!.escalationId;
    const why = await explainEscalation(runtime.database, escalationId);
    expect(why).toMatchObject({
      streamType: 'escalation',
      measure: 'listed_supervision',
      reason: '负面舆情',
      rule: { id: 'opinion-listed', title: '负面舆情挂牌督办', ruleSetId: 'audit-rules', ruleSetVersion: 1 },
      trigger: { kind: 'event', streamId: before, sequence: 2, eventType: 'ADD_TAG' },
    });
    expect(why.rule.text).toContain('事项.标签 包含 "负面舆情"');
    expect(why.rule.text).not.toContain('第二版');
    expect(why.facts).toEqual([
      expect.objectContaining({ value: expect.arrayContaining(['negative_public_opinion']) }),
    ]);
    expect(why.conditions).toEqual([
      expect.objectContaining({ depth: 0, holds: true, text: expect.stringContaining('包含 "负面舆情"') }),
    ]);
    expect(why.waitingFor.length).toBeGreaterThan(0);
  });
});
