import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XLSX_MEDIA_TYPE } from '../../src/rule-files/decision-workbook';
import {
  command,
  createXiningCampaign,
  problemType,
  registerItem,
  startApi,
  type ApiHarness,
} from './support';

/** `POST /campaigns/:id/rule-sets/simulate` (issue 10 point 1): what-if over the recorded history, over HTTP. */
const rules = `规则集 api-sim 版本 1
规则 opinion-listed "负面舆情挂牌督办" 优先级 60
  当 事项.标签 包含 "负面舆情"
  则 挂牌督办 事项 期限 15 天 理由 "负面舆情"
规则 complaints-remind "投诉提醒" 优先级 10
  当 事项.投诉数(30 天) >= 2
  则 提醒 单位 理由 "投诉较多"
`;

describe('what-if simulation over HTTP', () => {
  let api: ApiHarness;
  let campaignId: string;
  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api, 'sim-2023');
    await api.http
      .post(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .send({ source: rules, fileName: 'api-sim.rules' })
      .expect(201);
    const item = await registerItem(api, campaignId);
    await command(api, 'officer', item, 'add-tag', { tag: '负面舆情' }).expect(200);
  });
  afterAll(() => api.close());
  const simulate = (login: 'supervisor' | 'officer' | 'supervisor.dt', body: object, id = campaignId) =>
    api.http.post(`/campaigns/${id}/rule-sets/simulate`).set(api.as(login)).send(body);

  it('the published rule set: no difference; the candidate without a rule: removed, and why', async () => {
    const same = await simulate('supervisor', { source: rules }).expect(200);
    expect(same.body.summary).toMatchObject({ recorded: 1, unchanged: 1, identical: true });
    const without = rules
      .replace('版本 1', '版本 2')
      .replace(/规则 opinion-listed[^]*?理由 "负面舆情"\n/, '');
    const changed = await simulate('supervisor', { source: without, fileName: 'without.rules' }).expect(200);
    expect(changed.body.removed).toEqual([
      expect.objectContaining({
        ruleId: 'opinion-listed',
        measure: 'listed_supervision',
        measureLabel: '挂牌督办',
        candidate: { outcome: 'ruleAbsent' },
      }),
    ]);
    expect(changed.body.candidate).toMatchObject({
      ruleSetId: 'api-sim',
      version: 2,
      fileName: 'without.rules',
    });
  });

  it('a workbook body is accepted, with the window as query parameters', async () => {
    const seed = readFileSync(join(__dirname, '../../rules/xining-2023.xlsx'));
    const response = await api.http
      .post(`/campaigns/${campaignId}/rule-sets/simulate?fileName=xining-2023.xlsx&from=2023-01-01T00:00:00Z`)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(seed)
      .expect(200);
    expect(response.body.candidate).toMatchObject({ ruleSetId: 'xining-2023', fileName: 'xining-2023.xlsx' });
    expect(response.body.window.from).toBe('2023-01-01T00:00:00.000Z');
  });

  it('officers and supervisors of another subtree may not simulate', async () => {
    const officer = await simulate('officer', { source: rules }).expect(403);
    expect(officer.body.type).toBe(problemType('forbidden'));
    const other = await simulate('supervisor.dt', { source: rules });
    expect([403, 404]).toContain(other.status);
  });

  it('a bad rule file, a bad instant or an unknown campaign is a located 4xx problem', async () => {
    const broken = await simulate('supervisor', { source: rules.replace('>= 2', '>= ') }).expect(400);
    expect(broken.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(broken.body).toMatchObject({
      type: problemType('invalid-input'),
      diagnostics: [expect.objectContaining({ code: 'ZR1007', range: expect.objectContaining({ line: 7 }) })],
    });
    const instant = await simulate('supervisor', { source: rules, from: 'last week' }).expect(400);
    expect(instant.body.detail).toMatch(/from must be an ISO instant/);
    await simulate('supervisor', { source: rules }, 'no-such-campaign').expect(404);
  });
});
