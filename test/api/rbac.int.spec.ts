import {
  command,
  createXiningCampaign,
  itemInRectification,
  problemType,
  registerItem,
  startApi,
  type ApiHarness,
  type Login,
  uploadEvidence,
} from './support';

let api: ApiHarness;
let campaignId: string;
let readTarget: string;
let nextId = 0;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
  readTarget = await registerItem(api, campaignId);
});
afterAll(() => api.close());

const assign = { unitId: 'xn-hz', officerId: 'u-officer', deadline: '2023-05-01T00:00:00.000Z' };

/**
 * Each action against a target in 湟中区's subtree (or run by the city): prepare a fresh target as a user
 * who may, then try the action as the user under test.
 */
const actions: Record<
  string,
  { permission: string; run(login: Login): Promise<{ status: number; body: Record<string, unknown> }> }
> = {
  'read an item': {
    permission: 'read',
    run: (login) => api.http.get(`/items/${readTarget}`).set(api.as(login)),
  },
  'read an item history': {
    permission: 'read',
    run: (login) => api.http.get(`/items/${readTarget}/history`).set(api.as(login)),
  },
  'register a clue': {
    permission: 'item:register',
    run: (login) =>
      api.http.post('/items').set(api.as(login)).send({
        campaignId,
        reportedUnitId: 'xn-hz-det',
        source: 'petition',
        description: '信访',
        receivedAt: '2023-04-09T00:00:00Z',
      }),
  },
  'act on an item': {
    permission: 'item:act',
    run: async (login) =>
      command(api, login, await registerItem(api, campaignId), 'assign-verification', assign),
  },
  'accept an item': {
    permission: 'item:accept',
    run: async (login) => {
      const id = await itemInRectification(api, campaignId);
      await command(api, 'officer', id, 'submit-for-acceptance', {
        result: '完成',
        files: [await uploadEvidence(api, 'officer', id)],
      }).expect(200);
      return command(api, login, id, 'accept', {});
    },
  },
  'approve a dismissal': {
    permission: 'item:approve-dismissal',
    run: async (login) => {
      const id = await registerItem(api, campaignId);
      await command(api, 'officer', id, 'assign-verification', assign).expect(200);
      await command(api, 'officer', id, 'propose-dismissal', { reason: '不属实' }).expect(200);
      return command(api, login, id, 'approve-dismissal');
    },
  },
  'create a campaign for 湟中区': {
    permission: 'campaign:configure',
    run: (login) =>
      api.http
        .post('/campaigns')
        .set(api.as(login))
        .send({ template: 'jiangyuan-2023', unitId: 'xn-hz', campaignId: `hz-${++nextId}` }),
  },
  'configure the city campaign': {
    permission: 'campaign:configure',
    run: (login) =>
      api.http
        .post(`/campaigns/${campaignId}/commands/add-obligation`)
        .set(api.as(login))
        .send({ code: `extra_${++nextId}`, label: '额外义务', phase: 'rectify' }),
  },
  'read the city campaign': {
    permission: 'read',
    run: (login) => api.http.get(`/campaigns/${campaignId}`).set(api.as(login)),
  },
  'create a unit under 湟中区': {
    permission: 'directory:manage',
    run: (login) =>
      api.http
        .post('/units')
        .set(api.as(login))
        .send({ id: `hz-squad-${++nextId}`, name: '中队', level: 'squad', parentId: 'xn-hz-det' }),
  },
  'create a user in 湟中区': {
    permission: 'directory:manage',
    run: (login) =>
      api.http
        .post('/users')
        .set(api.as(login))
        .send({
          id: `u-new-${++nextId}`,
          username: `new${nextId}`,
          displayName: '新人',
          role: 'officer',
          unitId: 'xn-hz',
        }),
  },
};

/** Who may do what: inside the subtree (湟中区 or the city above it) and outside (大通县). */
const allowed: Record<string, Login[]> = {
  'read an item': ['supervisor', 'officer', 'principal', 'auditor'],
  'read an item history': ['supervisor', 'officer', 'principal', 'auditor'],
  'register a clue': ['supervisor', 'officer', 'principal', 'officer.det'],
  'act on an item': ['supervisor', 'officer', 'principal'],
  'accept an item': ['supervisor', 'principal'],
  'approve a dismissal': ['principal'],
  'create a campaign for 湟中区': ['supervisor', 'principal'],
  'configure the city campaign': ['supervisor'],
  'read the city campaign': [
    'supervisor',
    'officer',
    'principal',
    'auditor',
    'officer.dt',
    'supervisor.dt',
    'auditor.dt',
    'principal.dt',
    'officer.det',
  ],
  'create a unit under 湟中区': ['supervisor', 'principal'],
  'create a user in 湟中区': ['supervisor', 'principal'],
};

const everyone: Login[] = [
  'supervisor',
  'officer',
  'principal',
  'auditor',
  'officer.det',
  'officer.dt',
  'supervisor.dt',
  'auditor.dt',
  'principal.dt',
];
// 湟中大队's officer acts only below 湟中区: items at 湟中区 itself are outside its subtree, the clue about 湟中大队 is not.
const cases = Object.keys(actions).flatMap((action) =>
  everyone.map((login) => [action, login, allowed[action]!.includes(login)] as const),
);

describe('role × action × subtree', () => {
  it.each(cases)('%s as %s → allowed: %s', async (action, login, permitted) => {
    const response = await actions[action]!.run(login);
    if (permitted) {
      expect([200, 201]).toContain(response.status);
    } else {
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        type: problemType('forbidden'),
        missingPermission: actions[action]!.permission,
      });
    }
  });

  it('scopes lists to the subtree', async () => {
    const outside = await api.http.get('/items?limit=200').set(api.as('officer.dt')).expect(200);
    expect(outside.body.items).toEqual([]);
    const units = await api.http.get('/units').set(api.as('officer')).expect(200);
    expect(units.body.items.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining(['xn-hz', 'xn-hz-det']),
    );
    expect(units.body.items.map((u: { id: string }) => u.id)).not.toContain('xn-dt');
    const users = await api.http.get('/users').set(api.as('auditor.dt')).expect(200);
    expect(users.body.items.every((u: { unitId: string }) => u.unitId.startsWith('xn-dt'))).toBe(true);
  });

  it('never lets an officer name a unit outside the subtree', async () => {
    const id = await registerItem(api, campaignId);
    const response = await command(api, 'officer', id, 'assign-verification', { ...assign, unitId: 'xn-dt' });
    expect(response.status).toBe(403);
    expect(response.body.missingPermission).toBe('item:act');
  });
});
