import { labelOf } from '../../src/vocabulary/labels';
import { itemMachine } from '../../src/machines/item-machine';
import { campaignMachine } from '../../src/machines/campaign-machine';
import { escalationMachine } from '../../src/machines/escalation-machine';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  registerItem,
  startApi,
  type ApiHarness,
  type Login,
  uploadEvidence,
} from './support';

let api: ApiHarness;
let campaignId: string;
beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

type Action = {
  event: string;
  command: string;
  path: string;
  schema: Record<string, unknown>;
  enabled: boolean;
  reason?: string;
  label: string;
};
const actions = async (login: Login, itemId: string): Promise<Action[]> =>
  (await api.http.get(`/items/${itemId}/actions`).set(api.as(login)).expect(200)).body as Action[];
const events = (list: Action[]) => list.map((a) => a.event).sort();

describe('GET /items/:id/actions', () => {
  it('offers an officer the commands of the current state that officers may issue, with the OpenAPI schemas', async () => {
    const id = await itemInRectification(api, campaignId);
    const offered = await actions('officer', id);
    expect(events(offered)).toEqual(
      [
        'ADD_TAG',
        'EXTEND_DEADLINE',
        'MARK_LONG_TERM',
        'RECORD_ACCOUNTABILITY',
        'RECORD_COMPLAINT',
        'RECORD_PROGRESS',
        'REQUEST_CORRECTION',
        'SUBMIT_FOR_ACCEPTANCE',
        'UPDATE_LEDGER',
      ].sort(),
    );
    const progress = offered.find((a) => a.event === 'RECORD_PROGRESS')!;
    expect(progress).toMatchObject({
      command: 'record-progress',
      label: labelOf('eventType', 'RECORD_PROGRESS'),
      path: `/items/${id}/commands/record-progress`,
      enabled: true,
    });
    const openapi = (await api.http.get('/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, unknown> };
    };
    expect(progress.schema).toEqual(openapi.components.schemas.RecordProgressDto);
    expect(progress.schema.required).toEqual(['note']);
    // What is offered works.
    await api.http.post(progress.path).set(api.as('officer')).send({ note: '已培训' }).expect(200);
  });

  it('offers acceptance to a supervisor and not to an officer; an auditor is offered nothing', async () => {
    const id = await itemInRectification(api, campaignId);
    await command(api, 'officer', id, 'submit-for-acceptance', {
      result: '已整改',
      files: [await uploadEvidence(api, 'officer', id)],
    }).expect(200);
    expect(events(await actions('officer', id))).toEqual([
      'RECORD_ACCOUNTABILITY',
      'RECORD_COMPLAINT',
      'REQUEST_CORRECTION',
    ]);
    expect(events(await actions('supervisor', id))).toEqual(
      ['ACCEPT', 'RECORD_ACCOUNTABILITY', 'RECORD_COMPLAINT', 'REJECT', 'REQUEST_CORRECTION'].sort(),
    );
    expect(await actions('auditor', id)).toEqual([]);
    // Forcing what was not offered is refused by the command route with the same permission.
    const forced = await command(api, 'officer', id, 'accept', {}).expect(403);
    expect(forced.body.missingPermission).toBe('item:accept');
    // Outside the caller's subtree the item is not readable at all.
    await api.http.get(`/items/${id}/actions`).set(api.as('officer.dt')).expect(403);
    await api.http.get('/items/no-such-item/actions').set(api.as('officer')).expect(404);
  });

  it('offers the dismissal sign-off only to the handling unit’s principal, disabled with the guard’s reason for the handler', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    }).expect(200);
    await command(api, 'principal', id, 'propose-dismissal', { reason: '经核查不属实' }).expect(200);
    const dismissalPending = ['RECORD_COMPLAINT', 'REQUEST_CORRECTION', 'WITHDRAW_DISMISSAL'];
    expect(events(await actions('officer', id))).toEqual(dismissalPending);
    expect(events(await actions('supervisor', id))).toEqual(dismissalPending);
    const approve = (await actions('principal', id)).find((a) => a.event === 'APPROVE_DISMISSAL')!;
    expect(approve.enabled).toBe(false);
    expect(approve.reason).toBe('the handler cannot also give the principal sign-off');
    const refused = await command(api, 'principal', id, 'approve-dismissal', {}).expect(422);
    expect(refused.body.detail).toBe(approve.reason);
  });
});

type MachineView = {
  type: string;
  version: number;
  initial: string;
  states: Array<{
    id: string;
    label: string;
    final: boolean;
    transitions: Array<{ event: string; eventLabel: string; target: string; guarded: boolean }>;
  }>;
};

