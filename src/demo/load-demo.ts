import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Runtime } from '../runtime/runtime';
import type { Actor } from '../engine/engine';
import { campaignTemplates } from '../machines/campaign-templates';
import { CADENCE_PRESETS } from '../machines/reporting-cadence';
import { demoItems, type DemoItem } from './demo-items';
import { xiningChecklist } from './xining-checklist';
import { hashPassword, type PasswordHashing } from '../api/auth/passwords';
import { labelOf } from '../vocabulary/labels';

/** The demo logins printed at start-up. Demo data only: a real deployment creates its own users. */
export const demoLogins = {
  password: 'zhengzhi-demo',
  users: [
    {
      id: 'u-supervisor',
      username: 'supervisor',
      displayName: '王督导 (市局法规科)',
      role: 'supervisor',
      unitId: 'xn-city',
      isPrincipal: false,
      description: 'supervisor, 西宁市交通运输局: campaigns and rules for the whole city',
      descriptionZh: '督导，西宁市交通运输局：全市的专项行动和规则',
    },
    {
      id: 'u-officer',
      username: 'officer',
      displayName: '李执法 (湟中区局)',
      role: 'officer',
      unitId: 'xn-hz',
      isPrincipal: false,
      description: 'officer, 湟中区交通运输局: items of 湟中区 and its detachment',
      descriptionZh: '执法人员，湟中区交通运输局：湟中区及其执法大队的问题事项',
    },
    {
      id: 'u-officer-dt',
      username: 'officer.dt',
      displayName: '赵执法 (大通县局)',
      role: 'officer',
      unitId: 'xn-dt',
      isPrincipal: false,
      description: 'officer, 大通县交通运输局: items of 大通县 and its detachment',
      descriptionZh: '执法人员，大通县交通运输局：大通县及其执法大队的问题事项',
    },
    {
      id: 'u-principal',
      username: 'principal',
      displayName: '张局长 (湟中区局主要负责人)',
      role: 'supervisor',
      unitId: 'xn-hz',
      isPrincipal: true,
      description: 'principal leader of 湟中区交通运输局: signs dismissals (查否) there',
      descriptionZh: '湟中区交通运输局主要负责人：签批该局的查否',
    },
    {
      id: 'u-auditor',
      username: 'auditor',
      displayName: '陈督查 (市纪检组)',
      role: 'auditor',
      unitId: 'xn-city',
      isPrincipal: false,
      description: 'auditor, 西宁市交通运输局: reads everything, changes nothing',
      descriptionZh: '督查，西宁市交通运输局：查阅全部记录，不作任何修改',
    },
  ] as const,
};

export type DemoResult =
  | { loaded: true; campaignId: string; items: number; escalations: number }
  | { loaded: false; reason: string };

