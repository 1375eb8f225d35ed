import ExcelJS from 'exceljs';
import type request from 'supertest';
import pdf from 'pdf-parse/lib/pdf-parse.js';
import { clue, createXiningCampaign, startApi, type ApiHarness } from '../api/support';
import { ledgerSheet } from './xining-template';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

  it('POST …/clues/upload?dryRun=true previews a 线索台账 (located problems, counts) and writes nothing', async () => {
    const clueCampaign = await createXiningCampaign(api, 'xn-clue-dry-run');
    const clueCount = async () =>
      Number(
        (
          await api.runtime.database.dataSource.query(
            `SELECT count(*) AS n FROM streams WHERE stream_type = 'item' AND campaign_id = $1`,
            [clueCampaign],
          )
        )[0].n,
      );
    const sheet = async (rows: unknown[][]) => {
      const workbook = new ExcelJS.Workbook();
      const ws = workbook.addWorksheet('线索台账');
      ws.getCell('A1').value = '交通运输执法领域突出问题线索台账';
      ws.getRow(4).values = [
        '序号',
        '线索来源',
        '反映渠道',
        '被反映单位',
        '问题线索',
        '收到时间',
        '核查单位',
        '核查情况',
        '办理状态',
      ];
      rows.forEach((values, i) => (ws.getRow(5 + i).values = values as ExcelJS.CellValue[]));
      return Buffer.from(await workbook.xlsx.writeBuffer());
    };
    const upload = (bytes: Buffer, query = '') =>
      api.http
        .post(`/campaigns/${clueCampaign}/clues/upload${query}`)
        .set(api.as('supervisor'))
        .attach('file', bytes, { filename: '线索台账.xlsx', contentType: XLSX_TYPE });
    const good = [
      [
        1,
        '12328热线',
        '12328交通运输服务监督热线',
        '湟中区交通运输局',
        '执法人员随意拦车、扣车',
        '2023-04-02',
      ],
      [2, '信访', '来信', '湟中区交通运输局', '对货车司机罚款不开票据', '2023年4月5日'],
    ];
    const preview = await upload(await sheet(good), '?dryRun=true').expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, applied: false, created: 2, problems: [] });
    expect(await clueCount()).toBe(0);
    // A broken copy: an unknown source and a date that does not exist, each located; still nothing written.
    const broken = [
      good[0]!,
      [2, '托梦', '来信', '湟中区交通运输局', '对货车司机罚款不开票据', '2023年2月30日'],
    ];
    const refused = await upload(await sheet(broken), '?dryRun=true').expect(200);
    expect(refused.body).toMatchObject({ dryRun: true, applied: false });
    expect(refused.body.problems.map((p: { cell: string }) => p.cell).sort()).toEqual(['B6', 'F6']);
    expect(await clueCount()).toBe(0);
    // Without dryRun the good sheet registers its clues.
    const done = await upload(await sheet(good)).expect(200);
    expect(done.body).toMatchObject({ applied: true, created: 2 });
    expect(await clueCount()).toBe(2);
  });
});
