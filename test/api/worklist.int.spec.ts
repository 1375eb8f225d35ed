// DTO decorators record their property types only if reflect-metadata is loaded before the DTO modules.
import 'reflect-metadata';
import { describeMachine } from '../../src/machines/describe';
import { currentDefinition } from '../../src/machines/registry';
import { WORKLIST_STATES } from '../../src/api/console/worklist-states';
import { itemCommandByType } from '../../src/api/routes/item-commands';
import {
  clue,
  command,
  createXiningCampaign,
  itemInRectification,
  startApi,
  T0,
  type ApiHarness,
  type Login,
  uploadEvidence,
} from './support';

let api: ApiHarness;
const ids: Record<string, string> = {};

const register = async (login: Login, campaignId: string, unit: string, description: string) =>
  (
    await api.http
      .post('/items')
      .set(api.as(login))
      .send({ ...clue(campaignId, unit), description })
      .expect(201)
  ).body.streamId as string;
const verify = (login: Login, id: string, unitId: string, deadline: string) =>
  command(api, login, id, 'assign-verification', { unitId, officerId: 'u-officer', deadline }).expect(200);

beforeAll(async () => {
  api = await startApi();
  const campaignId = await createXiningCampaign(api);
  ids.soon = await register('officer', campaignId, 'xn-hz', '执法车辆私用');
  await verify('officer', ids.soon, 'xn-hz', '2023-04-12T00:00:00.000Z');
  ids.later = await register('officer', campaignId, 'xn-hz-det', '大队乱罚款');
  await verify('officer', ids.later, 'xn-hz-det', '2023-04-20T00:00:00.000Z');
  ids.fresh = await register('officer', campaignId, 'xn-hz', '窗口态度差');
  ids.rectifying = await itemInRectification(api, campaignId);
  ids.awaiting = await itemInRectification(api, campaignId);
  await command(api, 'officer', ids.awaiting, 'submit-for-acceptance', {
    result: '已整改',
    files: [await uploadEvidence(api, 'officer', ids.awaiting)],
  }).expect(200);
  ids.pending = await register('officer', campaignId, 'xn-hz', '查否候选');
  await verify('officer', ids.pending, 'xn-hz', '2023-04-30T00:00:00.000Z');
  await command(api, 'officer', ids.pending, 'propose-dismissal', { reason: '不属实' }).expect(200);
  ids.datong = await register('officer.dt', campaignId, 'xn-dt', '大通县问题');
  await verify('officer.dt', ids.datong, 'xn-dt', '2023-04-11T00:00:00.000Z');
});
afterAll(() => api.close());
let afterFinally: (() => void) | undefined;
afterEach(() => {
  afterFinally?.();
  afterFinally = undefined;
});

type Row = {
  id: string;
  state: string;
  stateLabel: string;
  deadline: string | null;
  overdue: boolean;
  dueSoon: boolean;
  unitName: string;
  title: string;
};
const worklist = async (login: Login, query = '') =>
  (await api.http.get(`/worklist${query}`).set(api.as(login)).expect(200)).body as {
    items: Row[];
    total: number;
    limit: number;
    offset: number;
  };