/** Every event type named anywhere in an XState config (own `on` of each state and the root). */
function configuredEvents(config: { on?: object; states?: Record<string, { on?: object }> }): Set<string> {
  const names = new Set(Object.keys(config.on ?? {}));
  for (const state of Object.values(config.states ?? {}))
    for (const e of Object.keys(state.on ?? {})) names.add(e);
  return names;
}

describe('GET /machines', () => {
  it('lists every machine version with its live streams in the caller’s subtree', async () => {
    const list = (await api.http.get('/machines').set(api.as('officer')).expect(200)).body as Array<{
      type: string;
      version: number;
      current: boolean;
      liveStreams: number;
    }>;
    expect(list.map((m) => `${m.type}/v${m.version}${m.current ? ' (current)' : ''}`).sort()).toEqual([
      'campaign/v1 (current)',
      'escalation/v1 (current)',
      'item/v1',
      'item/v2',
      'item/v3 (current)',
    ]);
    const items = (await api.runtime.database.dataSource.query(
      `SELECT count(*) AS n FROM streams WHERE stream_type = 'item' AND unit_path LIKE '/xn-city/xn-hz/%'
         AND state NOT IN ('dismissed', 'transferred')`,
    )) as Array<{ n: string }>;
    const itemStreams = list.filter((m) => m.type === 'item').reduce((n, m) => n + m.liveStreams, 0);
    expect(itemStreams).toBe(Number(items[0]!.n));
    // The campaign is run by the city, above the officer's subtree.
    expect(list.find((m) => m.type === 'campaign')!.liveStreams).toBe(0);
    const city = (await api.http.get('/machines').set(api.as('supervisor')).expect(200)).body as typeof list;
    expect(city.find((m) => m.type === 'campaign')!.liveStreams).toBe(1);
  });

  it('describes item version 2: version 1 plus the correction events, whose approval leads to every active state', async () => {
    const view = (await api.http.get('/machines/item/2').set(api.as('auditor')).expect(200))
      .body as MachineView;
    const v1 = (await api.http.get('/machines/item/1').set(api.as('auditor')).expect(200))
      .body as MachineView;
    expect(view.states.map((s) => s.id)).toEqual(v1.states.map((s) => s.id));
    const rectifying = view.states.find((s) => s.id === 'rectifying')!;
    expect(
      rectifying.transitions
        .filter((t) => t.event === 'APPROVE_CORRECTION')
        .map((t) => t.target)
        .sort(),
    ).toEqual(
      [
        'awaitingAcceptance',
        'closed',
        'confirmed',
        'dismissalPending',
        'lookBack',
        'registered',
        'rectifying',
        'reopened',
        'verifying',
      ].sort(),
    );
  });

  it.each([
    ['item', itemMachine],
    ['campaign', campaignMachine],
    ['escalation', escalationMachine],
  ] as const)(
    'describes the %s machine from its definition: every event, existing targets, labels',
    async (type, machine) => {
      const view = (await api.http.get(`/machines/${type}/1`).set(api.as('auditor')).expect(200))
        .body as MachineView;
      const ids = new Set(view.states.map((s) => s.id));
      expect(ids).toEqual(new Set(Object.keys(machine.config.states!)));
      expect(ids.has(view.initial)).toBe(true);
      const described = new Set(view.states.flatMap((s) => s.transitions.map((t) => t.event)));
      expect(described).toEqual(configuredEvents(machine.config as never));
      for (const state of view.states) {
        expect(state.label).toMatch(/\p{Script=Han}/u);
        if (state.final) expect(state.transitions).toEqual([]);
        for (const t of state.transitions) {
          expect(ids.has(t.target)).toBe(true);
          expect(t.eventLabel).toMatch(/\p{Script=Han}/u);
        }
      }
    },
  );

  it('flags guarded transitions and gives targets as the machine does', async () => {
    const view = (await api.http.get('/machines/item/1').set(api.as('officer')).expect(200))
      .body as MachineView;
    const awaiting = view.states.find((s) => s.id === 'awaitingAcceptance')!;
    expect(awaiting.transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'ACCEPT',
          target: 'closed',
          guarded: false,
          eventLabel: '验收销号',
        }),
        expect.objectContaining({ event: 'REJECT', target: 'rectifying', guarded: true }),
        expect.objectContaining({ event: 'RECORD_COMPLAINT', target: 'awaitingAcceptance', guarded: true }),
      ]),
    );
    await api.http.get('/machines/item/99').set(api.as('officer')).expect(404);
    await api.http.get('/machines/nothing/1').set(api.as('officer')).expect(404);
    await api.http.get('/machines').expect(401);
  });
});
