import ExcelJS from 'exceljs';
import type request from 'supertest';
import { createXiningCampaign, startApi, type ApiHarness } from '../api/support';
import { readClerkDeadline } from '../../src/ledgers/clerk-dates';
import { sheetShape } from './sheet-compare';

/** Collects a binary response body. */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Headers as a clerk's copy has them: variants (问题类型, 完成情况…（附佐证）) plus 责任人 and 备注. */
const clerkHeaders = [
  '序号',
  '问题类型',
  '具体表现',
  '整改措施',
  '责任单位',
  '整改时限',
  '整改进度及可验证成果（附佐证）',
  '问责情况',
  '责任人',
  '备注',
];

type Row = [
  number,
  string,
  string,
  string,
  string,
  ExcelJS.CellValue,
  string | null,
  string | null,
  string | null,
  string | null,
];

/** 300 characters of text that does not compress away (a real ledger's cells are all different). */
const varied = (row: number): string =>
  Array.from({ length: 300 }, (_, j) =>
    String.fromCharCode(0x4e00 + ((row * 7919 + j * 104_729) % 20_000)),
  ).join('');

/** Every form the field writes, one row each. */
const clerkRows: Row[] = [
  [1, '逐利执法', '乱罚款', '停止违法收费', '湟中区交通局', '9月30日前', null, null, '张三', '第一批'],
  [
    2,
    '执法不规范',
    '随意拦车',
    '开展培训',
    '湟中区执法大队',
    '2023年9月底',
    '已培训 30 人',
    null,
    '李四',
    null,
  ],
  [
    3,
    '执法粗暴',
    '态度粗暴',
    '作风整顿',
    '湟中区交通运输局',
    '２０２３年８月３１日',
    null,
    '约谈 1 人',
    null,
    null,
  ],
  [4, '执法方式简单僵化', '一刀切', '制定裁量基准', '湟中区交通运输局', 45199, null, null, null, null],
  [5, '执法"寻租"', '吃拿卡要', '立即退还', '湟中区交通运输局', '立行立改', '已退还', null, null, null],
  [
    6,
    '制度文件管理',
    '文件带病运行',
    '清理规范性文件',
    '湟中区交通运输局（牵头）、湟中区执法大队',
    '2023年9月30日前完成，长期推进',
    null,
    null,
    '王五',
    '牵头单位汇总',
  ],
];

