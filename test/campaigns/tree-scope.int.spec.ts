import ExcelJS from 'exceljs';
import {
  ALL_STATES,
  countFigures,
  createCampaign,
  placeItem,
  sichuanUnits,
  startSichuan,
  type PlacedItem,
  type SichuanHarness,
  type SichuanLogin,
} from './sichuan';

/**
 * Issue 17, campaign trees: a parent link cannot be pointed anywhere, and no aggregate of a campaign tree
 * shows its reader what the reader may not read. Province P → cities C1 (成都), C2 (绵阳) → counties
 * K1, K2 (成都) and K3 (绵阳), with items in every state.
 */
let sc: SichuanHarness;
const items: PlacedItem[] = [];
const period = { from: '2023-04-01T00:00:00.000Z', to: '2023-04-30T00:00:00.000Z', format: 'json' };

beforeAll(async () => {
  sc = await startSichuan();
  await createCampaign(sc, 'sup.sc', { campaignId: 'P', unitId: 'sc' }).expect(201);
  await createCampaign(sc, 'sup.cd', { campaignId: 'C1', unitId: 'sc-cd', parentCampaignId: 'P' }).expect(
    201,
  );
  await createCampaign(sc, 'sup.my', { campaignId: 'C2', unitId: 'sc-my', parentCampaignId: 'P' }).expect(
    201,
  );
  await createCampaign(sc, 'sup.cd', { campaignId: 'K1', unitId: 'sc-cd-a', parentCampaignId: 'C1' }).expect(
    201,
  );
  await createCampaign(sc, 'sup.cd', { campaignId: 'K2', unitId: 'sc-cd-b', parentCampaignId: 'C1' }).expect(
    201,
  );
  await createCampaign(sc, 'sup.my', { campaignId: 'K3', unitId: 'sc-my-a', parentCampaignId: 'C2' }).expect(
    201,
  );
  for (const [campaignId, unitId] of [
    ['K1', 'sc-cd-a'],
    ['K2', 'sc-cd-b'],
    ['K3', 'sc-my-a'],
  ] as const)
    for (const state of ALL_STATES) items.push(await placeItem(sc, campaignId, unitId, state));
  for (const [campaignId, unitId, state] of [
    ['C1', 'sc-cd', 'rectifying'],
    ['C1', 'sc-cd-a', 'closed'],
    ['C2', 'sc-my', 'verifying'],
    ['P', 'sc', 'confirmed'],
    ['P', 'sc-cd-b', 'registered'],
  ] as const)
    items.push(await placeItem(sc, campaignId, unitId, state));
}, 120_000);
afterAll(() => sc.api.close());

const problem = (slug: string) => `urn:zhengzhi:problem:${slug}`;

