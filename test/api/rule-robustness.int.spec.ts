import { clue, createXiningCampaign, registerItem, startApi, type ApiHarness } from './support';

/** Issue 10 point 6 through the HTTP API: every bad rule file is a located 4xx, never a 500. */
describe('rule files cannot hurt the server (HTTP)', () => {
  let api: ApiHarness;
  let campaignId: string;
  const H = '规则集 t 版本 1\n';
  const check = (source: string) =>
    api.http.post('/rule-sets/check').set(api.as('supervisor')).send({ source });

  beforeAll(async () => {
    api = await startApi({ bodyLimit: '2mb' });
    campaignId = await createXiningCampaign(api);
  });
  afterAll(() => api.close());

  it('division by zero and over-cap durations: check says where, publish is 400 and changes nothing', async () => {
    const divide = H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 1 天 / 0\n';
    const checked = await check(divide).expect(200);
    expect(checked.body.ok).toBe(false);
    expect(checked.body.diagnostics[0]).toMatchObject({ code: 'ZR2024', range: { line: 2, column: 44 } });
    const huge = H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 3650 天 * 3650 * 3650\n';
    for (const source of [divide, huge]) {
      const published = await api.http
        .post(`/campaigns/${campaignId}/rule-sets`)
        .set(api.as('supervisor'))
        .send({ source })
        .expect(400);
      expect(published.headers['content-type']).toMatch(/problem\+json/);
    }
    await api.http
      .get(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .expect(200, { items: [] });
    await registerItem(api, campaignId);
  });

  it('版本 2147483648 is a located 400 on publish', async () => {
    const response = await api.http
      .post(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .send({ source: '规则集 t 版本 2147483648\n' })
      .expect(400);
    expect(response.body.diagnostics[0]).toMatchObject({ code: 'ZR2019', range: { line: 1, column: 10 } });
  });

  it('long chains, deep nesting and 100,000 lines of $ are answered quickly with small bodies', async () => {
    const plus = await check(
      H + `规则 r "t" 当 事项.超期天数 ${'+ 1 '.repeat(3000)}> 3 则 约谈 单位负责人\n`,
    ).expect(200);
    expect(plus.body.diagnostics[0].code).toBe('ZR1014');
    const and = await check(
      H +
        `规则 r "t" 当 ${Array.from({ length: 8000 }, () => '事项.超期天数 > 1').join(' 且 ')} 则 约谈 单位负责人\n`,
    ).expect(200);
    expect(and.body.ok).toBe(true);
    const dollars = await check('$\n'.repeat(99_000)).expect(200);
    expect(dollars.body.diagnostics).toHaveLength(101);
    expect(JSON.stringify(dollars.body).length).toBeLessThan(200_000);
    const line = await check(H + '规则 r "t" 当 ' + '$'.repeat(8000)).expect(200);
    expect(JSON.stringify(line.body).length).toBeLessThan(200_000);
  });

  it('/rule-sets/test type-checks facts: constructor, __proto__ and wrong types are 400 naming the field', async () => {
    const source = H + '规则 r "t" 当 事项.超期天数 > 30 则 约谈 单位负责人\n';
    const test = (cases: unknown) =>
      api.http
        .post('/rule-sets/test')
        .set(api.as('supervisor'))
        .set('Content-Type', 'application/json')
        .send(`{"source":${JSON.stringify(source)},"cases":${cases as string}}`);
    const ctor = await test('[{"at":"2023-06-01T09:00:00+08:00","item":{"constructor":1}}]').expect(400);
    expect(ctor.body.invalidFields[0].field).toBe('cases.0.item.constructor');
    const proto = await test('[{"at":"2023-06-01T09:00:00+08:00","item":{"__proto__":{"daysOverdue":99}}}]');
    expect(proto.status).toBe(400);
    const typed = await test('[{"at":"2023-06-01T09:00:00+08:00","item":{"daysOverdue":"31"}}]').expect(400);
    expect(typed.body.invalidFields[0].field).toBe('cases.0.item.daysOverdue');
    const good = await test(
      '[{"at":"2023-06-01T09:00:00+08:00","item":{"daysOverdue":31,"state":"rectifying"}}]',
    ).expect(200);
    expect(good.body.evaluations[0].decision.escalations[0].measure).toBe('admonish');
  });

  it('a published rule set that throws never blocks a command: the item is registered, the failure is listed', async () => {
    // A rule set published before the compiler refused `1 天 / 0` (written as it was then), on a campaign
    // no process has evaluated yet (the embedded database's registry caches what it has seen).
    const legacyCampaign = await createXiningCampaign(api, 'xn-legacy');
    const legacy = H.replace('版本 1', '版本 7') + '规则 r "旧规则" 当 真 则 约谈 单位负责人 期限 1 天 / 0\n';
    await api.runtime.database.dataSource.query(
      `INSERT INTO rule_sets (campaign_id, version, rule_set_id, source, source_sha256, rule_count, published_at, published_by)
       VALUES ($1, 7, 't', $2, 'legacy', 1, $3, 'u-sup')`,
      [legacyCampaign, legacy, '2023-01-01T00:00:00Z'],
    );
    const response = await api.http
      .post('/items')
      .set(api.as('officer'))
      .send(clue(legacyCampaign))
      .expect(201);
    const failures = await api.http
      .get(`/campaigns/${legacyCampaign}/rule-failures`)
      .set(api.as('supervisor'))
      .expect(200);
    expect(failures.body.summary).toEqual([
      expect.objectContaining({ ruleSetVersion: 7, ruleId: '*', stage: 'rule-set', count: 1 }),
    ]);
    expect(failures.body.latest[0]).toMatchObject({ itemId: response.body.streamId, ruleSetId: 't' });
    expect(failures.body.latest[0].message).toContain('division by zero');
  });
});
