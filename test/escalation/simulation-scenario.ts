import type { Runtime } from '../../src/runtime/runtime';
import type { ManualClock } from '../../src/shared/clock';
import { campaignInput, clueInput, officer, supervisor } from '../support/fixtures';

/**
 * A recorded campaign for the what-if simulation tests, built through the engine with a fake clock and the
 * real scheduler ticking at 00:00 CST (16:00 UTC) — daily from 2023-04-30 — as `zhengzhi serve` would:
 * - items A (湟中区), B (大通县), C (湟中区执法大队) in rectification with the deadline 2023-05-01;
 *   A is submitted 16 days overdue, C 7 days overdue, B stays overdue;
 * - D gets the tag 负面舆情 by command (an escalation triggered by an event);
 * - the first overdue reminder on A is lifted by the supervisor, so the rules remind again the next day.
 */
export const SIM_RULES_V1 = `规则集 sim-rules 版本 1
规则 opinion-listed "负面舆情挂牌督办" 优先级 60
  当 事项.标签 包含 "负面舆情"
  则 挂牌督办 事项 期限 15 天 理由 "负面舆情"
规则 overdue-admonish "整改超期10天约谈" 优先级 50
  当 事项.状态 = 整改中 且 事项.超期天数 > 10
  则 约谈 单位负责人 期限 10 天 理由 "整改超期"
规则 overdue-remind "整改超期提醒" 优先级 40
  当 事项.状态 = 整改中 且 事项.超期天数 > 0
  则 提醒 责任人 期限 5 天 理由 "整改超期"
`;

/** The same rules with the admonishment threshold moved: `> 10` days becomes `> days`. */
export const withAdmonishThreshold = (days: number): string =>
  SIM_RULES_V1.replace('版本 1', '版本 2').replace('事项.超期天数 > 10', `事项.超期天数 > ${days}`);

const DAY = 86_400_000;
const sweepAt = (date: string) => `${date}T16:00:00.000Z`;

export interface RecordedCampaign {
  campaignId: string;
  items: { a: string; b: string; c: string; d: string };
}

async function inRectification(
  runtime: Runtime,
  campaignId: string,
  unitId: string,
  person: string,
): Promise<string> {
  const { engine } = runtime;
  const item = await engine.create('item', { ...clueInput(campaignId), reportedUnitId: unitId }, officer);
  const id = item.streamId;
  await engine.execute(
    id,
    { type: 'ASSIGN_VERIFICATION', unitId, officerId: 'u-officer', deadline: '2023-04-25T00:00:00.000Z' },
    officer,
  );
  await engine.execute(
    id,
    { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实', checklistItem: 2 },
    officer,
  );
  await engine.execute(
    id,
    {
      type: 'START_RECTIFICATION',
      manifestation: '随意拦车',
      measures: '开展培训',
      responsibleUnitId: unitId,
      responsiblePerson: person,
      deadline: '2023-05-01T00:00:00.000Z',
    },
    officer,
  );
  return id;
}

/** Builds the campaign; the clock ends at 2023-05-25 16:00 UTC. */
export async function recordCampaign(
  runtime: Runtime & { clock: ManualClock },
  rules = SIM_RULES_V1,
): Promise<RecordedCampaign> {
  const { engine, clock, scheduler } = runtime;
  clock.set('2023-04-10T09:00:00.000Z');
  const campaignId = (await engine.create('campaign', campaignInput, supervisor)).streamId;
  await runtime.ruleSets.publish(campaignId, rules, supervisor, clock.now().toISOString());
  const a = await inRectification(runtime, campaignId, 'xn-county-hz', '张三');
  const b = await inRectification(runtime, campaignId, 'xn-county-dt', '李四');
  const c = await inRectification(runtime, campaignId, 'xn-hz-det', '王五');
  const d = (await engine.create('item', clueInput(campaignId), officer)).streamId;
  const actions: Record<string, () => Promise<unknown>> = {
    '2023-04-20': () => engine.execute(d, { type: 'ADD_TAG', tag: '负面舆情' }, officer),
    '2023-05-05': async () => {
      const [remind] = (await runtime.database.dataSource.query(
        `SELECT stream_id FROM streams WHERE stream_type = 'escalation' AND snapshot #>> '{context,itemId}' = $1
            AND snapshot #>> '{context,ruleId}' = 'overdue-remind'`,
        [a],
      )) as Array<{ stream_id: string }>;
      await engine.execute(remind!.stream_id, { type: 'LIFT', reason: '已督促整改' }, supervisor);
    },
    '2023-05-08': () => submit(c),
    '2023-05-17': () => submit(a),
  };
  const submit = (id: string) =>
    engine.execute(
      id,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['整改报告.pdf'] },
      officer,
    );
  // Daily sweeps where something changes (the first days only carry the tag, so a few ticks cover them).
  const days = ['2023-04-10', '2023-04-20'];
  for (let t = Date.parse('2023-04-30T00:00:00.000Z'); t <= Date.parse('2023-05-25T00:00:00.000Z'); t += DAY)
    days.push(new Date(t).toISOString().slice(0, 10));
  for (const date of days) {
    const action = actions[date];
    if (action) {
      clock.set(`${date}T02:00:00.000Z`);
      await action();
    }
    clock.set(sweepAt(date));
    await scheduler.tick();
  }
  return { campaignId, items: { a, b, c, d } };
}
