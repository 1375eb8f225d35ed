import { RULES_ACTOR_ID } from '../../src/escalation/issuer';
import { SCHEDULER_ACTOR_ID } from '../../src/escalation/scheduler';
import { simulate, type HistoryEvent, type SimulationInput } from '../../src/escalation/simulation';
import { buildSimulationReport } from '../../src/escalation/simulation-report';
import { startItem, stepItem, type ItemReplayState } from '../../src/machines/item-stepper';
import type { ItemInput } from '../../src/machines/item-types';
import { currentDefinition } from '../../src/machines/registry';
import { compileRuleSet, type RuleSet } from '../../src/rules';

/**
 * The simulation's shortcuts (cached facts, outcomes not decided again when the same rules hold on an
 * unchanged item) must be exact: over a generated campaign — a few thousand items in every state, complaints
 * in and out of windows, tags, rejections, phases, escalations recorded by another rule set with some lifted
 * and some stepped up — the report equals the one of the exhaustive path, which decides every evaluation in
 * full as the live issuer does.
 */

const ITEMS = Number(process.env.GEN_ITEMS ?? 1_200);
const UNITS = 20;
const DAY = 86_400_000;
const T0 = Date.parse('2023-04-10T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const VERSION = currentDefinition('item').version;
const CAMPAIGN = 'campaign-generated';

const RECORDED_RULES = `规则集 gen-recorded 版本 1
规则 listed "负面舆情挂牌" 优先级 80 当 事项.标签 包含 "负面舆情" 且 事项.状态 不属于 [已销号, 已查否] 则 挂牌督办 事项 期限 15 天
规则 complaints "频繁投诉" 优先级 80 当 事项.投诉数(30 天) >= 2 则 挂牌督办 事项 期限 15 天
规则 remind "超期提醒" 优先级 20 当 事项.状态 = 整改中 且 事项.超期天数 > 0 则 提醒 责任人 期限 7 天
规则 admonish "超期约谈" 优先级 50 当 事项.状态 = 整改中 且 事项.超期天数 > 10 则 约谈 单位负责人 期限 10 天
规则 verify "核查缓慢" 优先级 10 当 事项.状态 = 核查中 且 事项.停留天数 > 15 则 提醒 事项
`;

/** A candidate reading every kind of fact: day counts, durations, windows, units, history, campaign, tags. */
const CANDIDATE_RULES = `规则集 gen-candidate 版本 2
规则 listed "负面舆情挂牌" 优先级 80 当 事项.标签 包含 "负面舆情" 且 事项.状态 不属于 [已销号, 已查否] 则 挂牌督办 事项 期限 15 天
规则 complaints "频繁投诉" 优先级 80 当 事项.投诉数(20 天) >= 2 则 挂牌督办 事项 期限 15 天
规则 remind "超期提醒" 优先级 20 当 事项.状态 = 整改中 且 事项.超期天数 > 2 则 提醒 责任人 期限 7 天
规则 admonish "超期约谈" 优先级 50 当 事项.状态 = 整改中 且 事项.超期 > 1 周 + 1 天 则 约谈 单位负责人 期限 10 天
规则 again "约谈后仍超期" 优先级 60 当 已采取(约谈) 且 距上次(约谈) > 6 天 且 事项.超期天数 > 0 则 追责问责 单位负责人
规则 verify "核查缓慢" 优先级 10 当 事项.状态 = 核查中 且 事项.停留天数 > 12 则 提醒 事项
规则 unit-lazy "躺平单位" 优先级 40 当 单位.超期率 > 0.2 且 单位.在办数 >= 5 则 通报批评 单位
规则 unit-complaints "单位投诉多" 优先级 30 当 单位.投诉数(7 天) >= 5 则 函询 单位负责人
规则 rejected "退回两次" 优先级 60 当 事项.验收退回次数 >= 2 则 追责问责 责任人
规则 exempt "首次轻微免罚" 优先级 100 当 事项.标签 包含 "首次轻微" 且 事项.严重程度 = 轻微 则 免除 责任人 理由 "免罚清单"
规则 phase "阶段临近截止" 优先级 30 当 行动.阶段 = 集中整治 且 行动.距阶段截止天数 < 10 且 事项.状态 = 整改中 则 函询 单位负责人
规则 waiting "待验收超时" 优先级 10 当 事项.状态 = 待验收 且 事项.停留天数 > 4 则 提醒 事项
规则 long "长期超期" 优先级 5 当 事项.超期天数 > 25 且 非 事项.长期推进 则 标记 "长期未结"
`;

function compiled(source: string): RuleSet {
  const result = compileRuleSet(source, 'generated.rules');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.ruleSet;
}

interface Planned {
  day: number;
  type: string;
  payload: Record<string, unknown>;
  actor?: string;
}

const severities = ['minor', 'general', 'serious'];

/** What happens to item i after registration, by day offset. */
function plan(i: number): Planned[] {
  const unit = `gen-u${i % UNITS}`;
  const deadline = iso(T0 + ((i % 30) + 12 + (i % 9)) * DAY);
  const events: Planned[] = [
    {
      day: 1,
      type: 'ASSIGN_VERIFICATION',
      payload: { unitId: unit, officerId: `officer-${i % 4}`, deadline: iso(T0 + ((i % 30) + 10) * DAY) },
    },
  ];
  if (i % 17 === 0) return events; // stays in verification
  events.push(
    {
      day: 3 + (i % 4),
      type: 'CONFIRM',
      payload: {
        category: 'non_standard',
        severity: severities[i % 3],
        findings: `查实 ${i}`,
        checklistItem: null,
      },
    },
    {
      day: 7,
      type: 'START_RECTIFICATION',
      payload: {
        manifestation: '随意拦车',
        measures: '开展培训',
        responsibleUnitId: unit,
        responsiblePerson: `person-${i % 50}`,
        deadline,
      },
    },
  );
  if (i % 7 === 0)
    events.push({ day: 8, type: 'ADD_TAG', payload: { tag: i % 14 === 0 ? '负面舆情' : '首次轻微' } });
  for (const day of i % 5 === 0 ? [9, 11, 30] : i % 3 === 0 ? [10] : [])
    events.push({
      day,
      type: 'RECORD_COMPLAINT',
      payload: { receivedAt: iso(T0 + ((i % 30) + day) * DAY - 5_000), note: '投诉' },
    });
  const late = i % 3 !== 1;
  if (late)
    events.push({
      day: (i % 30) + 12 + (i % 9) - (i % 30) + 1,
      type: 'RECTIFICATION_OVERDUE',
      payload: { deadline },
      actor: SCHEDULER_ACTOR_ID,
    });
  if (i % 19 === 0) return events; // stays in rectification
  let day = late ? 40 + (i % 11) : 18;
  events.push({ day, type: 'SUBMIT_FOR_ACCEPTANCE', payload: { result: '已整改', evidence: ['报告.pdf'] } });
  for (let r = 0; r < (i % 13 === 0 ? 2 : i % 4 === 0 ? 1 : 0); r++) {
    events.push({ day: day + 2, type: 'REJECT', payload: { reason: '证据不足' } });
    day += 4;
    events.push({
      day,
      type: 'SUBMIT_FOR_ACCEPTANCE',
      payload: { result: '已整改', evidence: ['报告2.pdf'] },
    });
  }
  if (i % 23 !== 0) events.push({ day: day + 6, type: 'ACCEPT', payload: { note: '销号' } });
  return events.sort((a, b) => a.day - b.day);
}

/** The items' and the campaign's events in time order (at distinct instants), positions unassigned. */
function itemHistory(): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  const push = (
    streamId: string,
    streamType: string,
    sequence: number,
    type: string,
    payload: Record<string, unknown>,
    actorId: string,
    at: number,
  ) =>
    out.push({
      position: 0,
      streamId,
      streamType,
      sequence,
      type,
      payload: { ...payload, at: iso(at) },
      actorId,
      occurredAt: iso(at),
      machineVersion: VERSION,
    });
  const campaignAt = T0 - DAY;
  out.push({
    position: 0,
    streamId: CAMPAIGN,
    streamType: 'campaign',
    sequence: 1,
    type: 'CREATE',
    payload: {
      campaignId: CAMPAIGN,
      name: '生成的专项行动',
      unitId: 'gen-city',
      categories: [{ code: 'non_standard', label: '执法不规范' }],
      deadlines: { mobilize: iso(T0 + 10 * DAY), identify: iso(T0 + 25 * DAY), rectify: iso(T0 + 50 * DAY) },
      obligations: [],
      at: iso(campaignAt),
    },
    actorId: 'gen',
    occurredAt: iso(campaignAt),
    machineVersion: currentDefinition('campaign').version,
  });
  let campaignSequence = 1;
  for (const day of [9, 24])
    push(
      CAMPAIGN,
      'campaign',
      ++campaignSequence,
      'ADVANCE_PHASE',
      { unresolvedItems: 0 },
      'gen',
      T0 + day * DAY + 7_200_000,
    );
  const states: ItemReplayState[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const streamId = `item-${String(i).padStart(5, '0')}`;
    const registered = T0 + (i % 30) * DAY + 3_600_000 + i * 1_000;
    const input = {
      itemId: streamId,
      campaignId: CAMPAIGN,
      reportedUnitId: `gen-u${i % UNITS}`,
      source: i % 10 === 0 ? 'media' : 'hotline12328',
      description: `线索 ${i}`,
      receivedAt: iso(registered),
    };
    push(streamId, 'item', 1, 'REGISTER', input, 'gen', registered);
    states[i] = startItem({ ...input, at: iso(registered) } as ItemInput, VERSION);
    plan(i).forEach((p, n) => {
      const at = registered + p.day * DAY + n;
      // Steps the state as the machine would, so a plan the machine refuses fails here, not in the simulation.
      states[i] = stepItem(states[i]!, {
        type: p.type,
        payload: { ...p.payload, at: iso(at) },
        machineVersion: VERSION,
      });
      push(streamId, 'item', n + 2, p.type, p.payload, p.actor ?? 'gen', at);
    });
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** Cadence sweeps (00:00 CST) over the whole campaign, as the scheduler would have run them. */
const NO_SWEEPS: SimulationInput['recordedSweeps'] = [];

async function run(ruleSet: RuleSet, events: HistoryEvent[], extra: Partial<SimulationInput>) {
  const batches = async function* () {
    for (let i = 0; i < events.length; i += 1_000) yield events.slice(i, i + 1_000);
  };
  const outcome = await simulate({
    campaignId: CAMPAIGN,
    ruleSet,
    history: batches(),
    recordedSweeps: NO_SWEEPS,
    from: null,
    to: null,
    ...extra,
  });
  return buildSimulationReport(outcome, {
    candidate: {
      ruleSetId: ruleSet.id,
      version: ruleSet.version,
      ruleCount: ruleSet.rules.length,
      fileName: 'x',
      sourceSha256: '',
    },
    published: [],
  });
}

/**
 * The recorded history: the items' events with the escalations the recorded rules issued (simulated
 * exhaustively over the bare history), every third lifted two days later and every fifth stepped up.
 */
async function recordedHistory(): Promise<{ events: HistoryEvent[]; triggers: Set<string> }> {
  const bare = itemHistory();
  const recorded = await run(compiled(RECORDED_RULES), bare, { exhaustive: true });
  const escalations: HistoryEvent[] = [];
  const triggers = new Set<string>();
  recorded.added.forEach((e, n) => {
    const streamId = `escalation-${n}`;
    const issuedAt = Date.parse(e.issuedAt);
    const trigger = e.trigger as { kind: string; tick?: string; streamId?: string; sequence?: number };
    triggers.add(
      `${e.itemId}|${trigger.kind === 'clock' ? `c:${iso(Date.parse(trigger.tick!))}` : `e:${trigger.streamId}:${trigger.sequence}`}`,
    );
    const base = { position: 0, streamId, streamType: 'escalation', machineVersion: 1 };
    escalations.push({
      ...base,
      sequence: 1,
      type: 'ISSUE',
      payload: {
        campaignId: CAMPAIGN,
        itemId: e.itemId,
        unitId: e.unitId,
        measure: e.measure,
        target: e.target,
        respondBy: e.respondBy,
        reason: e.reason,
        ruleId: e.ruleId,
        ruleTitle: e.ruleTitle,
        ruleSetId: 'gen-recorded',
        ruleSetVersion: 1,
        trigger: e.trigger,
        at: e.issuedAt,
      },
      actorId: RULES_ACTOR_ID,
      occurredAt: e.issuedAt,
    });
    if (n % 3 === 0 || n % 5 === 0) {
      const at = iso(issuedAt + 2 * DAY + 1_000);
      const type = n % 3 === 0 ? 'LIFT' : 'STEP_UP';
      escalations.push({
        ...base,
        sequence: 2,
        type,
        payload: { at },
        actorId: 'supervisor',
        occurredAt: at,
      });
    }
  });
  // Stable: at one instant the item event comes first, then the escalations it caused.
  const events = [...bare, ...escalations].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  events.forEach((e, n) => (e.position = n + 1));
  return { events, triggers };
}

describe('what-if simulation shortcuts are exact', () => {
  let history: { events: HistoryEvent[]; triggers: Set<string> };
  beforeAll(async () => {
    history = await recordedHistory();
  }, 120_000);

  it('generates a campaign with recorded escalations, lifted and stepped up', () => {
    const types = new Set(history.events.map((e) => `${e.streamType}:${e.type}`));
    for (const type of [
      'escalation:ISSUE',
      'escalation:LIFT',
      'escalation:STEP_UP',
      'item:REJECT',
      'item:RECORD_COMPLAINT',
      'campaign:ADVANCE_PHASE',
    ])
      expect(types.has(type)).toBe(true);
    expect(history.triggers.size).toBeGreaterThan(300);
  });

  it.each([
    ['a candidate reading every kind of fact', CANDIDATE_RULES, null],
    ['the recorded rule set itself', RECORDED_RULES, null],
    ['a candidate over a window starting mid-campaign', CANDIDATE_RULES, iso(T0 + 35 * DAY)],
  ])(
    '%s: the same report as deciding every evaluation in full',
    async (_name, source, from) => {
      const ruleSet = compiled(source);
      const input = { recordedIssueTriggers: history.triggers, from };
      const fast = await run(ruleSet, history.events, input);
      const full = await run(ruleSet, history.events, { ...input, exhaustive: true });
      expect(fast.evaluated.evaluations).toBeGreaterThan(20_000);
      expect(fast.summary.added + fast.summary.removed + fast.summary.unchanged).toBeGreaterThan(100);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
    },
    120_000,
  );

  it('the recorded rule set over its own recorded history (nothing lifted) reports no difference', async () => {
    const unlifted = history.events.filter((e) => e.streamType !== 'escalation' || e.sequence === 1);
    const report = await run(compiled(RECORDED_RULES), unlifted, { recordedIssueTriggers: history.triggers });
    expect(report.summary.identical).toBe(true);
  }, 120_000);
});
