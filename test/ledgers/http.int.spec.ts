import ExcelJS from 'exceljs';
import type request from 'supertest';
import pdf from 'pdf-parse/lib/pdf-parse.js';
import { clue, createXiningCampaign, startApi, type ApiHarness } from '../api/support';
import { ledgerSheet } from './xining-template';

/** Collects a binary response body (supertest buffers only known text types by default). */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('ledgers and bulletins over HTTP (real server on a loopback port)', () => {
  let api: ApiHarness;
  let campaignId: string;

  beforeAll(async () => {
    api = await startApi({ bodyLimit: '2mb' });
    campaignId = await createXiningCampaign(api);
  });
  afterAll(async () => api.close());

  it('POST …/ledger/import refuses a bad sheet with problem+json listing each cell, then imports a good one', async () => {
    const bad = await ledgerSheet([
      [1, '执法不作为', '拦车', '培训', '湟中区交通运输局', '2023-09-30', null, null],
    ]);
    const refused = await api.http
      .post(`/campaigns/${campaignId}/ledger/import`)
      .set(api.as('supervisor'))
      .send({ file: bad.toString('base64'), fileName: 'bad.xlsx' })
      .expect(400)
      .expect('Content-Type', /application\/problem\+json/);
    expect(refused.body.problems).toEqual([
      expect.objectContaining({ sheet: '整改工作台账', cell: 'B5', row: 5, column: 'B' }),
    ]);
    expect(refused.body.detail).toContain('bad.xlsx');

    const good = await ledgerSheet([
      [1, '执法不规范', '随意拦车', '开展培训', '湟中区交通运输局', '2023-09-30', '已培训', null],
    ]);
    const imported = await api.http
      .post(`/campaigns/${campaignId}/ledger/import`)
      .set(api.as('supervisor'))
      .send({ file: good.toString('base64'), fileName: 'good.xlsx' })
      .expect(200);
    expect(imported.body).toMatchObject({ created: 1, applied: true, problems: [] });
    await api.http
      .post(`/campaigns/${campaignId}/ledger/import`)
      .set(api.as('officer.dt'))
      .send({ file: good.toString('base64') })
      .expect(403);
  });

  it('GET …/ledger.xlsx streams the sheet of the caller’s subtree', async () => {
    const response = await api.http
      .get(`/campaigns/${campaignId}/ledger.xlsx`)
      .set(api.as('supervisor'))
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('Content-Type', /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.getCell('C5').value).toBe('随意拦车');
    const other = await api.http
      .get(`/campaigns/${campaignId}/ledger.xlsx`)
      .set(api.as('officer.dt'))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const otherBook = new ExcelJS.Workbook();
    await otherBook.xlsx.load(other.body as unknown as ArrayBuffer);
    expect(otherBook.worksheets[0]!.rowCount).toBe(4);
    await api.http
      .get(`/campaigns/${campaignId}/ledger.xlsx?state=nonsense`)
      .set(api.as('supervisor'))
      .expect(400);
    await api.http.get(`/campaigns/nope/ledger.xlsx`).set(api.as('supervisor')).expect(404);
    await api.http.get(`/campaigns/${campaignId}/ledger.xlsx`).expect(401);
  });

  it('GET …/bulletin as json, html and pdf', async () => {
    await api.http.post('/items').set(api.as('officer')).send(clue(campaignId)).expect(201);
    const period = 'from=2023-04-01T00:00:00%2B08:00&to=2023-04-30T23:59:59%2B08:00';
    const json = await api.http
      .get(`/campaigns/${campaignId}/bulletin?${period}&format=json`)
      .set(api.as('supervisor'))
      .expect(200);
    expect(json.body.totals.current.clues).toBe(2);
    const html = await api.http
      .get(`/campaigns/${campaignId}/bulletin?${period}`)
      .set(api.as('supervisor'))
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(html.text).toContain('共收集问题线索<b>2</b>条');
    const document = await api.http
      .get(`/campaigns/${campaignId}/bulletin?${period}&format=pdf`)
      .set(api.as('supervisor'))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const { text } = await pdf(document.body as Buffer);
    expect(text.replace(/\s+/g, '')).toContain('共收集问题线索2条');
    await api.http
      .get(`/campaigns/${campaignId}/bulletin?from=yesterday&to=today`)
      .set(api.as('supervisor'))
      .expect(400);
    await api.http.get(`/campaigns/${campaignId}/bulletin?${period}`).set(api.as('officer')).expect(403);
  });
});