/** A workbook as a clerk sends it: a 填表说明 sheet first, then the ledger, then footer rows. */
async function clerkWorkbook(rows: Row[], ledgerSheetName = 'Sheet1'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const notes = workbook.addWorksheet('填表说明');
  notes.getCell('A1').value = '填表说明：1. 整改时限写明日期；2. 责任单位写全称或简称。';
  const sheet = workbook.addWorksheet(ledgerSheetName);
  sheet.getCell('A1').value = '道路交通安全和运输执法领域突出问题整改工作台账';
  sheet.getCell('A3').value = '填报单位：湟中区交通运输局';
  sheet.getRow(4).values = clerkHeaders;
  rows.forEach((values, i) => (sheet.getRow(5 + i).values = values));
  const end = 5 + rows.length;
  sheet.getRow(end).values = ['合计', null, `${rows.length} 项`];
  sheet.getCell(`A${end + 1}`).value = '备注：本表按月报送，长期推进事项注明阶段目标。';
  sheet.mergeCells(`A${end + 1}:J${end + 1}`);
  sheet.getCell(`A${end + 2}`).value = '填表人：赵六';
  sheet.getCell(`D${end + 2}`).value = '审核人：钱七';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('整改工作台账 as clerks type it (generated sheets, over HTTP upload)', () => {
  let api: ApiHarness;
  // Each test that writes has its own campaign, so that none depends on another's items or order.
  let campaignId: string;
  const itemCount = async () =>
    Number(
      (
        await api.runtime.database.dataSource.query(
          `SELECT count(*) AS n FROM streams WHERE stream_type = 'item' AND campaign_id = $1`,
          [campaignId],
        )
      )[0].n,
    );
  const upload = (bytes: Buffer, query = '') =>
    api.http
      .post(`/campaigns/${campaignId}/ledger/upload${query}`)
      .set(api.as('supervisor'))
      .attach('file', bytes, { filename: '湟中区台账.xlsx', contentType: XLSX });

  let sequence = 0;
  beforeAll(async () => {
    api = await startApi();
  }, 60_000);
  beforeEach(async () => {
    campaignId = await createXiningCampaign(api, `xn-clerk-${++sequence}`);
  });
  afterAll(() => api.close());

  it('reads every date form as written', () => {
    const read = (v: ExcelJS.CellValue) => readClerkDeadline(v as never, 2023, '2023-04-10');
    expect(read('9月30日前')).toEqual({ kind: 'date', date: '2023-09-30', text: '9月30日前' });
    expect(read('2023年9月底')).toEqual({ kind: 'date', date: '2023-09-30', text: '2023年9月底' });
    expect(read('２０２３年２月底')).toMatchObject({ date: '2023-02-28' });
    expect(read(45199)).toEqual({ kind: 'date', date: '2023-09-30', text: null });
    expect(read('立行立改')).toEqual({ kind: 'immediate', date: '2023-04-10', text: '立行立改' });
    expect(read('2023年9月30日前完成，长期推进')).toMatchObject({ kind: 'longTerm', date: '2023-09-30' });
    expect(read('2023年2月30日')).toBe('invalid');
    expect(read('尽快')).toBe('unreadable');
  });

  it('a broken copy: a dry run lists every located error, and the upload writes nothing', async () => {
    const broken = clerkRows.map((r) => [...r] as Row);
    broken[0]![5] = '9月31日前';
    broken[1]![4] = '湟中区火星局';
    broken[2]![1] = '执法不作为';
    broken[5]![4] = '湟中区交通运输局（牵头）、湟中区执法大队（牵头）';
    const bytes = await clerkWorkbook(broken);
    const preview = await upload(bytes, '?dryRun=true').expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, applied: false, sheet: 'Sheet1' });
    expect(preview.body.problems.map((p: { cell: string }) => p.cell)).toEqual(['F5', 'E6', 'B7', 'E10']);
    expect(preview.body.problems[0].reason).toContain('9月31日前');
    const refused = await upload(bytes).set('Accept-Language', 'zh-CN').expect(400);
    expect(refused.body.title).toBe('提交的内容无法接受');
    expect(refused.body.problems.map((p: { cell: string }) => p.cell)).toEqual(['F5', 'E6', 'B7', 'E10']);
    expect(await itemCount()).toBe(0);
  });

  it('finds the ledger behind 填表说明, skips and reports footers, reads every form, and exports what was typed', async () => {
    const bytes = await clerkWorkbook(clerkRows);
    const preview = await upload(bytes, '?dryRun=true').expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, applied: false, created: 6, problems: [] });
    expect(await itemCount()).toBe(0);
    const done = await upload(bytes).expect(200);
    expect(done.body).toMatchObject({ sheet: 'Sheet1', rows: 6, created: 6, applied: true, problems: [] });
    expect(done.body.skipped).toEqual([
      { row: 11, reason: 'a total row (合计)' },
      { row: 12, reason: 'a note merged across the row (备注)' },
      { row: 13, reason: 'a signature row (填表人/审核人)' },
    ]);

    const exported: Buffer = (
      await api.http
        .get(`/campaigns/${campaignId}/ledger.xlsx`)
        .set(api.as('supervisor'))
        .buffer(true)
        .parse(binary)
        .expect(200)
    ).body;
    const rows = (await sheetShape(exported, 10)).cells.slice(4, 10);
    // 序号, unit, 整改时限, progress, 责任人, 备注 as the clerk wrote them (full unit names, lead marked).
    expect(rows.map((r) => [r[0], r[4], r[5], r[6], r[8], r[9]])).toEqual([
      [1, '湟中区交通运输局', '9月30日前', null, '张三', '第一批'],
      [2, '湟中区交通运输综合执法大队', '2023年9月底', '已培训 30 人', '李四', null],
      [3, '湟中区交通运输局', '２０２３年８月３１日', null, expect.any(String), null],
      [4, '湟中区交通运输局', '2023-09-30', null, expect.any(String), null],
      [5, '湟中区交通运输局', '立行立改', '已退还', expect.any(String), null],
      [
        6,
        '湟中区交通运输局（牵头）、湟中区交通运输综合执法大队',
        '2023年9月30日前完成，长期推进',
        null,
        '王五',
        '牵头单位汇总',
      ],
    ]);
    expect(rows[2]![7]).toBe('约谈 1 人');

    // The exported sheet imports back unchanged.
    const again = await api.http
      .post(`/campaigns/${campaignId}/ledger/upload`)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX)
      .send(exported)
      .expect(200);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 6, problems: [] });
  });

  it('chooses a sheet by name, and says why a sheet or a legacy .xls cannot be read', async () => {
    const bytes = await clerkWorkbook(clerkRows.slice(0, 1), '四月');
    const missing = await upload(bytes, '?sheet=五月&dryRun=true').expect(400);
    expect(missing.body.detail).toMatch(/no sheet named 五月; the sheets are 填表说明, 四月/);
    await upload(bytes, `?sheet=${encodeURIComponent('四月')}&dryRun=true`).expect(200);
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    const legacy = await upload(xls).expect(400);
    expect(legacy.body.detail).toMatch(/legacy \.xls .*save it as \.xlsx/);
    const legacyZh = await upload(xls).set('Accept-Language', 'zh-CN').expect(400);
    expect(legacyZh.body.detail).toBe(
      '湟中区台账.xlsx：这是旧版 .xls 工作簿（Excel 97–2003）；请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后再导入',
    );
  });

  it('takes a workbook larger than the JSON limit as an upload, and refuses one over the upload limit', async () => {
    const big = await clerkWorkbook(
      Array.from(
        { length: 400 },
        (_, i) =>
          [
            i + 1,
            '执法不规范',
            `问题 ${i + 1} ${varied(i)}`,
            '整改',
            '湟中区交通运输局',
            '2023-09-30',
            null,
            null,
            null,
            null,
          ] as Row,
      ),
    );
    expect(big.length).toBeGreaterThan(100 * 1024);
    const preview = await upload(big, '?dryRun=true').expect(200);
    expect(preview.body).toMatchObject({ rows: 400, problems: [] });
    const tooBig = await api.http
      .post(`/campaigns/${campaignId}/ledger/upload`)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX)
      .send(Buffer.alloc(11 * 1024 * 1024))
      .expect(413);
    expect(tooBig.body.limit).toBe(10 * 1024 * 1024);
  });

  it('offers a blank template with drop-down lists of the campaign’s categories and units', async () => {
    const response = await api.http
      .get(`/campaigns/${campaignId}/ledger/template.xlsx`)
      .set(api.as('supervisor'))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('整改工作台账')!;
    expect(sheet.getRow(4).getCell(2).value).toBe('问题类别');
    expect(sheet.getCell('A5').value).toBe(1);
    expect(sheet.getCell('B5').dataValidation).toMatchObject({ type: 'list', formulae: ['选项!$A$1:$A$6'] });
    expect(sheet.getCell('E204').dataValidation).toMatchObject({ type: 'list' });
    const lists = workbook.getWorksheet('选项')!;
    expect(lists.state).toBe('hidden');
    expect(lists.getCell('A1').value).toBe('逐利执法');
    expect(lists.getColumn(2).values).toContain('湟中区交通运输综合执法大队');
  });

  it('offers a blank 线索台账 too; filled in from its drop-downs, it goes back up as registered clues', async () => {
    const response = await api.http
      .get(`/campaigns/${campaignId}/clues/template.xlsx`)
      .set(api.as('supervisor'))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('线索台账-空白模板'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('线索台账')!;
    expect(sheet.getRow(4).getCell(2).value).toBe('线索来源');
    expect(sheet.getCell('B5').dataValidation).toMatchObject({
      type: 'list',
      formulae: [expect.stringMatching(/^选项!\$A\$1:\$A\$\d+$/)],
    });
    expect(sheet.getCell('D5').dataValidation).toMatchObject({ type: 'list' });
    const lists = workbook.getWorksheet('选项')!;
    const sources = (lists.getColumn(1).values as unknown[]).filter(Boolean);
    expect(sources).toContain('12328热线');
    const units = (lists.getColumn(2).values as unknown[]).filter(Boolean);
    // A clerk picks from the lists, types the rest, and uploads the same workbook.
    sheet.getCell('B5').value = sources[0] as string;
    sheet.getCell('C5').value = '来电';
    sheet.getCell('D5').value = units.find((u) => u === '湟中区交通运输局') as string;
    sheet.getCell('E5').value = '执法人员随意拦车';
    sheet.getCell('F5').value = '2023年4月2日';
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const done = await api.http
      .post(`/campaigns/${campaignId}/clues/upload`)
      .set(api.as('supervisor'))
      .attach('file', filled, { filename: '线索台账.xlsx', contentType: XLSX })
      .expect(200);
    expect(done.body).toMatchObject({ applied: true, created: 1, problems: [] });
    expect(await itemCount()).toBe(1);
  });
});
