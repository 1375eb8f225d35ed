import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command, ledger, registerItem, startApi, type ApiHarness, uploadEvidence } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const seedRules = readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8');

describe('one campaign from mobilize to consolidate, entirely through the API', () => {
  it('runs the Xining 2023 campaign with rules, items, an escalation and closure', async () => {
    const supervisor = api.as('supervisor');
    const created = await api.http
      .post('/campaigns')
      .set(supervisor)
      .send({ template: 'xining-2023', campaignId: 'walk', unitId: 'xn-city' })
      .expect(201);
    expect(created.body.state).toBe('mobilize');
    const campaign = await api.http.get('/campaigns/walk').set(supervisor).expect(200);
    expect(campaign.body.context.categories).toHaveLength(6);

    // Rules: check, test, publish, list.
    const check = await api.http
      .post('/rule-sets/check')
      .set(supervisor)
      .send({ source: seedRules, fileName: 'xining-2023.rules' })
      .expect(200);
    expect(check.body).toMatchObject({ ok: true, ruleSetId: 'xining-2023', diagnostics: [] });
    const tested = await api.http
      .post('/rule-sets/test')
      .set(supervisor)
      .send({
        source: seedRules,
        cases: [
          {
            title: 'rejected twice',
            at: '2023-06-01T00:00:00Z',
            item: { state: 'rectifying', rejectedCount: 2 },
          },
        ],
      })
      .expect(200);
    expect(tested.body.examplesPassed).toBe(true);
    expect(
      tested.body.evaluations[0].decision.escalations.map((e: { measure: string }) => e.measure),
    ).toContain('hold_accountable');
    const published = await api.http
      .post('/campaigns/walk/rule-sets')
      .set(supervisor)
      .send({ source: seedRules })
      .expect(201);
    expect(published.body).toMatchObject({ campaignId: 'walk', version: 1, ruleSetId: 'xining-2023' });
    const versions = await api.http.get('/campaigns/walk/rule-sets').set(api.as('auditor')).expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    await api.http.post('/campaigns/walk/rule-sets').set(supervisor).send({ source: seedRules }).expect(409);

    const campaignCommand = (segment: string, body: Record<string, unknown> = {}) =>
      api.http.post(`/campaigns/walk/commands/${segment}`).set(supervisor).send(body);
    const fulfil = async (...codes: string[]) => {
      for (const code of codes)
        await campaignCommand('fulfil-obligation', { code, note: '已完成' }).expect(200);
    };

    // 动员部署: the phase cannot close with open obligations.
    const early = await campaignCommand('advance-phase').expect(422);
    expect(early.body.type).toBe('urn:zhengzhi:problem:guard-failed');
    await fulfil('task_force', 'work_plan', 'deployment');
    expect((await campaignCommand('advance-phase').expect(200)).body.state).toBe('identify');

    // 查摆问题: two clues; one is confirmed, the other dismissed with the principal's sign-off.
    const confirmedItem = await registerItem(api, 'walk');
    const dismissedItem = await registerItem(api, 'walk');
    for (const id of [confirmedItem, dismissedItem]) {
      await command(api, 'officer', id, 'assign-verification', {
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2023-05-01T00:00:00.000Z',
      }).expect(200);
    }
    await command(api, 'officer', confirmedItem, 'confirm', {
      category: 'rough',
      severity: 'general',
      findings: '执法粗暴属实',
    }).expect(200);
    await command(api, 'officer', dismissedItem, 'propose-dismissal', { reason: '经核查不属实' }).expect(200);
    await command(api, 'principal', dismissedItem, 'approve-dismissal').expect(200);
    await fulfil('public_notice', 'self_check', 'case_file_review');
    expect((await campaignCommand('advance-phase').expect(200)).body.state).toBe('rectify');

    // 集中整治: rectification rejected twice at acceptance → the seed rule holds the person accountable.
    await command(api, 'officer', confirmedItem, 'start-rectification', ledger).expect(200);
    let escalations: Array<{ measure: string; escalationId: string }> = [];
    for (let round = 1; round <= 2; round++) {
      await command(api, 'officer', confirmedItem, 'submit-for-acceptance', {
        result: `第${round}次整改`,
        files: [await uploadEvidence(api, 'officer', confirmedItem)],
      }).expect(200);
      const rejected = await command(api, 'supervisor', confirmedItem, 'reject', {
        reason: '证据不足',
      }).expect(200);
      escalations = rejected.body.escalations;
    }
    expect(escalations.map((e) => e.measure)).toContain('hold_accountable');
    const escalationId = escalations.find((e) => e.measure === 'hold_accountable')!.escalationId;

    // The escalation, as the unit and the auditor see it; the unit responds, the supervisor lifts it.
    const listed = await api.http
      .get(`/escalations?itemId=${confirmedItem}`)
      .set(api.as('officer'))
      .expect(200);
    expect(listed.body.items.map((e: { streamId: string }) => e.streamId)).toContain(escalationId);
    const detail = await api.http.get(`/escalations/${escalationId}`).set(api.as('auditor')).expect(200);
    expect(detail.body.context).toMatchObject({
      ruleId: 'rejected-twice-accountable',
      ruleSetVersion: 1,
      measure: 'hold_accountable',
    });
    await api.http
      .post(`/escalations/${escalationId}/commands/acknowledge`)
      .set(api.as('officer'))
      .send({ note: '收到' })
      .expect(200);
    await api.http
      .post(`/escalations/${escalationId}/commands/respond`)
      .set(api.as('officer'))
      .send({ response: '已对责任人诫勉谈话' })
      .expect(200);
    const officerLift = await api.http
      .post(`/escalations/${escalationId}/commands/lift`)
      .set(api.as('officer'))
      .send({ reason: 'x' })
      .expect(403);
    expect(officerLift.body.missingPermission).toBe('escalation:lift');
    expect(
      (
        await api.http
          .post(`/escalations/${escalationId}/commands/lift`)
          .set(supervisor)
          .send({ reason: '已问责到位' })
          .expect(200)
      ).body.state,
    ).toBe('lifted');

    // Accepted at the third submission: closed (销号); the rectify phase may close now.
    await command(api, 'officer', confirmedItem, 'submit-for-acceptance', {
      result: '整改到位',
      files: [await uploadEvidence(api, 'officer', confirmedItem)],
    }).expect(200);
    expect(
      (await command(api, 'supervisor', confirmedItem, 'accept', { note: '同意销号' }).expect(200)).body
        .state,
    ).toBe('closed');
    await fulfil('rectification_ledger', 'regulation_cleanup');
    expect((await campaignCommand('advance-phase').expect(200)).body.state).toBe('summarize');
    await fulfil('summary_report', 'typical_cases');
    expect((await campaignCommand('advance-phase').expect(200)).body.state).toBe('consolidate');

    const history = await api.http.get('/campaigns/walk/history').set(api.as('auditor')).expect(200);
    expect(history.body.events.filter((e: { type: string }) => e.type === 'ADVANCE_PHASE')).toHaveLength(4);
    const item = await api.http.get(`/items/${confirmedItem}/history`).set(api.as('auditor')).expect(200);
    expect(item.body.replayedState).toBe('closed');
  });
});
