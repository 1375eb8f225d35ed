import {
  createTestRuntime,
  campaignInput,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';
import { writeGoldenFixture } from '../support/golden';

/** Records the golden replay fixture when RECORD_GOLDEN=1; otherwise a no-op check that the recorder still runs. */
const record = process.env.RECORD_GOLDEN === '1';

test('the golden fixture recorder drives a full item life, a campaign and an escalation', async () => {
  const runtime = await createTestRuntime();
  try {
    const { engine, store } = runtime;
    const campaign = (await engine.create('campaign', { ...campaignInput, obligations: [] }, supervisor))
      .streamId;
    await runtime.ruleSets.publish(
      campaign,
      `规则集 golden 版本 1\n规则 opinion "负面舆情挂牌督办" 优先级 60 当 事项.标签 包含 "负面舆情" 则 挂牌督办 事项 期限 15 天 理由 "负面舆情"\n`,
      supervisor,
      runtime.clock.now().toISOString(),
    );
    const item = await itemInRectification(runtime, campaign);
    const tagged = await engine.execute(item, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
    const escalation = (tagged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    await engine.execute(escalation, { type: 'ACKNOWLEDGE' }, officer);
    await engine.execute(item, { type: 'RECORD_PROGRESS', note: '培训', evidence: ['a.pdf'] }, officer);
    await engine.execute(
      item,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '完成', evidence: ['b.pdf'] },
      officer,
    );
    await engine.execute(item, { type: 'REJECT', reason: '证据不足' }, supervisor);
    await engine.execute(
      item,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '完成', evidence: ['c.pdf'] },
      officer,
    );
    await engine.execute(item, { type: 'ACCEPT' }, supervisor);
    await engine.execute(item, { type: 'START_LOOK_BACK' }, supervisor);
    await engine.execute(item, { type: 'REBOUND', note: '反弹' }, supervisor);
    await engine.execute(
      item,
      { type: 'RESUME_RECTIFICATION', deadline: '2023-12-01T00:00:00.000Z' },
      officer,
    );
    await engine.execute(campaign, { type: 'ADVANCE_PHASE' }, supervisor);
    const streams = await Promise.all(
      [item, campaign, escalation].map(async (id) => {
        const head = (await store.loadStream(id))!;
        return { streamType: head.streamType, events: await store.readStream(id), snapshot: head.snapshot };
      }),
    );
    expect(streams.map((s) => s.snapshot && (s.snapshot as { value: string }).value)).toEqual([
      'rectifying',
      'identify',
      'acknowledged',
    ]);
    if (record) writeGoldenFixture(streams);
  } finally {
    await runtime.database.close();
  }
});
