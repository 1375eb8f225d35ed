import { demoLogins } from '../../src/demo/load-demo';
import { command, createXiningCampaign, registerItem, startApi, T0, type ApiHarness } from './support';

/**
 * Issue 13: overdue is counted one way everywhere. The scheduler has not run (no RECTIFICATION_OVERDUE
 * event, the stored flag still false) while the deadline has passed: the item list, the item, the
 * dashboard, the worklist and the bulletin all say overdue, because all of them derive it from the
 * deadline and the instant (src/persistence/overdue.ts).
 */
describe('overdue: one answer in lists, dashboard, worklist and bulletin', () => {
  let api: ApiHarness;
  let campaignId: string;
  let late: string;
  let onTime: string;
  const relogin = async () => {
    for (const username of ['supervisor', 'officer'] as const) {
      const login = await api.http
        .post('/auth/login')
        .send({ username, password: demoLogins.password })
        .expect(200);
      api.tokens[username] = login.body.accessToken as string;
    }
  };

  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api);
    const inRectification = async (deadline: string) => {
      const id = await registerItem(api, campaignId);
      await command(api, 'officer', id, 'assign-verification', {
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2023-04-20T00:00:00.000Z',
      }).expect(200);
      await command(api, 'officer', id, 'confirm', {
        category: 'non_standard',
        severity: 'general',
        findings: '查实',
      }).expect(200);
      await command(api, 'officer', id, 'start-rectification', {
        manifestation: '随意拦车',
        measures: '开展培训',
        responsibleUnitId: 'xn-hz',
        responsiblePerson: '张三',
        deadline,
      }).expect(200);
      return id;
    };
    late = await inRectification('2023-04-15T00:00:00.000Z');
    onTime = await inRectification('2023-06-30T00:00:00.000Z');
    // Five days on; the scheduler has not run, so no overdue event exists and the stored flag is false.
    api.runtime.clock.set('2023-04-20T09:00:00.000Z');
    await relogin();
  }, 90_000);
  afterAll(() => api.close());

  it('the stored flag lags (the scheduler has not run) but every view derives the same answer', async () => {
    expect(Date.parse(T0)).toBeLessThan(Date.parse('2023-04-15T00:00:00.000Z'));
    const [flag] = await api.runtime.database.dataSource.query(
      'SELECT overdue FROM streams WHERE stream_id = $1',
      [late],
    );
    expect(Boolean(flag.overdue)).toBe(false);

    const overdueList = await api.http
      .get('/items')
      .query({ campaignId, overdue: true })
      .set(api.as('supervisor'))
      .expect(200);
    expect(overdueList.body.items.map((i: { streamId: string }) => i.streamId)).toEqual([late]);
    const all = await api.http.get('/items').query({ campaignId }).set(api.as('supervisor')).expect(200);
    const byId = new Map(all.body.items.map((i: { streamId: string; overdue: boolean }) => [i.streamId, i]));
    expect(byId.get(late)).toMatchObject({ overdue: true });
    expect(byId.get(onTime)).toMatchObject({ overdue: false });
    const one = await api.http.get(`/items/${late}`).set(api.as('supervisor')).expect(200);
    expect(one.body.overdue).toBe(true);

    const dashboard = await api.http
      .get(`/campaigns/${campaignId}/dashboard`)
      .set(api.as('supervisor'))
      .expect(200);
    const hz = dashboard.body.byUnit.find((u: { unitId: string }) => u.unitId === 'xn-hz');
    expect(hz).toMatchObject({ overdue: 1, open: 2 });

    const worklist = await api.http.get('/worklist').set(api.as('officer')).expect(200);
    const rows = (worklist.body.items ?? worklist.body.rows) as Array<{ id: string; overdue: boolean }>;
    expect(rows.find((r) => r.id === late)?.overdue).toBe(true);
    expect(rows.find((r) => r.id === onTime)?.overdue).toBe(false);

    const bulletin = await api.http
      .get(`/campaigns/${campaignId}/bulletin`)
      .query({ from: '2023-04-01', to: '2023-04-20', format: 'json' })
      .set(api.as('supervisor'))
      .expect(200);
    expect(bulletin.body.totals.current.overdue).toBe(1);
  });

  it('after the scheduler runs, the answers are unchanged', async () => {
    const fired = await api.runtime.scheduler.tick();
    expect(fired.map((j) => `${j.kind}:${j.streamId}`)).toContain(`RECTIFICATION_OVERDUE:${late}`);
    const overdueList = await api.http
      .get('/items')
      .query({ campaignId, overdue: true })
      .set(api.as('supervisor'))
      .expect(200);
    expect(overdueList.body.items.map((i: { streamId: string }) => i.streamId)).toEqual([late]);
    const dashboard = await api.http
      .get(`/campaigns/${campaignId}/dashboard`)
      .set(api.as('supervisor'))
      .expect(200);
    expect(dashboard.body.byUnit.find((u: { unitId: string }) => u.unitId === 'xn-hz').overdue).toBe(1);
  });
});
