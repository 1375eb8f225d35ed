import { defaultObligations } from '../../src/machines/campaign-templates';
import { createCampaign, placeItem, startSichuan, type SichuanHarness, type SichuanLogin } from './sichuan';

/**
 * Issue 17: a parent's phase changes take its sub-campaigns into account — refused while they lag or have
 * open items, or recorded with an explicit reason; lagging children are flagged; nothing new starts under a
 * finished parent.
 */
let sc: SichuanHarness;
beforeAll(async () => {
  sc = await startSichuan();
  await createCampaign(sc, 'sup.sc', { campaignId: 'P', unitId: 'sc' }).expect(201);
  await createCampaign(sc, 'sup.cd', { campaignId: 'C1', unitId: 'sc-cd', parentCampaignId: 'P' }).expect(
    201,
  );
  await createCampaign(sc, 'sup.cd', { campaignId: 'K1', unitId: 'sc-cd-a', parentCampaignId: 'C1' }).expect(
    201,
  );
  await placeItem(sc, 'K1', 'sc-cd-a', 'rectifying');
}, 60_000);
afterAll(() => sc.api.close());

const problem = (slug: string) => `urn:zhengzhi:problem:${slug}`;

function campaignCommand(
  login: SichuanLogin,
  id: string,
  segment: string,
  body: Record<string, unknown> = {},
) {
  return sc.api.http.post(`/campaigns/${id}/commands/${segment}`).set(sc.as(login)).send(body);
}

/** Fulfils the open obligations of the campaign's current phase. */
async function fulfilPhase(login: SichuanLogin, id: string): Promise<void> {
  const { body } = await sc.api.http.get(`/campaigns/${id}`).set(sc.as(login)).expect(200);
  for (const o of defaultObligations.filter((d) => d.phase === body.state))
    await campaignCommand(login, id, 'fulfil-obligation', { code: o.code }).expect(200);
}

