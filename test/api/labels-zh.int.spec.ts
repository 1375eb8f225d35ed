import {
  command,
  createXiningCampaign,
  itemInRectification,
  problemType,
  startApi,
  type ApiHarness,
} from './support';

describe('Chinese where people read: labels beside codes, problem+json in the language asked for', () => {
  let api: ApiHarness;
  let campaignId: string;
  let itemId: string;
  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api);
    itemId = await itemInRectification(api, campaignId);
  }, 60_000);
  afterAll(() => api.close());

  it('puts the Chinese label beside every code: item state, source, category; campaign phase; escalations', async () => {
    const item = await api.http.get(`/items/${itemId}`).set(api.as('supervisor')).expect(200);
    expect(item.body).toMatchObject({ state: 'rectifying', stateLabel: '整改中' });
    expect(item.body.context.clue).toMatchObject({ source: 'hotline12328', sourceLabel: '12328热线' });
    expect(item.body.context.confirmation).toMatchObject({
      category: 'non_standard',
      categoryLabel: '执法不规范',
    });
    const campaign = await api.http.get(`/campaigns/${campaignId}`).set(api.as('supervisor')).expect(200);
    expect(campaign.body).toMatchObject({ state: 'mobilize', stateLabel: '动员部署' });
    const me = await api.http.get('/auth/me').set(api.as('officer')).expect(200);
    expect(me.body).toMatchObject({ role: 'officer', roleLabel: '执法人员' });
  });

  it('answers a missing field with "is required", in Chinese when asked (POST /units without parentId)', async () => {
    const body = { id: 'xn-new', name: '新单位', level: 'county' };
    const en = await api.http.post('/units').set(api.as('supervisor')).send(body).expect(400);
    expect(en.headers['content-language']).toBe('en');
    expect(en.body.title).toBe('The request is invalid');
    expect(en.body.detail).toBe('invalid body: parentId: is required');
    expect(en.body.invalidFields).toEqual([{ field: 'parentId', messages: ['is required'] }]);
    const zh = await api.http
      .post('/units')
      .set({ ...api.as('supervisor'), 'Accept-Language': 'zh-CN,zh;q=0.9' })
      .send({ ...body, name: 'x'.repeat(201) })
      .expect(400);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.body.title).toBe('请求参数不正确');
    expect(zh.body.detail).toBe('name：不能超过 200 个字符 · parentId：必填');
    expect(zh.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['name', 'parentId']);
  });

  it('explains a refused command in Chinese with the state and the operations it does accept', async () => {
    const refused = await command(api, 'supervisor', itemId, 'accept', {})
      .set('Accept-Language', 'zh-CN')
      .expect(422);
    expect(refused.body.type).toBe(problemType('event-not-accepted'));
    expect(refused.body.title).toBe('当前状态不接受该操作');
    expect(refused.body.detail).toMatch(
      /^当前状态「整改中」不接受该操作；可执行的操作：.*提请验收（SUBMIT_FOR_ACCEPTANCE）/,
    );
    expect(refused.body.detailEn).toMatch(/rectifying/);
    const missing = await api.http
      .get('/items/no-such-item')
      .set({ ...api.as('supervisor'), 'Accept-Language': 'zh' });
    expect(missing.status).toBe(404);
    expect(missing.body.title).toBe('未找到');
  });
});
