import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDeploymentClock } from '../../src/runtime/sandbox';
import { clue, command, createXiningCampaign, problemType, startApi, T0, type ApiHarness } from './support';

/** Issue 10 point 3: the sandbox clock (演练). */
describe('sandbox clock', () => {
  let api: ApiHarness;
  let campaignId: string;
  const HEADER = 'x-zhengzhi-sandbox';

  beforeAll(async () => {
    api = await startApi({ sandbox: { clock: T0 } });
    campaignId = await createXiningCampaign(api);
  });
  afterAll(() => api.close());

  const events = async (streamId: string) =>
    (await api.http.get(`/items/${streamId}/history`).set(api.as('supervisor')).expect(200)).body
      .events as Array<{ type: string; occurredAt: string }>;

  it('says so on every response, errors included, and in GET /sandbox', async () => {
    const ok = await api.http.get('/items').set(api.as('supervisor')).expect(200);
    expect(ok.headers[HEADER]).toBe(T0);
    const missing = await api.http.get('/items/nowhere').set(api.as('supervisor')).expect(404);
    expect(missing.headers[HEADER]).toBe(T0);
    const anonymous = await api.http.get('/healthz');
    expect(anonymous.headers[HEADER]).toBe(T0);
    const state = await api.http.get('/sandbox').set(api.as('officer')).expect(200);
    expect(state.body).toEqual({ mode: 'sandbox', clock: T0 });
  });

  it('walks a month in order: verification and rectification overdue, report dues, sweeps, escalations', async () => {
    const source = readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8');
    await api.http
      .post(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .send({ source })
      .expect(201);
    await api.http
      .post(`/campaigns/${campaignId}/commands/set-reporting`)
      .set(api.as('supervisor'))
      .send({ cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' }, unitIds: ['xn-hz'] })
      .expect(200);
    // An item whose verification runs out on 04-12: a deadline in the wall clock's past, the sandbox's future.
    const verifying = (
      await api.http.post('/items').set(api.as('officer')).send(clue(campaignId)).expect(201)
    ).body.streamId as string;
    await command(api, 'officer', verifying, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-04-12T00:00:00.000Z',
    }).expect(200);
    // An item in rectification whose deadline is 04-14.
    const rectifying = (
      await api.http.post('/items').set(api.as('officer')).send(clue(campaignId)).expect(201)
    ).body.streamId as string;
    await command(api, 'officer', rectifying, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-04-11T00:00:00.000Z',
    }).expect(200);
    await command(api, 'officer', rectifying, 'confirm', {
      category: 'non_standard',
      severity: 'general',
      findings: '查实',
    }).expect(200);
    await command(api, 'officer', rectifying, 'start-rectification', {
      manifestation: '随意拦车',
      measures: '开展培训',
      responsibleUnitId: 'xn-hz',
      responsiblePerson: '张三',
      deadline: '2023-04-14T00:00:00.000Z',
    }).expect(200);

    // Only a supervisor moves the clock; never backwards; bad input is a located 400.
    await api.http
      .post('/sandbox/clock')
      .set(api.as('officer'))
      .send({ to: '2023-05-20T00:00:00Z' })
      .expect(403);
    const back = await api.http
      .post('/sandbox/clock')
      .set(api.as('supervisor'))
      .send({ to: '2023-04-01T00:00:00Z' })
      .expect(422);
    expect(back.body.detail).toMatch(/only moves forward/);
    const bad = await api.http
      .post('/sandbox/clock')
      .set(api.as('supervisor'))
      .send({ to: 'soon' })
      .expect(400);
    expect(JSON.stringify(bad.body.invalidFields)).toContain('to');

    const to = '2023-05-20T00:00:00.000Z';
    const move = await api.http.post('/sandbox/clock').set(api.as('supervisor')).send({ to });
    if (move.status !== 200) throw new Error(JSON.stringify(move.body));
    expect(move.headers[HEADER]).toBe(to);
    expect(move.body).toMatchObject({ from: T0, to, clock: to });
    const steps = move.body.steps as Array<{
      at: string;
      jobs: Array<{ kind: string; streamId: string; dueAt: string; status: string }>;
    }>;
    // Steps one by one, in order, each job fired at its own due instant.
    const instants = steps.map((s) => Date.parse(s.at));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    for (const step of steps)
      for (const job of step.jobs) expect(Date.parse(job.dueAt)).toBeLessThanOrEqual(Date.parse(step.at));
    const fired = steps.flatMap((s) => s.jobs.map((j) => ({ ...j, at: s.at })));
    const at = (kind: string, streamId: string) =>
      fired.filter((j) => j.kind === kind && j.streamId === streamId && j.status === 'done').map((j) => j.at);
    expect(at('VERIFICATION_OVERDUE', verifying)).toEqual(['2023-04-12T00:00:00.000Z']);
    expect(at('RECTIFICATION_OVERDUE', rectifying)).toEqual(['2023-04-14T00:00:00.000Z']);
    // 江源 cadence: the 18th and 28th of April and the 8th and 18th of May, 18:00 CST.
    expect(at('REPORT_DUE', campaignId)).toEqual([
      '2023-04-18T10:00:00.000Z',
      '2023-04-28T10:00:00.000Z',
      '2023-05-08T10:00:00.000Z',
      '2023-05-18T10:00:00.000Z',
    ]);
    // A daily sweep at every 00:00 CST (16:00Z) from 04-10 to 05-19.
    expect(at('RULE_SWEEP', campaignId)).toHaveLength(40);

    // The overdue marks are events stamped with the instant they fell due.
    const verifyingEvents = await events(verifying);
    expect(verifyingEvents.find((e) => e.type === 'VERIFICATION_OVERDUE')?.occurredAt).toBe(
      '2023-04-12T00:00:00.000Z',
    );
    const rectifyingEvents = await events(rectifying);
    expect(rectifyingEvents.find((e) => e.type === 'RECTIFICATION_OVERDUE')?.occurredAt).toBe(
      '2023-04-14T00:00:00.000Z',
    );

    // Escalations issued by the sweeps, in order: 函询 at the first sweep more than 10 whole days overdue
    // (04-26 00:00 CST, 11 days 16 hours), 约谈 at the first more than 30.
    const escalations = (
      await api.http.get(`/escalations?itemId=${rectifying}`).set(api.as('supervisor')).expect(200)
    ).body.items as Array<{ streamId: string; measure: string; issuedAt: string }>;
    const issued = escalations
      .map((e) => ({ measure: e.measure, at: new Date(e.issuedAt).toISOString() }))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    expect(issued).toEqual([
      { measure: 'inquiry_letter', at: '2023-04-25T16:00:00.000Z' },
      { measure: 'admonish', at: '2023-05-15T16:00:00.000Z' },
    ]);
    // The 函询 had 7 days to answer: its response deadline fired at its own instant, between the two.
    const inquiry = escalations.find((e) => e.measure === 'inquiry_letter')!;
    expect(at('RESPONSE_OVERDUE', inquiry.streamId)).toEqual(['2023-05-02T16:00:00.000Z']);

    // Persisted and shared: another server on the same database starts at the moved clock.
    const again = await openDeploymentClock(api.runtime.database, { sandbox: true });
    expect(again.sandbox!.now().toISOString()).toBe(to);
    expect((await api.http.get('/sandbox').set(api.as('officer')).expect(200)).body.clock).toBe(to);
  });
});

describe('a production server and database refuse sandbox mode', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('POST /sandbox/clock is a 404 problem, no sandbox header, and GET /sandbox says production', async () => {
    const response = await api.http
      .post('/sandbox/clock')
      .set(api.as('supervisor'))
      .send({ to: '2023-05-01T00:00:00Z' })
      .expect(404);
    expect(response.type).toBe('application/problem+json');
    expect(response.body.type).toBe(problemType('not-found'));
    expect(response.body.detail).toMatch(/not a sandbox/);
    expect(response.headers['x-zhengzhi-sandbox']).toBeUndefined();
    expect((await api.http.get('/sandbox').set(api.as('officer')).expect(200)).body).toEqual({
      mode: 'production',
      clock: null,
    });
  });

  it('a database with data and no sandbox mark is never turned into one', async () => {
    await expect(
      openDeploymentClock(api.runtime.database, { sandbox: true, clock: T0, location: 'test database' }),
    ).rejects.toThrow(/^test database is a production database .*refusing --sandbox/);
    const rows = (await api.runtime.database.dataSource.query(
      'SELECT count(*)::int AS n FROM settings',
    )) as Array<{
      n: number;
    }>;
    expect(rows[0]!.n).toBe(0);
  });
});