describe('GET /worklist', () => {
  it('lists the officer’s items by deadline, none last, within the subtree only', async () => {
    api.runtime.clock.set(T0);
    const list = await worklist('officer');
    // verifying (04-12, 04-20, 05-01 twice for the rectifying items' verification is over), rectifying (08-01), registered (none)
    expect(list.items.map((r) => r.id)).toEqual([ids.soon, ids.later, ids.rectifying, ids.fresh]);
    expect(list).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(list.items[0]).toMatchObject({
      state: 'verifying',
      stateLabel: '核查中',
      unitName: expect.stringMatching(/湟中/),
    });
    expect(list.items.map((r) => r.deadline)).toEqual([
      '2023-04-12T00:00:00.000Z',
      '2023-04-20T00:00:00.000Z',
      '2023-08-01T00:00:00.000Z',
      null,
    ]);
    const datong = await worklist('officer.dt');
    expect(datong.items.map((r) => r.id)).toEqual([ids.datong]);
  });

  it('marks overdue and due soon (≤ 3 days) against the request instant', async () => {
    api.runtime.clock.set(T0);
    afterFinally = () => api.runtime.clock.set(T0);
    const before = await worklist('officer');
    expect(before.items.map((r) => [r.overdue, r.dueSoon])).toEqual([
      [false, true],
      [false, false],
      [false, false],
      [false, false],
    ]);
    api.runtime.clock.set('2023-04-18T00:00:00.000Z');
    // Days later the morning's access token has expired: log in again at the new instant.
    const login = await api.http
      .post('/auth/login')
      .send({ username: 'officer', password: 'zhengzhi-demo' })
      .expect(200);
    const after = (
      await api.http
        .get('/worklist')
        .set('Authorization', `Bearer ${login.body.accessToken as string}`)
        .expect(200)
    ).body as { items: Row[] };
    expect(after.items.map((r) => [r.overdue, r.dueSoon])).toEqual([
      [true, false],
      [false, true],
      [false, false],
      [false, false],
    ]);
    api.runtime.clock.set(T0);
  });

  it('gives supervisors acceptance work and principals their unit’s dismissals; auditors have none', async () => {
    expect((await worklist('supervisor')).items.map((r) => r.id)).toEqual([ids.awaiting]);
    expect((await worklist('principal')).items.map((r) => r.id).sort()).toEqual(
      [ids.awaiting, ids.pending].sort(),
    );
    expect((await worklist('supervisor.dt')).items).toEqual([]);
    expect(await worklist('auditor')).toMatchObject({ items: [], total: 0 });
  });

  it('filters by state, unit subtree and campaign, searches id, title and description, and pages', async () => {
    expect((await worklist('officer', '?state=registered')).items.map((r) => r.id)).toEqual([ids.fresh]);
    expect((await worklist('officer', '?unitId=xn-hz-det')).items.map((r) => r.id)).toEqual([ids.later]);
    expect((await worklist('officer', '?campaignId=other')).total).toBe(0);
    expect((await worklist('officer', `?q=${encodeURIComponent('乱罚')}`)).items.map((r) => r.id)).toEqual([
      ids.later,
    ]);
    expect(
      (await worklist('officer', `?q=${encodeURIComponent(ids.fresh!)}`)).items.map((r) => r.id),
    ).toEqual([ids.fresh]);
    // The title of a rectifying item is its ledger row's 具体表现.
    const byTitle = await worklist('officer', `?q=${encodeURIComponent('随意拦车')}`);
    expect(byTitle.items.map((r) => [r.id, r.title])).toEqual([[ids.rectifying, '随意拦车']]);
    const percent = await api.http.get('/worklist?q=%25').set(api.as('officer'));
    expect([percent.status, percent.body.detail, percent.body.total]).toEqual([200, undefined, 0]);
    const page = await worklist('officer', '?limit=2&offset=1');
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.items.map((r) => r.id)).toEqual([ids.later, ids.rectifying]);
    await api.http.get('/worklist?state=nonsense').set(api.as('officer')).expect(400);
    await api.http.get('/worklist?unitId=nowhere').set(api.as('officer')).expect(400);
  });

  it('lists for each role only states where that role can move the item on', () => {
    const machine = describeMachine(currentDefinition('item'));
    for (const [role, states] of Object.entries(WORKLIST_STATES)) {
      for (const stateId of states) {
        const state = machine.states.find((s) => s.id === stateId)!;
        const forward = state.transitions.filter((t) => t.target !== stateId);
        const movers = forward.filter((t) =>
          (itemCommandByType.get(t.event)?.permission.roles as readonly string[] | undefined)?.includes(role),
        );
        expect([role, stateId, movers.length > 0]).toEqual([role, stateId, true]);
      }
    }
  });
});
