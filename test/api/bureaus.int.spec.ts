import { hashPassword } from '../../src/api/auth/passwords';
import { createXiningCampaign, registerItem, startApi, testHashing, type ApiHarness } from './support';

/** Several independent bureaus (root units) in one database: each supervisor is confined to their own. */
describe('independent bureaus side by side in one database', () => {
  let api: ApiHarness;
  let xiningItem: string;
  let jiangyuan: { Authorization: string };
  beforeAll(async () => {
    api = await startApi();
    xiningItem = await registerItem(api, await createXiningCampaign(api));
    // What `zhengzhi bootstrap --another-bureau` does: a second root unit and its first supervisor.
    const { directory, clock } = api.runtime;
    await directory.createUnit({ id: 'jy-bureau', name: '江源区交通运输局', level: 'county' });
    await directory.createUser(
      {
        id: 'u-jy-admin',
        username: 'jy.admin',
        displayName: '江源督导',
        role: 'supervisor',
        unitId: 'jy-bureau',
        passwordHash: await hashPassword('jiangyuan-secret-1', testHashing),
      },
      clock.now(),
    );
    const login = await api.http
      .post('/auth/login')
      .send({ username: 'jy.admin', password: 'jiangyuan-secret-1' })
      .expect(200);
    jiangyuan = { Authorization: `Bearer ${login.body.accessToken as string}` };
  }, 60_000);
  afterAll(() => api.close());

  it('each supervisor sees only their own bureau and cannot act in the other', async () => {
    const units = await api.http.get('/units').set(jiangyuan).expect(200);
    const ids = (units.body.items ?? units.body).map((u: { id: string }) => u.id);
    expect(ids).toEqual(['jy-bureau']);
    const xiningUnits = await api.http.get('/units').set(api.as('supervisor')).expect(200);
    expect((xiningUnits.body.items ?? xiningUnits.body).map((u: { id: string }) => u.id)).not.toContain(
      'jy-bureau',
    );
    const read = await api.http.get(`/items/${xiningItem}`).set(jiangyuan);
    expect([403, 404]).toContain(read.status);
    const items = await api.http.get('/items').set(jiangyuan).expect(200);
    expect(items.body.items).toEqual([]);
    await api.http
      .post('/units')
      .set(jiangyuan)
      .send({ id: 'jy-x', name: '越权单位', level: 'detachment', parentId: 'xn-hz' })
      .expect(403);
    await api.http
      .post('/units')
      .set(jiangyuan)
      .send({ id: 'jy-det', name: '江源区交通运输综合执法大队', level: 'detachment', parentId: 'jy-bureau' })
      .expect(201);
    await api.http
      .post('/campaigns')
      .set(jiangyuan)
      .send({ template: 'jiangyuan-2023', campaignId: 'jy-2023', unitId: 'xn-city' })
      .expect(403);
  });
});
