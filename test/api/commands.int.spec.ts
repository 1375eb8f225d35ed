import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  registerItem,
  startApi,
  type ApiHarness,
  uploadEvidence,
} from './support';

let api: ApiHarness;
let campaignId: string;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

const assign = { unitId: 'xn-hz', officerId: 'u-officer', deadline: '2023-05-01T00:00:00.000Z' };

describe('every item command route', () => {
  it('withdraws a dismissal proposal back to verification', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'assign-verification', assign).expect(200);
    await command(api, 'officer', id, 'propose-dismissal', { reason: '不属实' }).expect(200);
    expect(
      (await command(api, 'officer', id, 'withdraw-dismissal', { reason: '发现新证据' }).expect(200)).body
        .state,
    ).toBe('verifying');
  });

  it('keeps the ledger during rectification: update, accountability, complaint, tag, extension, long term', async () => {
    const id = await itemInRectification(api, campaignId);
    await command(api, 'officer', id, 'update-ledger', { measures: '开展专项培训并建立考核制度' }).expect(
      200,
    );
    await command(api, 'officer', id, 'record-accountability', {
      accountability: '对2名执法人员诫勉谈话',
    }).expect(200);
    await command(api, 'officer', id, 'record-complaint', {
      receivedAt: '2023-04-10T08:00:00.000Z',
      note: '再次投诉',
    }).expect(200);
    await command(api, 'officer', id, 'add-tag', { tag: '群众反映强烈' }).expect(200);
    await command(api, 'officer', id, 'extend-deadline', {
      deadline: '2023-09-15T00:00:00.000Z',
      reason: '涉及制度修订',
    }).expect(200);
    const longTerm = await command(api, 'officer', id, 'mark-long-term', {
      currentResult: '已完成阶段整改',
      longTermMeasures: '纳入年度考核',
    }).expect(200);
    expect(longTerm.body.state).toBe('rectifying');
    const item = await api.http.get(`/items/${id}`).set(api.as('officer')).expect(200);
    expect(item.body.context.ledger).toMatchObject({
      measures: '开展专项培训并建立考核制度',
      accountability: '对2名执法人员诫勉谈话',
      deadline: '2023-09-15T00:00:00.000Z',
      longTerm: { currentResult: '已完成阶段整改' },
    });
    expect(item.body.context.tags).toContain('群众反映强烈');
    expect(item.body.context.complaints).toHaveLength(1);
  });

  it('looks back at a closed item, passes, rebounds, reopens and resumes rectification', async () => {
    const close = async () => {
      const id = await itemInRectification(api, campaignId);
      await command(api, 'officer', id, 'submit-for-acceptance', {
        result: '完成',
        files: [await uploadEvidence(api, 'officer', id)],
      }).expect(200);
      await command(api, 'supervisor', id, 'accept').expect(200);
      return id;
    };
    const passing = await close();
    await command(api, 'supervisor', passing, 'start-look-back', { note: '回头看' }).expect(200);
    expect(
      (await command(api, 'supervisor', passing, 'pass-look-back', { note: '未反弹' }).expect(200)).body
        .state,
    ).toBe('closed');
    const rebounding = await close();
    await command(api, 'supervisor', rebounding, 'start-look-back').expect(200);
    expect(
      (await command(api, 'supervisor', rebounding, 'rebound', { note: '问题反弹' }).expect(200)).body.state,
    ).toBe('reopened');
    const resumed = await command(api, 'officer', rebounding, 'resume-rectification', {
      deadline: '2023-12-31T00:00:00.000Z',
      measures: '加强督查',
    }).expect(200);
    expect(resumed.body.state).toBe('rectifying');
  });
});

describe('escalation follow-up and outcome, rule-set versions, finishing a campaign', () => {
  it('records follow-ups and outcomes on an issued escalation and reads a published version', async () => {
    const source = readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8');
    await api.http
      .post(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .send({ source })
      .expect(201);
    const version = await api.http
      .get(`/campaigns/${campaignId}/rule-sets/1`)
      .set(api.as('officer'))
      .expect(200);
    expect(version.body).toMatchObject({ version: 1, source });
    await api.http.get(`/campaigns/${campaignId}/rule-sets/9`).set(api.as('officer')).expect(404);
    const id = await itemInRectification(api, campaignId);
    const tagged = await command(api, 'supervisor', id, 'add-tag', { tag: '弄虚作假' }).expect(200);
    const escalationId = (tagged.body.escalations as Array<{ escalationId: string }>)[0]!.escalationId;
    await api.http
      .post(`/escalations/${escalationId}/commands/record-follow-up`)
      .set(api.as('officer'))
      .send({ note: '已约谈责任人' })
      .expect(200);
    await api.http
      .post(`/escalations/${escalationId}/commands/record-outcome`)
      .set(api.as('supervisor'))
      .send({ outcome: '给予警告处分' })
      .expect(200);
    const detail = await api.http.get(`/escalations/${escalationId}`).set(api.as('auditor')).expect(200);
    expect(detail.body.context).toMatchObject({
      followUps: [expect.objectContaining({ note: '已约谈责任人' })],
      outcome: expect.objectContaining({ outcome: '给予警告处分' }),
    });
    expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual([
      'ISSUE',
      'RECORD_FOLLOW_UP',
      'RECORD_OUTCOME',
    ]);
    const listed = await api.http
      .get('/escalations?measure=hold_accountable&state=issued')
      .set(api.as('auditor'))
      .expect(200);
    expect(listed.body.items.map((e: { streamId: string }) => e.streamId)).toContain(escalationId);
  });

  it('finishes a campaign from consolidate', async () => {
    const created = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({
        campaignId: 'short',
        name: '短期整治',
        unitId: 'xn-city',
        categories: [{ code: 'rough', label: '执法粗暴' }],
        obligations: [],
      })
      .expect(201);
    expect(created.body.state).toBe('mobilize');
    for (const phase of ['identify', 'rectify', 'summarize', 'consolidate']) {
      expect(
        (
          await api.http
            .post('/campaigns/short/commands/advance-phase')
            .set(api.as('supervisor'))
            .send({})
            .expect(200)
        ).body.state,
      ).toBe(phase);
    }
    expect(
      (await api.http.post('/campaigns/short/commands/finish').set(api.as('supervisor')).send({}).expect(200))
        .body.state,
    ).toBe('finished');
  });
});

describe('OpenAPI document', () => {
  it('resolves every $ref and documents every route the app declares', async () => {
    const { body } = await api.http.get('/openapi.json').expect(200);
    const refs = JSON.stringify(body).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(body.components.schemas).toHaveProperty(ref.slice(22, -1));
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/items/{id}/commands/resume-rectification',
        '/escalations/{id}/commands/lift',
        '/rule-sets/test',
        '/campaigns/{id}/rule-sets',
      ]),
    );
  });
});
