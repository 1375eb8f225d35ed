import type { EscalationContext } from '../../src/machines/escalation-types';
import type { ItemContext } from '../../src/machines/item-types';
import { createXiningCampaign, startApi, type ApiHarness } from '../api/support';

/**
 * Issue 17: no escalation decision leaves no trace. Two rebounds in one 大队 are both recorded; a lighter
 * measure is not issued to a target under a heavier open one (and that is recorded); a suppression
 * (容错免责) is recorded on its item and flags an earlier escalation for a supervisor's decision; complaints
 * across a unit's items are a rule fact with an English provenance label.
 */
const rules = `规则集 decision-traces 版本 1
规则 rebound-admonish "问题反弹：约谈单位负责人" 优先级 60
  当 事项.状态 = 已重启
  则 约谈 单位负责人 期限 10 天 理由 "问题反弹"
规则 urge-inquiry "督促：函询单位负责人" 优先级 30
  当 事项.状态 属于 [整改中, 已重启] 且 事项.标签 包含 "督促"
  则 函询 单位负责人 期限 10 天 理由 "督促整改"
规则 tolerate "容错免责" 优先级 100
  当 事项.标签 包含 "容错免责"
  则 免除 全部 理由 "符合容错免责情形"
规则 unit-complaints "大队投诉举报高频：挂牌督办单位" 优先级 70
  当 单位.投诉数(30 天) >= 3
  则 挂牌督办 单位 期限 15 天 理由 "投诉举报高频事项"
`;

let api: ApiHarness;
let campaignId: string;
const officer = { userId: 'u-officer', unitId: 'xn-hz' };

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api, 'traces');
  await api.http
    .post(`/campaigns/${campaignId}/rule-sets`)
    .set(api.as('supervisor'))
    .send({ source: rules })
    .expect(201);
}, 60_000);
afterAll(() => api.close());

const run = (id: string, command: Record<string, unknown> & { type: string }) =>
  api.runtime.engine.execute(id, command, officer);