describe('parent links are validated', () => {
  it('refuses a parent the caller may not read (Chengdu under Mianyang’s campaign)', async () => {
    const response = await createCampaign(sc, 'sup.cd', {
      campaignId: 'X',
      unitId: 'sc-cd',
      parentCampaignId: 'C2',
    }).expect(403);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.type).toBe(problem('forbidden'));
    expect(response.body.detail).toMatch(/parentCampaignId: campaign C2 is outside the line of sc-cd/);
    await sc.api.http.get('/campaigns/X').set(sc.as('sup.cd')).expect(404);
  });

  it('refuses a parent that does not exist', async () => {
    const response = await createCampaign(sc, 'sup.cd', {
      campaignId: 'X',
      unitId: 'sc-cd',
      parentCampaignId: 'nope',
    }).expect(400);
    expect(response.body.type).toBe(problem('validation-failed'));
    expect(response.body.invalidFields).toEqual([
      { field: 'parentCampaignId', messages: ['no such campaign'] },
    ]);
  });

  it('refuses a sibling county’s campaign, and a readable parent run by a unit not above the child', async () => {
    const sibling = await createCampaign(sc, 'sup.cd', {
      campaignId: 'X',
      unitId: 'sc-cd-a',
      parentCampaignId: 'K2',
    }).expect(400);
    expect(sibling.body.type).toBe(problem('invalid-input'));
    expect(sibling.body.detail).toMatch(/campaign K2 is run by 青羊区交通运输局, which is neither/);
    const across = await createCampaign(sc, 'sup.sc', {
      campaignId: 'X',
      unitId: 'sc-cd',
      parentCampaignId: 'C2',
    }).expect(400);
    expect(across.body.detail).toMatch(/campaign C2 is run by 绵阳市交通运输局/);
    const upward = await createCampaign(sc, 'sup.sc', {
      campaignId: 'X',
      unitId: 'sc',
      parentCampaignId: 'C1',
    }).expect(400);
    expect(upward.body.detail).toMatch(/neither the new campaign's unit nor above it/);
    const list = await sc.api.http.get('/campaigns').set(sc.as('sup.sc')).expect(200);
    expect(list.body.items.map((c: { streamId: string }) => c.streamId)).not.toContain('X');
  });

  it('accepts a parent of the same unit (a second campaign of the province reporting into P)', async () => {
    await createCampaign(sc, 'sup.sc', { campaignId: 'P-sub', unitId: 'sc', parentCampaignId: 'P' }).expect(
      201,
    );
  });
});

type Row = { key: string; label: string; current: Record<string, number> };

async function bulletinAs(login: SichuanLogin, campaignId: string, status = 200) {
  return sc.api.http.get(`/campaigns/${campaignId}/bulletin`).query(period).set(sc.as(login)).expect(status);
}

/** The figures the bulletin prints, without the overdue column (the test's clock is before every deadline). */
const figuresOf = (row: { current: Record<string, number> }) => {
  const { overdue: _overdue, ...rest } = row.current;
  return rest;
};

