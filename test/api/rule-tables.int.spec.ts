import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDecisionWorkbook, XLSX_MEDIA_TYPE } from '../../src/rule-files/decision-workbook';
import { createXiningCampaign, startApi, type ApiHarness } from './support';

/** Decision-table workbooks uploaded as themselves, next to the JSON form (issue 10 point 2). */
describe('rule sets as .xlsx decision tables over HTTP', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());
  const seed = readFileSync(join(__dirname, '../../rules/xining-2023.xlsx'));

  it('check and test take the workbook body; errors point at sheet!cell', async () => {
    const ok = await api.http
      .post('/rule-sets/check?fileName=xining-2023.xlsx')
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(seed)
      .expect(200);
    expect(ok.body).toMatchObject({ ok: true, ruleSetId: 'xining-2023', ruleCount: 11 });
    const tested = await api.http
      .post('/rule-sets/test')
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(seed)
      .expect(200);
    expect(tested.body.examplesPassed).toBe(true);
    const bad = await writeDecisionWorkbook([
      {
        name: '规则集',
        cells: [
          ['规则集', 't'],
          ['版本', '1'],
        ],
      },
      {
        name: '表1',
        cells: [
          ['命中策略', '全部'],
          ['规则', '事项.超期天数', '措施', '对象', '期限'],
          ['r', '> 30', '约谈', '单位负责人', '1 天 / 0'],
        ],
      },
    ]);
    const located = await api.http
      .post('/rule-sets/check?fileName=bad.xlsx')
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(bad)
      .expect(200);
    expect(located.body.diagnostics[0]).toMatchObject({ code: 'ZR2024', cell: '表1!E3' });
    expect(located.body.diagnostics[0].formatted).toMatch(/^bad\.xlsx:表1!E3: error ZR2024/);
  });

  it('publish takes the workbook; not a workbook is a 400; other routes refuse it', async () => {
    const campaignId = await createXiningCampaign(api);
    const published = await api.http
      .post(`/campaigns/${campaignId}/rule-sets?fileName=xining-2023.xlsx`)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(seed)
      .expect(201);
    expect(published.body).toMatchObject({ ruleSetId: 'xining-2023', ruleCount: 11, version: 1 });
    const junk = await api.http
      .post('/rule-sets/check')
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(Buffer.from('not a zip at all'));
    expect(junk.status).toBe(400);
    const items = await api.http
      .post('/items')
      .set(api.as('officer'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(seed);
    expect(items.status).toBe(400); // not a rule-set route: the body is not read as a rule file
  });
});