/** The demo unit tree (city bureau → three county bureaus → a detachment each) and the demo users. */
export async function loadDemoDirectory(
  runtime: Runtime,
  passwordHashing: PasswordHashing = {},
): Promise<void> {
  const { directory } = runtime;
  await directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
  await directory.createUnit({ id: 'xn-hz', name: '湟中区交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({ id: 'xn-dt', name: '大通县交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({ id: 'xn-hy', name: '湟源县交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({
    id: 'xn-hz-det',
    name: '湟中区交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-hz',
  });
  await directory.createUnit({
    id: 'xn-dt-det',
    name: '大通县交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-dt',
  });
  await directory.createUnit({
    id: 'xn-hy-det',
    name: '湟源县交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-hy',
  });
  const passwordHash = await hashPassword(demoLogins.password, passwordHashing);
  for (const user of demoLogins.users) {
    const { description: _d, descriptionZh: _z, ...fields } = user;
    await directory.createUser({ ...fields, passwordHash }, runtime.clock.now());
  }
}

/** Finds `rules/<name>` above this file (it sits at different depths in src/ and dist/). */
export function seedRuleFile(name: string): string | null {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'rules', name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

const DAY = 86_400_000;
const instant = (base: string, days: number, hours = 0) =>
  new Date(new Date(base).getTime() + days * DAY + hours * 3_600_000).toISOString();

/** Who acts for an item of a unit: the county officer (湟源 has none in the demo: the city supervisor acts). */
const actorFor = (unit: DemoItem['unit']): Actor =>
  unit.startsWith('xn-hz')
    ? { userId: 'u-officer', unitId: 'xn-hz' }
    : unit.startsWith('xn-dt')
      ? { userId: 'u-officer-dt', unitId: 'xn-dt' }
      : { userId: 'u-supervisor', unitId: 'xn-city' };
const supervisor: Actor = { userId: 'u-supervisor', unitId: 'xn-city' };
const principal: Actor = { userId: 'u-principal', unitId: 'xn-hz' };
const scheduler: Actor = { userId: 'system:scheduler', unitId: 'xn-city' };

/** The Xining 2023 campaign in its 集中整治 phase, with the seed rules and the demo items driven through the engine. */
async function loadDemoCampaign(
  runtime: Runtime,
): Promise<{ campaignId: string; items: number; escalations: number }> {
  const { engine } = runtime;
  const campaignId = 'xn-2023';
  const template = campaignTemplates['xining-2023']!;
  await engine.create(
    'campaign',
    { ...template, unitId: 'xn-city', checklist: xiningChecklist },
    supervisor,
    { streamId: campaignId, at: '2023-04-10T01:00:00.000Z' },
  );
  const rulesPath = seedRuleFile('xining-2023.rules');
  if (rulesPath)
    await runtime.ruleSets.publish(
      campaignId,
      readFileSync(rulesPath, 'utf8'),
      supervisor,
      '2023-04-12T02:00:00.000Z',
      'xining-2023.rules',
    );
  const campaign = (type: string, at: string, payload: Record<string, unknown> = {}) =>
    engine.execute(campaignId, { type, ...payload }, supervisor, { at });
  let day = 0;
  for (const code of ['task_force', 'work_plan', 'deployment'])
    await campaign('FULFIL_OBLIGATION', instant('2023-04-13T02:00:00Z', day++), { code, note: '已完成' });
  await campaign('ADVANCE_PHASE', '2023-04-20T08:00:00.000Z');

  let escalations = 0;
  const run = async (
    id: string,
    type: string,
    actor: Actor,
    at: string,
    payload: Record<string, unknown> = {},
  ) => {
    const result = await engine.execute(id, { type, ...payload }, actor, { at });
    escalations += (result.effects.rules ?? []).length;
  };
  const ids: string[] = [];
  let listed: { itemId: string; unitId: string } | null = null;
  for (const [index, item] of demoItems.entries()) {
    const actor = actorFor(item.unit);
    const registeredAt = instant('2023-04-21T01:00:00Z', index * 0.5);
    const created = await engine.create(
      'item',
      {
        campaignId,
        reportedUnitId: item.unit,
        source: item.source,
        // 反映渠道: how the clue came in, so that every column of the 线索台账 is filled.
        channel: `${labelOf('channel', item.source)}（第${index + 1}号）`,
        description: item.description,
        receivedAt: instant(registeredAt, -1),
      },
      actor,
      { streamId: `xn-2023-${String(index + 1).padStart(3, '0')}`, at: registeredAt },
    );
    const id = created.streamId;
    ids.push(id);
    if (item.fate === 'registered') continue;
    if (item.fate === 'transferred') {
      await run(id, 'TRANSFER', actor, instant(registeredAt, 1), {
        to: '公安机关',
        reason: '涉嫌违法犯罪，移送公安机关',
      });
      continue;
    }
    await run(id, 'ASSIGN_VERIFICATION', actor, instant(registeredAt, 1), {
      unitId: item.unit,
      officerId: actor.userId,
      deadline: instant(registeredAt, 15),
    });
    if (item.fate === 'verifying') continue;
    if (item.fate === 'dismissalPending' || item.fate === 'dismissed') {
      await run(id, 'PROPOSE_DISMISSAL', actor, instant(registeredAt, 4), {
        reason: '经核查，反映问题不属实',
        handlerId: actor.userId,
      });
      if (item.fate === 'dismissed')
        await run(id, 'APPROVE_DISMISSAL', principal, instant(registeredAt, 5), {
          principalId: principal.userId,
          principalOfUnitId: 'xn-hz',
        });
      continue;
    }
    const confirmed = await engine.execute(
      id,
      {
        type: 'CONFIRM',
        category: item.misfiledAs ?? item.category,
        checklistItem: item.checklistItem,
        severity: 'general',
        findings: `经核查属实：${item.description}`,
      },
      actor,
      { at: instant(registeredAt, 5) },
    );
    escalations += (confirmed.effects.rules ?? []).length;
    if (item.misfiledAs) {
      // 更正: the wrong category is corrected by two more events, the original CONFIRM stays on record.
      await run(id, 'REQUEST_CORRECTION', actor, instant(registeredAt, 6), {
        corrects: confirmed.version,
        targetState: 'confirmed',
        fields: { category: item.category },
        reason: `问题类别录入错误：应为「${labelOf('category', item.category)}」`,
        requestedBy: actor.userId,
      });
      await run(id, 'APPROVE_CORRECTION', principal, instant(registeredAt, 6.5), {
        approvedBy: principal.userId,
        note: '核实无误，同意更正',
      });
    }
  }
  for (const code of ['public_notice', 'self_check', 'case_file_review'])
    await campaign('FULFIL_OBLIGATION', instant('2023-05-06T02:00:00Z', day++), { code, note: '已完成' });
  await campaign('ADVANCE_PHASE', '2023-05-10T08:00:00.000Z');
  await campaign('FULFIL_OBLIGATION', '2023-05-12T02:00:00.000Z', {
    code: 'rectification_ledger',
    note: '已建立整改工作台账',
  });

  for (const [index, item] of demoItems.entries()) {
    if (
      ['registered', 'transferred', 'verifying', 'dismissalPending', 'dismissed', 'confirmed'].includes(
        item.fate,
      )
    )
      continue;
    const id = ids[index]!;
    const actor = actorFor(item.unit);
    const start = instant('2023-05-15T01:00:00Z', index * 0.25);
    const deadline = item.fate === 'overdue' ? '2023-06-15T15:59:59.000Z' : '2023-08-31T15:59:59.000Z';
    await run(id, 'START_RECTIFICATION', actor, start, {
      manifestation: item.description,
      measures: '制定整改方案，开展执法人员培训，建立长效机制',
      responsibleUnitId: item.unit,
      responsiblePerson: '责任科室负责人',
      deadline,
      // 备注, as clerks use it: what the row's other columns do not say.
      ...(item.fate === 'overdue'
        ? { remarks: '群众反映强烈，列入挂牌督办' }
        : item.misfiledAs
          ? { remarks: '问题类别经更正' }
          : {}),
    });
    await run(id, 'RECORD_PROGRESS', actor, instant(start, 10), {
      note: '已完成问题自查和人员培训',
      evidence: ['培训签到表.pdf'],
    });
    if (item.fate === 'overdue') {
      await run(id, 'RECTIFICATION_OVERDUE', scheduler, '2023-06-16T00:00:00.000Z', { deadline });
      await run(id, 'RECORD_PROGRESS', actor, '2023-06-28T02:00:00.000Z', { note: '整改仍在推进' });
      await run(id, 'RECORD_ACCOUNTABILITY', supervisor, '2023-06-30T02:00:00.000Z', {
        accountability: '整改逾期，对责任科室负责人进行约谈提醒',
      });
      if (!listed) listed = { itemId: id, unitId: item.unit };
    } else if (item.fate === 'faked') {
      await run(id, 'ADD_TAG', supervisor, instant(start, 20), { tag: '弄虚作假' });
    } else if (item.fate === 'rejectedTwice') {
      for (const round of [1, 2]) {
        await run(id, 'SUBMIT_FOR_ACCEPTANCE', actor, instant(start, 15 * round), {
          result: `第${round}次报送整改结果`,
          evidence: ['整改照片.jpg'],
        });
        await run(id, 'REJECT', supervisor, instant(start, 15 * round + 2), {
          reason: '整改证据不足，退回继续整改',
        });
      }
    } else if (['awaitingAcceptance', 'closed', 'lookBack'].includes(item.fate)) {
      await run(id, 'SUBMIT_FOR_ACCEPTANCE', actor, instant(start, 20), {
        result: '问题已整改到位',
        evidence: ['整改报告.pdf', '验证材料.pdf'],
      });
      if (item.fate !== 'awaitingAcceptance') {
        await run(id, 'RECORD_ACCOUNTABILITY', supervisor, instant(start, 24), {
          accountability: '对直接责任人进行批评教育，责令书面检查',
        });
        await run(id, 'ACCEPT', supervisor, instant(start, 25), { note: '经验收，同意销号' });
      }
      if (item.fate === 'lookBack')
        await run(id, 'START_LOOK_BACK', supervisor, instant(start, 40), { note: '回头看' });
    }
  }
  escalations += await demoReporting(runtime, campaignId);
  if (listed) escalations += await demoListedSupervision(runtime, campaignId, listed);
  return { campaignId, items: ids.length, escalations };
}

/**
 * 报送: the three counties report on Jiangyuan's seed cadence (每月8日、18日、28日 18:00, seed 003) through June
 * 2023; 湟源县 misses the 18 June report (漏报), which the rules answer with a 函询 (missed-report-inquiry).
 * The cadence ends with June (`until`), so a server started years later has no dues left to catch up on.
 * Each due instant is fired as the scheduler fires it (REPORT_DUE at the instant), through the engine.
 */
async function demoReporting(runtime: Runtime, campaignId: string): Promise<number> {
  const { engine } = runtime;
  const units = ['xn-hz', 'xn-dt', 'xn-hy'] as const;
  await engine.execute(
    campaignId,
    {
      type: 'SET_REPORTING',
      cadence: CADENCE_PRESETS.jiangyuan,
      unitIds: [...units],
      until: '2023-06-30T15:59:59.000Z',
    },
    supervisor,
    { at: '2023-06-01T01:00:00.000Z' },
  );
  let escalations = 0;
  // 18:00 CST on the 8th, 18th and 28th of June 2023.
  for (const dueAt of ['2023-06-08T10:00:00.000Z', '2023-06-18T10:00:00.000Z', '2023-06-28T10:00:00.000Z']) {
    for (const [index, unitId] of units.entries()) {
      if (unitId === 'xn-hy' && dueAt.startsWith('2023-06-18')) continue;
      await engine.execute(campaignId, { type: 'SUBMIT_REPORT', unitId, dueAt }, actorFor(unitId), {
        at: instant(dueAt, 0, -5 + index),
      });
    }
    const fired = await engine.execute(campaignId, { type: 'REPORT_DUE', dueAt }, scheduler, { at: dueAt });
    escalations += (fired.effects.rules ?? []).length;
  }
  return escalations;
}

/**
 * A 挂牌督办 with its follow-up ledger (督办台账): the overdue item is listed for supervision and followed
 * up twice, so that the 督办台账 export has a row with every column filled. Issued as the rules hook would
 * (a clock trigger), through the engine.
 */
async function demoListedSupervision(
  runtime: Runtime,
  campaignId: string,
  listed: { itemId: string; unitId: string },
): Promise<number> {
  const issuedAt = '2023-07-01T01:00:00.000Z';
  const { streamId } = await runtime.engine.create(
    'escalation',
    {
      campaignId,
      itemId: listed.itemId,
      unitId: listed.unitId,
      measure: 'listed_supervision',
      target: { kind: 'unit', id: listed.unitId },
      respondBy: '2023-07-15T15:59:59.000Z',
      reason: '整改逾期且群众反映强烈，挂牌督办，限期办结',
      ruleId: 'demo-listed-supervision',
      ruleTitle: '逾期整改挂牌督办',
      ruleSetId: campaignId,
      ruleSetVersion: 1,
      provenance: null,
      overridden: null,
      trigger: { kind: 'clock', tick: issuedAt },
      stepsUpFrom: null,
    },
    supervisor,
    { streamId: `${campaignId}-listed-001`, at: issuedAt },
  );
  const follow = (note: string, at: string) =>
    runtime.engine.execute(streamId, { type: 'RECORD_FOLLOW_UP', note }, supervisor, { at });
  await follow('督导组实地督办，责任单位已制定整改时间表', '2023-07-05T02:00:00.000Z');
  await follow('整改进度过半，继续跟踪督办', '2023-07-12T02:00:00.000Z');
  return 1;
}

/** Loads the demo into an empty database; leaves a database with any unit in it alone. */
export async function loadDemo(runtime: Runtime, passwordHashing: PasswordHashing = {}): Promise<DemoResult> {
  const rows = (await runtime.database.dataSource.query('SELECT count(*) AS n FROM units')) as Array<{
    n: string | number;
  }>;
  if (Number(rows[0]?.n ?? 0) > 0) return { loaded: false, reason: 'the database is not empty' };
  await loadDemoDirectory(runtime, passwordHashing);
  const campaign = await loadDemoCampaign(runtime);
  return { loaded: true, ...campaign };
}