describe('every aggregate equals the test’s own count, per reader', () => {
  const inCampaigns = (...ids: string[]) => items.filter((i) => ids.includes(i.campaignId));

  it('the province supervisor sees the whole tree, each campaign and each city by name', async () => {
    const { body } = await bulletinAs('sup.sc', 'P');
    expect(figuresOf(body.totals)).toEqual(countFigures(items));
    // Each row is the campaign's subtotal (its own items and its sub-campaigns'), parents before children.
    const subtree: Record<string, string[]> = {
      P: ['P', 'P-sub', 'C1', 'C2', 'K1', 'K2', 'K3'],
      C1: ['C1', 'K1', 'K2'],
      C2: ['C2', 'K3'],
    };
    for (const row of body.byCampaign as Array<Row & { own: Row }>) {
      expect(figuresOf(row)).toEqual(countFigures(inCampaigns(...(subtree[row.key] ?? [row.key]))));
      expect(figuresOf(row.own)).toEqual(countFigures(inCampaigns(row.key)));
    }
    expect((body.byCampaign as Row[]).map((r) => r.key)).toEqual([
      'P',
      'P-sub',
      'C1',
      'K1',
      'K2',
      'C2',
      'K3',
    ]);
    const city = (body.byCampaign as Row[]).find((r) => r.key === 'C1')!;
    const cityOwn = await bulletinAs('sup.cd', 'C1');
    expect(city.current).toEqual(cityOwn.body.totals.current);
    const byUnit = new Map((body.byUnit as Row[]).map((r) => [r.label, figuresOf(r)]));
    expect(byUnit.get('成都市交通运输局')).toEqual(
      countFigures(items.filter((i) => i.unitId.startsWith('sc-cd'))),
    );
    expect(byUnit.get('绵阳市交通运输局')).toEqual(
      countFigures(items.filter((i) => i.unitId.startsWith('sc-my'))),
    );
    expect(byUnit.get('四川省交通运输厅（本级）')).toEqual(
      countFigures(items.filter((i) => i.unitId === 'sc')),
    );
    expect(JSON.stringify(body.byUnit)).not.toMatch(/"label":"sc-/);
  });

  it('a city supervisor sees its own city’s tree and nothing of the province’s or the other city’s', async () => {
    const { body } = await bulletinAs('sup.cd', 'C1');
    expect(figuresOf(body.totals)).toEqual(countFigures(inCampaigns('C1', 'K1', 'K2')));
    expect((body.byCampaign as Row[]).map((r) => r.key)).toEqual(['C1', 'K1', 'K2']);
    const labels = (body.byUnit as Row[]).map((r) => r.label);
    expect(labels).toEqual(['成都市交通运输局（本级）', '锦江区交通运输局', '青羊区交通运输局']);
    for (const id of ['P', 'C2', 'K3']) {
      const refused = await bulletinAs('sup.cd', id, 403);
      expect(refused.body.type).toBe(problem('forbidden'));
    }
    const mianyang = await bulletinAs('sup.my', 'C2');
    expect(figuresOf(mianyang.body.totals)).toEqual(countFigures(inCampaigns('C2', 'K3')));
  });

  it('an item moved to a unit outside a campaign’s line counts only for readers who may read it', async () => {
    // The province supervisor reassigns a 锦江区 clue of K1 to 涪城区 (Mianyang) for verification.
    const moved = await placeItem(sc, 'K1', 'sc-cd-a', 'registered');
    await sc.api.http
      .post(`/items/${moved.itemId}/commands/assign-verification`)
      .set(sc.as('sup.sc'))
      .send({ unitId: 'sc-my-a', officerId: 'u-off', deadline: '2023-05-01T00:00:00.000Z' })
      .expect(200);
    await sc.api.http.get(`/items/${moved.itemId}`).set(sc.as('sup.cd')).expect(403);
    const chengdu = await bulletinAs('sup.cd', 'C1');
    expect(figuresOf(chengdu.body.totals)).toEqual(countFigures(inCampaigns('C1', 'K1', 'K2')));
    const k1 = (chengdu.body.byCampaign as Row[]).find((r) => r.key === 'K1')!;
    expect(k1.current.clues).toBe(inCampaigns('K1').length);
    const province = await bulletinAs('sup.sc', 'P');
    const all = [...items, { ...moved, unitId: 'sc-my-a', state: 'verifying' }];
    expect(figuresOf(province.body.totals)).toEqual(countFigures(all));
    const mianyang = (province.body.byUnit as Row[]).find((r) => r.label === '绵阳市交通运输局')!;
    expect(figuresOf(mianyang)).toEqual(countFigures(all.filter((i) => i.unitId.startsWith('sc-my'))));
    // The moved clue no longer counts in 锦江区's own county bulletin as its supervisor reads it.
    const county = await bulletinAs('sup.cd-a', 'K1');
    expect(county.body.totals.current.clues).toBe(inCampaigns('K1').length);
    items.push({ ...moved, unitId: 'sc-my-a', state: 'verifying' });
  });
});

const LEDGER_STATES = ['confirmed', 'rectifying', 'awaitingAcceptance', 'closed', 'lookBack', 'reopened'];

async function consolidatedAs(login: SichuanLogin, campaignId: string) {
  const response = await sc.api.http
    .get(`/campaigns/${campaignId}/consolidated-ledger.xlsx`)
    .set(sc.as(login))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: Array<{ number: unknown; reportingUnit: unknown }> = [];
  sheet.eachRow((row, index) => {
    if (index >= 5) rows.push({ number: row.getCell(1).value, reportingUnit: row.getCell(2).value });
  });
  return { sheet, rows };
}

describe('roll-up reporting', () => {
  const unitName = new Map(sichuanUnits.map((u) => [u.id as string, u.name as string]));
  const runBy: Record<string, string> = {
    P: 'sc',
    'P-sub': 'sc',
    C1: 'sc-cd',
    C2: 'sc-my',
    K1: 'sc-cd-a',
    K2: 'sc-cd-b',
    K3: 'sc-my-a',
  };

  it('汇总台账: one row per confirmed item of the tree the reader may read, with its 报送单位', async () => {
    const { sheet, rows } = await consolidatedAs('sup.sc', 'P');
    expect(sheet.getCell('B4').value).toBe('报送单位');
    const confirmed = items.filter((i) => LEDGER_STATES.includes(i.state));
    expect(rows).toHaveLength(confirmed.length);
    expect(rows.map((r) => r.number)).toEqual(confirmed.map((_, n) => n + 1));
    const byReporter = (list: Array<{ reportingUnit: unknown }>) =>
      list.reduce<Record<string, number>>(
        (acc, r) => ({ ...acc, [String(r.reportingUnit)]: (acc[String(r.reportingUnit)] ?? 0) + 1 }),
        {},
      );
    expect(byReporter(rows)).toEqual(
      byReporter(confirmed.map((i) => ({ reportingUnit: unitName.get(runBy[i.campaignId]!) }))),
    );
    const bulletin = await bulletinAs('sup.sc', 'P');
    expect(rows).toHaveLength(bulletin.body.totals.current.confirmed);
    const chengdu = await consolidatedAs('sup.cd', 'C1');
    const mine = confirmed.filter((i) => ['C1', 'K1', 'K2'].includes(i.campaignId));
    expect(chengdu.rows).toHaveLength(mine.length);
    const cityBulletin = await bulletinAs('sup.cd', 'C1');
    expect(chengdu.rows).toHaveLength(cityBulletin.body.totals.current.confirmed);
  });

  it('报送情况: which units have not reported for each due instant of the cadence', async () => {
    const { engine } = sc.api.runtime;
    await engine.execute(
      'C1',
      {
        type: 'SET_REPORTING',
        cadence: { kind: 'weekdays', days: [1, 3], time: '09:00' },
        unitIds: ['sc-cd-a', 'sc-cd-b'],
      },
      sc.actor('sup.cd'),
    );
    await engine.execute(
      'C1',
      { type: 'SUBMIT_REPORT', unitId: 'sc-cd-a', dueAt: '2023-04-12T01:00:00.000Z' },
      sc.actor('sup.cd-a'),
    );
    const { body } = await bulletinAs('sup.cd', 'C1');
    const dues = body.reporting as Array<{
      campaignId: string;
      dueAt: string;
      onTime: Array<{ unitName: string }>;
      missing: Array<{ unitName: string }>;
    }>;
    expect(dues.map((d) => d.dueAt)).toEqual([
      '2023-04-12T01:00:00.000Z',
      '2023-04-17T01:00:00.000Z',
      '2023-04-19T01:00:00.000Z',
      '2023-04-24T01:00:00.000Z',
      '2023-04-26T01:00:00.000Z',
    ]);
    expect(dues[0]!.onTime.map((u) => u.unitName)).toEqual(['锦江区交通运输局']);
    expect(dues[0]!.missing.map((u) => u.unitName)).toEqual(['青羊区交通运输局']);
    expect(dues[1]!.missing.map((u) => u.unitName)).toEqual(['锦江区交通运输局', '青羊区交通运输局']);
    // The city's 报送情况 is the city's: a county supervisor does not read the city bulletin.
    await bulletinAs('sup.cd-a', 'C1', 403);
    const html = await sc.api.http
      .get('/campaigns/C1/bulletin')
      .query({ ...period, format: 'html' })
      .set(sc.as('sup.cd'))
      .expect(200);
    expect(html.text).toContain('按时报送情况');
    expect(html.text).toMatch(
      /<td>2023-04-17<\/td><td>0<\/td><td>—<\/td><td>锦江区交通运输局、青羊区交通运输局<\/td>/,
    );
  });
});