describe('a parent’s phase changes over its sub-campaigns', () => {
  it('goes ahead without a reason when the children are ahead of it', async () => {
    await fulfilPhase('sup.cd-a', 'K1');
    await campaignCommand('sup.cd-a', 'K1', 'advance-phase').expect(200);
    await fulfilPhase('sup.cd', 'C1');
    const advanced = await campaignCommand('sup.cd', 'C1', 'advance-phase').expect(200);
    expect(advanced.body.state).toBe('identify');
    expect(advanced.body.event.payload).not.toHaveProperty('overrideReason');
  });

  it('is refused while children have not left the phase it leaves, naming them', async () => {
    await fulfilPhase('sup.sc', 'P');
    // mobilize → identify: both children are already in identify, so no reason is needed.
    await campaignCommand('sup.sc', 'P', 'advance-phase').expect(200);
    await fulfilPhase('sup.sc', 'P');
    const refused = await campaignCommand('sup.sc', 'P', 'advance-phase').expect(422);
    expect(refused.body.type).toBe(problem('guard-failed'));
    expect(refused.body.detail).toMatch(
      /sub-campaigns lag behind or have open items: C1 \(still in identify\); K1 \(still in identify\)/,
    );
    const p = await sc.api.http.get('/campaigns/P').set(sc.as('sup.sc')).expect(200);
    expect(p.body.state).toBe('identify');
    expect(p.body.version).toBe(8); // created, 3 obligations, advance, 3 obligations: the refusal appended nothing
    expect(p.body.tree.laggingSubCampaigns).toBe(0);
  });

  it('goes ahead with a recorded reason, and the lagging children are flagged', async () => {
    const over = await campaignCommand('sup.sc', 'P', 'advance-phase', {
      overrideReason: '省厅按计划推进',
    }).expect(200);
    expect(over.body.state).toBe('rectify');
    expect(over.body.event.payload).toMatchObject({
      overrideReason: '省厅按计划推进',
      children: [
        { campaignId: 'C1', state: 'identify', unresolvedItems: 0 },
        { campaignId: 'K1', state: 'identify', unresolvedItems: 1 },
      ],
    });
    const p = await sc.api.http.get('/campaigns/P').set(sc.as('sup.sc')).expect(200);
    expect(p.body.context.treeOverrides).toEqual([
      expect.objectContaining({
        from: 'identify',
        reason: '省厅按计划推进',
        blocking: ['C1 (still in identify)', 'K1 (still in identify)'],
      }),
    ]);
    expect(
      p.body.tree.subCampaigns.map((c: { campaignId: string; lagging: boolean }) => [
        c.campaignId,
        c.lagging,
      ]),
    ).toEqual([
      ['C1', true],
      ['K1', false],
    ]);
    const c1 = await sc.api.http.get('/campaigns/C1').set(sc.as('sup.cd')).expect(200);
    expect(c1.body.tree).toMatchObject({
      parent: { campaignId: 'P', state: 'rectify' },
      laggingBehindParent: true,
    });
    const history = await sc.api.http.get('/campaigns/P/history').set(sc.as('aud.sc')).expect(200);
    const reasons = history.body.events
      .filter((e: { type: string }) => e.type === 'ADVANCE_PHASE')
      .map((e: { payload: { overrideReason?: string } }) => e.payload.overrideReason);
    expect(reasons).toEqual([undefined, '省厅按计划推进']);
    const bulletin = await sc.api.http
      .get('/campaigns/P/bulletin')
      .query({ from: '2023-04-01T00:00:00Z', to: '2023-04-30T00:00:00Z', format: 'json' })
      .set(sc.as('sup.sc'))
      .expect(200);
    const rows = bulletin.body.byCampaign as Array<{ key: string; lagging: boolean; label: string }>;
    expect(rows.map((r) => [r.key, r.lagging])).toEqual([
      ['P', false],
      ['C1', true],
      ['K1', false],
    ]);
    expect(rows[1]!.label).toMatch(/滞后/);
  });

  it('closing 集中整治 counts the open items of the whole tree', async () => {
    await fulfilPhase('sup.sc', 'P');
    const refused = await campaignCommand('sup.sc', 'P', 'advance-phase').expect(422);
    expect(refused.body.detail).toMatch(/K1 \(still in identify, 1 confirmed item\(s\) open\)/);
  });

  it('finishing is refused over open children, recorded with a reason, and then nothing new starts below', async () => {
    for (const reason of ['省厅总结', '省厅巩固']) {
      await campaignCommand('sup.sc', 'P', 'advance-phase', { overrideReason: reason }).expect(200);
      await fulfilPhase('sup.sc', 'P');
    }
    const refused = await campaignCommand('sup.sc', 'P', 'finish').expect(422);
    expect(refused.body.detail).toMatch(
      /C1 \(still in identify\); K1 \(still in identify, 1 confirmed item\(s\) open\)/,
    );
    const finished = await campaignCommand('sup.sc', 'P', 'finish', {
      overrideReason: '省级行动按期结束，下级继续',
    }).expect(200);
    expect(finished.body.state).toBe('finished');
    expect(finished.body.event.payload.overrideReason).toBe('省级行动按期结束，下级继续');

    const item = await sc.api.http
      .post('/items')
      .set(sc.as('off.cd-a'))
      .send({
        campaignId: 'K1',
        reportedUnitId: 'sc-cd-a',
        source: 'hotline12328',
        description: '新线索',
        receivedAt: '2023-04-09T02:00:00.000Z',
      })
      .expect(400);
    expect(item.body.detail).toMatch(/K1 reports into P, which is finished: no new items/);
    const under = await createCampaign(sc, 'sup.cd', {
      campaignId: 'K9',
      unitId: 'sc-cd-b',
      parentCampaignId: 'C1',
    }).expect(422);
    expect(under.body.detail).toMatch(/C1 reports into P, which is finished/);
    const direct = await createCampaign(sc, 'sup.sc', {
      campaignId: 'K9',
      unitId: 'sc',
      parentCampaignId: 'P',
    }).expect(422);
    expect(direct.body.detail).toMatch(/campaign P is finished and takes no sub-campaigns/);
  });
});
