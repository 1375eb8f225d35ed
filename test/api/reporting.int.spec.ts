import { createXiningCampaign, startApi, T0, type ApiHarness } from './support';

/** Issue 10 point 5: reporting cadences and reports through the API (set-reporting, submit-report). */
describe('reporting through the API', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('sets the 江源 cadence, takes a unit report, and counts the unit that missed the due instant', async () => {
    const campaignId = await createXiningCampaign(api);
    const cadence = { kind: 'monthDays', days: [8, 18, 28], time: '18:00' };
    await api.http
      .post(`/campaigns/${campaignId}/commands/set-reporting`)
      .set(api.as('supervisor'))
      .send({ cadence, unitIds: ['xn-hz', 'xn-dt'] })
      .expect(200);
    const contextOf = async () => {
      const campaign = await api.http.get(`/campaigns/${campaignId}`).set(api.as('supervisor'));
      if (campaign.status !== 200) throw new Error(JSON.stringify(campaign.body));
      return (campaign.body.stream ?? campaign.body).context;
    };
    expect((await contextOf()).reporting).toMatchObject({ cadence, unitIds: ['xn-hz', 'xn-dt'] });
    // T0 is 2023-04-10 09:00Z: the next due instant is the 18th, 18:00 CST = 10:00Z.
    const dueAt = '2023-04-18T10:00:00.000Z';
    await api.http
      .post(`/campaigns/${campaignId}/commands/submit-report`)
      .set(api.as('officer'))
      .send({ unitId: 'xn-hz', dueAt })
      .expect(200);
    // an officer of 湟中 cannot report for 大通
    await api.http
      .post(`/campaigns/${campaignId}/commands/submit-report`)
      .set(api.as('officer'))
      .send({ unitId: 'xn-dt', dueAt })
      .expect(403);
    await api.http
      .post(`/campaigns/${campaignId}/commands/submit-report`)
      .set(api.as('officer'))
      .send({ unitId: 'nowhere', dueAt })
      .expect(400);
    expect(T0 < dueAt).toBe(true);
    api.runtime.clock.set('2023-04-18T10:00:01.000Z');
    const fired = await api.runtime.scheduler.tick();
    api.runtime.clock.set(T0); // access tokens are checked against this clock
    expect(fired.map((job) => `${job.kind}@${job.dueAt}:${job.status}`)).toContain(
      `REPORT_DUE@${dueAt}:done`,
    );
    const context = await contextOf();
    expect(context.missedReports).toEqual({ 'xn-dt': 1 });
    expect(context.reportDues).toEqual([dueAt]);
  });

  it('a bad cadence is a 400 naming the field', async () => {
    const campaignId = await createXiningCampaign(api, 'xn-bad-cadence');
    const response = await api.http
      .post(`/campaigns/${campaignId}/commands/set-reporting`)
      .set(api.as('supervisor'))
      .send({ cadence: { kind: 'monthDays', days: [8], time: '25:00' }, unitIds: ['xn-hz'] })
      .expect(400);
    expect(JSON.stringify(response.body.invalidFields)).toContain('cadence.time');
  });
});