/** An item of `unitId` taken to `rectifying` (or closed → look-back with `lookBack`). */
async function item(unitId: string, to: 'registered' | 'rectifying' | 'lookBack'): Promise<string> {
  const created = await api.runtime.engine.create(
    'item',
    {
      campaignId,
      reportedUnitId: unitId,
      source: 'hotline12328',
      description: '线索',
      receivedAt: '2023-04-09T02:00:00.000Z',
    },
    officer,
  );
  const id = created.streamId;
  if (to === 'registered') return id;
  await run(id, {
    type: 'ASSIGN_VERIFICATION',
    unitId,
    officerId: 'u-officer',
    deadline: '2023-05-01T00:00:00Z',
  });
  await run(id, { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实' });
  await run(id, {
    type: 'START_RECTIFICATION',
    manifestation: '随意拦车',
    measures: '培训',
    responsibleUnitId: unitId,
    responsiblePerson: '张三',
    deadline: '2023-08-01T00:00:00Z',
  });
  if (to === 'rectifying') return id;
  await run(id, { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] });
  await run(id, { type: 'ACCEPT' });
  await run(id, { type: 'START_LOOK_BACK' });
  return id;
}

async function escalation(id: string): Promise<{ state: string; context: EscalationContext }> {
  const { body } = await api.http.get(`/escalations/${id}`).set(api.as('supervisor')).expect(200);
  return body;
}

async function escalationsOf(unitId: string) {
  const { body } = await api.http
    .get('/escalations')
    .query({ unitId, campaignId })
    .set(api.as('supervisor'))
    .expect(200);
  return body.items as Array<{ streamId: string; state: string; category: string }>;
}

describe('escalation decisions in one 大队 (湟中区综合执法大队)', () => {
  const unit = 'xn-hz-det';
  let admonish: string;
  let inquiry: string;
  let b: string;

  it('a lighter open measure is stepped up when the heavier one is issued', async () => {
    b = await item(unit, 'rectifying');
    const tagged = await run(b, { type: 'ADD_TAG', tag: '督促' });
    inquiry = (tagged.effects.rules as Array<{ escalationId: string; measure: string }>)[0]!.escalationId;
    expect((await escalation(inquiry)).context.measure).toBe('inquiry_letter');

    const k = await item(unit, 'lookBack');
    const rebound = await api.http
      .post(`/items/${k}/commands/rebound`)
      .set(api.as('supervisor'))
      .send({ note: '问题反弹' })
      .expect(200);
    expect(rebound.body.escalations).toEqual([
      expect.objectContaining({ measure: 'admonish', ruleId: 'rebound-admonish', steppedUp: [inquiry] }),
    ]);
    admonish = rebound.body.escalations[0].escalationId;
    expect((await escalation(inquiry)).state).toBe('steppedUp');
  });

  it('a second item’s rebound is recorded on the open 约谈, with its facts', async () => {
    const j = await item(unit, 'lookBack');
    const rebound = await api.http
      .post(`/items/${j}/commands/rebound`)
      .set(api.as('supervisor'))
      .send({ note: '再次反弹' })
      .expect(200);
    expect(rebound.body.escalations).toEqual([]);
    expect(rebound.body.recordedDecisions).toEqual([
      expect.objectContaining({
        recorded: 'occurrence',
        streamId: admonish,
        ruleId: 'rebound-admonish',
        itemId: j,
        cause: 'already_open',
        measure: 'admonish',
      }),
    ]);
    const { context } = await escalation(admonish);
    expect(context.occurrences).toEqual([
      expect.objectContaining({
        itemId: j,
        ruleId: 'rebound-admonish',
        cause: 'already_open',
        trigger: expect.objectContaining({ kind: 'event', streamId: j, eventType: 'REBOUND' }),
        provenance: expect.objectContaining({
          ruleId: 'rebound-admonish',
          reads: [expect.objectContaining({ zh: '事项.状态', value: 'reopened' })],
        }),
      }),
    ]);
    const history = await api.http.get(`/escalations/${admonish}`).set(api.as('auditor')).expect(200);
    expect(history.body.state).toBe('issued');
  });

  it('a lighter measure is not issued to a target under a heavier open one; the decision is recorded', async () => {
    const before = (await escalationsOf(unit)).length;
    const progress = await run(b, { type: 'RECORD_PROGRESS', note: '正在整改' });
    expect(progress.effects.rules).toEqual([
      expect.objectContaining({
        recorded: 'occurrence',
        streamId: admonish,
        itemId: b,
        cause: 'lighter_than_open',
        measure: 'inquiry_letter',
      }),
    ]);
    expect((await escalationsOf(unit)).length).toBe(before);
    // Recorded once: the next event on B adds nothing.
    const again = await run(b, { type: 'RECORD_PROGRESS', note: '继续整改' });
    expect(again.effects.rules).toEqual([]);
    const { context } = await escalation(admonish);
    expect(context.occurrences!.map((o) => [o.itemId, o.cause])).toEqual([
      [expect.any(String), 'already_open'],
      [b, 'lighter_than_open'],
    ]);
  });
});

describe('容错免责 suppressions', () => {
  it('is recorded on the item even when nothing else fires', async () => {
    const t = await item('xn-hy', 'rectifying');
    const tagged = await run(t, { type: 'ADD_TAG', tag: '容错免责' });
    expect(tagged.effects.rules).toEqual([
      { recorded: 'suppression', streamId: t, ruleId: 'tolerate', itemId: t },
    ]);
    const history = await api.http.get(`/items/${t}/history`).set(api.as('auditor')).expect(200);
    const recorded = history.body.events.find((e: { type: string }) => e.type === 'RECORD_SUPPRESSION');
    expect(recorded).toMatchObject({
      actorId: 'system:rules',
      payload: {
        ruleId: 'tolerate',
        reason: '符合容错免责情形',
        suppressed: [],
        flagged: [],
        provenance: { ruleId: 'tolerate', reads: [expect.objectContaining({ zh: '事项.标签' })] },
      },
    });
    const again = await run(t, { type: 'RECORD_PROGRESS', note: '进展' });
    expect(again.effects.rules).toEqual([]);
  });

  it('arriving after a lighter escalation, it flags that escalation for a supervisor’s decision', async () => {
    const s = await item('xn-dt', 'rectifying');
    const urged = await run(s, { type: 'ADD_TAG', tag: '督促' });
    const issued = (urged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    const tolerated = await run(s, { type: 'ADD_TAG', tag: '容错免责' });
    expect(tolerated.effects.rules).toEqual([
      { recorded: 'review_flag', streamId: issued, ruleId: 'tolerate', itemId: s },
      { recorded: 'suppression', streamId: s, ruleId: 'tolerate', itemId: s },
    ]);
    const { body } = await api.http.get(`/items/${s}`).set(api.as('supervisor')).expect(200);
    const suppressions = (body.context as ItemContext).suppressions!;
    expect(suppressions).toEqual([
      expect.objectContaining({
        ruleId: 'tolerate',
        suppressed: [
          expect.objectContaining({
            ruleId: 'urge-inquiry',
            measure: 'inquiry_letter',
            target: expect.objectContaining({ kind: 'unit_leader', id: 'xn-dt' }),
          }),
        ],
        flagged: [issued],
      }),
    ]);
    const flagged = await escalation(issued);
    expect(flagged.context.reviewFlags).toEqual([
      expect.objectContaining({ itemId: s, ruleId: 'tolerate', reason: '符合容错免责情形' }),
    ]);
    const keep = (login: 'supervisor' | 'officer') =>
      api.http
        .post(`/escalations/${issued}/commands/keep-after-review`)
        .set(api.as(login))
        .send({ note: '不符合容错条件，维持函询' });
    await keep('officer').expect(403);
    await keep('supervisor').expect(200);
    const twice = await keep('supervisor').expect(422);
    expect(twice.body.detail).toMatch(/no review flag awaits a decision/);
  });
});

describe('complaints across a unit’s items', () => {
  it('three complaints on three items of one unit within 30 days list the unit (单位.投诉数(30 天))', async () => {
    const ids = [
      await item('xn-hz', 'registered'),
      await item('xn-hz', 'registered'),
      await item('xn-hz', 'registered'),
    ];
    const complain = (id: string) =>
      run(id, { type: 'RECORD_COMPLAINT', receivedAt: '2023-04-08T00:00:00Z' });
    expect((await complain(ids[0]!)).effects.rules).toEqual([]);
    expect((await complain(ids[1]!)).effects.rules).toEqual([]);
    const third = await complain(ids[2]!);
    const [listed] = third.effects.rules as Array<{ escalationId: string; measure: string; target: unknown }>;
    expect(listed).toMatchObject({ measure: 'listed_supervision', target: { kind: 'unit', id: 'xn-hz' } });
    const { context } = await escalation(listed!.escalationId);
    expect((context.provenance as { reads: unknown[] }).reads).toEqual([
      expect.objectContaining({ zh: '单位.投诉数(30 天)', en: 'unit.complaints(30d)', value: 3 }),
    ]);
  });
});
