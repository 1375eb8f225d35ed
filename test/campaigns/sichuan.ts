import request from 'supertest';
import { hashPassword } from '../../src/api/auth/passwords';
import { demoLogins } from '../../src/demo/load-demo';
import type { Actor } from '../../src/engine/engine';
import { startApi, testHashing, type ApiHarness } from '../api/support';

/**
 * The Sichuan tree of seed 004 in miniature: 四川省交通运输厅 → 成都市, 绵阳市 → two Chengdu counties and
 * one Mianyang county; a supervisor at every level, officers in the counties, an auditor at the province.
 */
export const sichuanUnits = [
  { id: 'sc', name: '四川省交通运输厅', level: 'province' },
  { id: 'sc-cd', name: '成都市交通运输局', level: 'city', parentId: 'sc' },
  { id: 'sc-my', name: '绵阳市交通运输局', level: 'city', parentId: 'sc' },
  { id: 'sc-cd-a', name: '锦江区交通运输局', level: 'county', parentId: 'sc-cd' },
  { id: 'sc-cd-b', name: '青羊区交通运输局', level: 'county', parentId: 'sc-cd' },
  { id: 'sc-my-a', name: '涪城区交通运输局', level: 'county', parentId: 'sc-my' },
] as const;

export const sichuanUsers = {
  'sup.sc': { role: 'supervisor', unitId: 'sc' },
  'aud.sc': { role: 'auditor', unitId: 'sc' },
  'sup.cd': { role: 'supervisor', unitId: 'sc-cd' },
  'sup.my': { role: 'supervisor', unitId: 'sc-my' },
  'sup.cd-a': { role: 'supervisor', unitId: 'sc-cd-a' },
  'off.cd-a': { role: 'officer', unitId: 'sc-cd-a' },
  'off.my-a': { role: 'officer', unitId: 'sc-my-a' },
} as const;
export type SichuanLogin = keyof typeof sichuanUsers;

export interface SichuanHarness {
  api: ApiHarness;
  as(login: SichuanLogin): { Authorization: string };
  actor(login: SichuanLogin): Actor;
}

/** A real server with the demo directory plus the Sichuan tree and its users, all logged in. */
export async function startSichuan(): Promise<SichuanHarness> {
  const api = await startApi();
  const { directory, clock } = api.runtime;
  for (const unit of sichuanUnits) await directory.createUnit({ ...unit });
  const passwordHash = await hashPassword(demoLogins.password, testHashing);
  const tokens = new Map<string, string>();
  for (const [username, user] of Object.entries(sichuanUsers)) {
    await directory.createUser(
      { id: `u-${username}`, username, displayName: username, isPrincipal: false, passwordHash, ...user },
      clock.now(),
    );
    const response = await request(api.server.url)
      .post('/auth/login')
      .send({ username, password: demoLogins.password })
      .expect(200);
    tokens.set(username, response.body.accessToken as string);
  }
  return {
    api,
    as: (login) => ({ Authorization: `Bearer ${tokens.get(login)}` }),
    actor: (login) => ({ userId: `u-${login}`, unitId: sichuanUsers[login].unitId }),
  };
}

/** Creates a campaign through the API as `login` and returns the response. */
export function createCampaign(
  sc: SichuanHarness,
  login: SichuanLogin,
  body: { campaignId: string; unitId: string; parentCampaignId?: string; template?: string },
) {
  return sc.api.http
    .post('/campaigns')
    .set(sc.as(login))
    .send({ template: 'zhanjiang-2021', ...body });
}

/** The commands that take a fresh item to each state, in order (the engine checks every step). */
export function pathTo(state: string, unitId: string): Array<Record<string, unknown> & { type: string }> {
  const assign = {
    type: 'ASSIGN_VERIFICATION',
    unitId,
    officerId: 'u-off',
    deadline: '2023-05-01T00:00:00.000Z',
  };
  const confirm = { type: 'CONFIRM', category: 'poor_style', severity: 'general', findings: '查实' };
  const rectify = {
    type: 'START_RECTIFICATION',
    manifestation: '随意拦车',
    measures: '培训',
    responsibleUnitId: unitId,
    responsiblePerson: '张三',
    deadline: '2023-08-01T00:00:00.000Z',
  };
  const submit = { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] };
  const chains: Record<string, Array<Record<string, unknown> & { type: string }>> = {
    registered: [],
    verifying: [assign],
    dismissalPending: [assign, { type: 'PROPOSE_DISMISSAL', reason: '查无实据', handlerId: 'u-off' }],
    dismissed: [
      assign,
      { type: 'PROPOSE_DISMISSAL', reason: '查无实据', handlerId: 'u-off' },
      { type: 'APPROVE_DISMISSAL', principalId: 'u-principal', principalOfUnitId: unitId },
    ],
    transferred: [assign, { type: 'TRANSFER', to: '公安机关', reason: '涉嫌违法犯罪' }],
    confirmed: [assign, confirm],
    rectifying: [assign, confirm, rectify],
    awaitingAcceptance: [assign, confirm, rectify, submit],
    closed: [assign, confirm, rectify, submit, { type: 'ACCEPT' }],
    lookBack: [assign, confirm, rectify, submit, { type: 'ACCEPT' }, { type: 'START_LOOK_BACK' }],
    reopened: [
      assign,
      confirm,
      rectify,
      submit,
      { type: 'ACCEPT' },
      { type: 'START_LOOK_BACK' },
      { type: 'REBOUND', note: '问题反弹' },
    ],
  };
  return chains[state]!;
}

export const ALL_STATES = [
  'registered',
  'verifying',
  'dismissalPending',
  'dismissed',
  'transferred',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'lookBack',
  'reopened',
] as const;

/** An item the test placed, and where it is. */
export interface PlacedItem {
  itemId: string;
  campaignId: string;
  unitId: string;
  state: string;
}

/** Registers an item in a campaign for a unit and drives it (through the engine) to `state`. */
export async function placeItem(
  sc: SichuanHarness,
  campaignId: string,
  unitId: string,
  state: string,
): Promise<PlacedItem> {
  const actor = { userId: 'u-off', unitId };
  const { engine } = sc.api.runtime;
  const created = await engine.create(
    'item',
    {
      campaignId,
      reportedUnitId: unitId,
      source: 'hotline12328',
      description: `${unitId} ${state}`,
      receivedAt: '2023-04-09T02:00:00.000Z',
    },
    actor,
  );
  let reached = created.state;
  for (const command of pathTo(state, unitId))
    reached = (await engine.execute(created.streamId, command, actor)).state;
  expect(reached).toBe(state);
  return { itemId: created.streamId, campaignId, unitId, state };
}

/** The bulletin's state groups, counted by the test itself. */
export function countFigures(items: PlacedItem[]): Record<string, number> {
  const groups: Record<string, string[]> = {
    verifying: ['registered', 'verifying', 'dismissalPending'],
    rectifying: ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'],
    closed: ['closed', 'lookBack'],
    dismissed: ['dismissed'],
    transferred: ['transferred'],
  };
  const figures: Record<string, number> = { clues: items.length };
  for (const [group, states] of Object.entries(groups))
    figures[group] = items.filter((i) => states.includes(i.state)).length;
  figures.confirmed = figures.rectifying! + figures.closed!;
  return figures;
}
