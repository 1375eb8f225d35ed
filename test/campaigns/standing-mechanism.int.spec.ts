import ExcelJS from 'exceljs';
import { startApi, type ApiHarness } from '../api/support';

/**
 * Issue 17: a standing mechanism (长效机制, seed 001 乳山) is not a five-phase campaign. It runs periodic
 * look-back rounds (回头看); bulletins count look-backs started, passed and rebounded and never list a
 * rebounded item as a positive case; the ledger row of a reopened item says 反弹 / 回头看.
 */
let api: ApiHarness;
const officer = { userId: 'u-officer', unitId: 'xn-hz' };
const ids: Record<string, string> = {};

const run = (id: string, command: Record<string, unknown> & { type: string }) =>
  api.runtime.engine.execute(id, command, officer);
const at = (iso: string) => api.runtime.clock.set(iso);

async function closedItem(name: string, acceptedAt: string): Promise<string> {
  at('2023-04-10T01:00:00.000Z');
  const { streamId } = await api.runtime.engine.create(
    'item',
    {
      campaignId: 'rushan',
      reportedUnitId: 'xn-hz',
      source: 'hotline12328',
      description: name,
      receivedAt: '2023-04-09T00:00:00Z',
    },
    officer,
  );
  await run(streamId, {
    type: 'ASSIGN_VERIFICATION',
    unitId: 'xn-hz',
    officerId: 'u-officer',
    deadline: '2023-05-01T00:00:00Z',
  });
  await run(streamId, { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实' });
  await run(streamId, {
    type: 'START_RECTIFICATION',
    manifestation: name,
    measures: '培训',
    responsibleUnitId: 'xn-hz',
    responsiblePerson: '张三',
    deadline: '2023-09-01T00:00:00Z',
  });
  await run(streamId, { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] });
  at(acceptedAt);
  await run(streamId, { type: 'ACCEPT' });
  return streamId;
}

/** The test's clock moves by weeks, past the access tokens' 15 minutes: log in again at the current instant. */
async function fresh(username: 'supervisor' | 'auditor'): Promise<{ Authorization: string }> {
  const { body } = await api.http
    .post('/auth/login')
    .send({ username, password: 'zhengzhi-demo' })
    .expect(200);
  return { Authorization: `Bearer ${body.accessToken}` };
}

async function round(iso: string, note: string) {
  at(iso);
  const auth = await fresh('supervisor');
  return api.http
    .post('/campaigns/rushan/commands/start-look-back-round')
    .set(auth)
    .send({ note })
    .expect(200);
}

beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

describe('长效机制 through two look-back rounds with a rebound', () => {
  it('is created from its template without phases or deadlines, and refuses the phase march', async () => {
    const created = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({ template: 'rushan-long-term', campaignId: 'rushan', unitId: 'xn-city' })
      .expect(201);
    expect(created.body.state).toBe('standing');
    const { body } = await api.http.get('/campaigns/rushan').set(api.as('supervisor')).expect(200);
    expect(body.context).toMatchObject({
      kind: 'standing',
      deadlines: {},
      obligations: [],
      lookBackRounds: [],
    });
    const advance = await api.http
      .post('/campaigns/rushan/commands/advance-phase')
      .set(api.as('supervisor'))
      .send({})
      .expect(422);
    expect(advance.body.type).toBe('urn:zhengzhi:problem:event-not-accepted');
    await api.http.post('/campaigns/rushan/commands/finish').set(api.as('supervisor')).send({}).expect(422);
    const campaign = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({ template: 'xining-2023', campaignId: 'xn', unitId: 'xn-city' })
      .expect(201);
    const notStanding = await api.http
      .post('/campaigns/xn/commands/start-look-back-round')
      .set(api.as('supervisor'))
      .send({})
      .expect(422);
    expect(campaign.body.state).toBe('mobilize');
    expect(notStanding.body.type).toBe('urn:zhengzhi:problem:event-not-accepted');
  });

  it('round 1 looks at every closed item again; one rebounds, is rectified again and closed', async () => {
    for (const name of ['A', 'B', 'C'])
      ids[name] = await closedItem(`问题${name}`, '2023-04-20T01:00:00.000Z');
    const first = await round('2023-05-01T01:00:00.000Z', '第一轮回头看');
    expect(first.body.effects['look-back-round']).toEqual([
      { round: 1, items: [ids.A, ids.B, ids.C].sort() },
    ]);
    await run(ids.A!, { type: 'PASS_LOOK_BACK', note: '未反弹' });
    await run(ids.B!, { type: 'PASS_LOOK_BACK', note: '未反弹' });
    await run(ids.C!, { type: 'REBOUND', note: '群众再次投诉' });
    at('2023-05-10T01:00:00.000Z');
    await run(ids.C!, { type: 'RESUME_RECTIFICATION', deadline: '2023-06-30T00:00:00Z' });
    await run(ids.C!, { type: 'SUBMIT_FOR_ACCEPTANCE', result: '再次整改', evidence: ['照片2.jpg'] });
    at('2023-05-20T01:00:00.000Z');
    expect((await run(ids.C!, { type: 'ACCEPT' })).state).toBe('closed');
    ids.D = await closedItem('问题D', '2023-05-25T01:00:00.000Z');
  });

  it('round 2: another rebound; the bulletin counts look-backs and lists no rebounded item as positive', async () => {
    const second = await round('2023-06-01T01:00:00.000Z', '第二轮回头看');
    expect(second.body.effects['look-back-round'][0]).toMatchObject({ round: 2 });
    expect(second.body.effects['look-back-round'][0].items).toHaveLength(4);
    await run(ids.A!, { type: 'PASS_LOOK_BACK', note: '巩固' });
    await run(ids.C!, { type: 'PASS_LOOK_BACK', note: '巩固' });
    await run(ids.D!, { type: 'PASS_LOOK_BACK', note: '巩固' });
    await run(ids.B!, { type: 'REBOUND', note: '问题再现' });
    const { body: campaign } = await api.http
      .get('/campaigns/rushan')
      .set(await fresh('auditor'))
      .expect(200);
    expect(
      campaign.context.lookBackRounds.map((r: { number: number; note: string }) => [r.number, r.note]),
    ).toEqual([
      [1, '第一轮回头看'],
      [2, '第二轮回头看'],
    ]);

    const { body } = await api.http
      .get('/campaigns/rushan/bulletin')
      .query({ from: '2023-05-15T00:00:00Z', to: '2023-06-15T00:00:00Z', format: 'json' })
      .set(await fresh('supervisor'))
      .expect(200);
    expect(body.lookBacks).toEqual({
      inPeriod: { started: 4, passed: 3, rebounded: 1 },
      toDate: { started: 7, passed: 5, rebounded: 2 },
    });
    // C was accepted again in the period but had rebounded: only D is a positive case.
    expect(body.cases.positive.map((c: { streamId: string }) => c.streamId)).toEqual([ids.D]);
    const html = await api.http
      .get('/campaigns/rushan/bulletin')
      .query({ from: '2023-05-15T00:00:00Z', to: '2023-06-15T00:00:00Z', format: 'html' })
      .set(await fresh('supervisor'))
      .expect(200);
    expect(html.text).toContain('回头看：本期开展4件、通过3件、反弹1件；累计开展7件、通过5件、反弹2件。');
  });

  it('the ledger row of the reopened item says 反弹 and 回头看, not only that it was rectified', async () => {
    const response = await api.http
      .get('/campaigns/rushan/ledger.xlsx')
      .set(await fresh('supervisor'))
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
    const progressOf = (name: string) => {
      let found = '';
      sheet.eachRow((row) => {
        if (row.getCell(3).value === name) found = String(row.getCell(7).value);
      });
      return found;
    };
    expect(progressOf('问题B').split('\n')).toEqual([
      '已整改',
      '2023-05-01 开展回头看：第1轮回头看',
      '2023-05-01 回头看通过：未反弹',
      '2023-06-01 开展回头看：第2轮回头看',
      '2023-06-01 问题反弹（反弹），重新整改：问题再现',
    ]);
    expect(progressOf('问题A')).toContain('回头看通过：巩固');
  });
});
