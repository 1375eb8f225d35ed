import { command, createXiningCampaign, registerItem, startApi, type ApiHarness } from './support';

/**
 * Issue 13: a ledger row naming co-operating units (协办: `湟中区交通运输局（牵头）、大通县交通运输局`) lets the
 * co-operating unit's users read the item — in the list and on its own — but not act on it.
 */
describe('co-operating units (协办) read the item, they do not command it', () => {
  let api: ApiHarness;
  let itemId: string;
  let plain: string;
  beforeAll(async () => {
    api = await startApi();
    const campaignId = await createXiningCampaign(api);
    const inRectification = async (coUnitIds?: string[]) => {
      const id = await registerItem(api, campaignId);
      await command(api, 'officer', id, 'assign-verification', {
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2023-05-01T00:00:00.000Z',
      }).expect(200);
      await command(api, 'officer', id, 'confirm', {
        category: 'non_standard',
        severity: 'general',
        findings: '查实',
      }).expect(200);
      // As the ledger import records it: the lead unit responsible, the co-operating units beside it.
      await api.runtime.engine.execute(
        id,
        {
          type: 'START_RECTIFICATION',
          manifestation: '随意拦车',
          measures: '开展培训',
          responsibleUnitId: 'xn-hz',
          responsiblePerson: '张三',
          deadline: '2023-08-01T00:00:00.000Z',
          ...(coUnitIds ? { coUnitIds } : {}),
        },
        { userId: 'u-officer', unitId: 'xn-hz' },
      );
      return id;
    };
    itemId = await inRectification(['xn-dt']);
    plain = await inRectification();
  }, 60_000);
  afterAll(() => api.close());

  it('the co-operating unit’s officer and supervisor see it; other items of the lead unit stay hidden', async () => {
    for (const login of ['officer.dt', 'supervisor.dt'] as const) {
      const list = await api.http.get('/items').set(api.as(login)).expect(200);
      const ids = list.body.items.map((i: { streamId: string }) => i.streamId);
      expect(ids).toContain(itemId);
      expect(ids).not.toContain(plain);
      const one = await api.http.get(`/items/${itemId}`).set(api.as(login)).expect(200);
      expect(one.body.context.ledger.coUnitIds).toEqual(['xn-dt']);
      await api.http.get(`/items/${itemId}/history`).set(api.as(login)).expect(200);
      await api.http.get(`/items/${plain}`).set(api.as(login)).expect(403);
    }
  });

  it('but cannot command it: a command from the co-operating unit is a 403', async () => {
    const refused = await command(api, 'officer.dt', itemId, 'record-progress', {
      note: '协办单位已配合检查',
    });
    expect(refused.status).toBe(403);
    await command(api, 'officer', itemId, 'record-progress', { note: '牵头单位已开展培训' }).expect(200);
  });
});
