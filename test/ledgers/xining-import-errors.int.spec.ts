import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Runtime } from '../../src/runtime/runtime';
import { exportRectificationLedger } from '../../src/ledgers/ledger-export';
import { importRectificationLedger } from '../../src/ledgers/ledger-import';
import { formatProblem } from '../../src/ledgers/import-problems';
import type { ManualClock } from '../../src/shared/clock';
import {
  campaignInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';
import { ledgerSheet, templateHeaders } from './xining-template';

const good = (n: number) => [
  n,
  '执法粗暴',
  `执法人员态度粗暴 ${n}`,
  '开展作风整顿',
  '大通县交通运输局',
  '2023-09-30',
  null,
  null,
];

describe('整改工作台账 import refuses bad sheets with located errors and writes nothing', () => {
  let runtime: Runtime & { clock: ManualClock };
  let campaignId: string;
  const counts = async () => {
    const [row] = await runtime.database.dataSource.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams WHERE stream_type = 'item') AS items`,
    );
    return { events: Number(row.events), items: Number(row.items) };
  };
  const importBytes = (bytes: Buffer, takeGoodRows = false) =>
    importRectificationLedger(runtime, bytes, {
      campaignId,
      actor: officer,
      fileName: 'bad.xlsx',
      takeGoodRows,
    });

  beforeAll(async () => {
    runtime = await createTestRuntime();
    campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  });
  afterAll(async () => runtime.database.close());

  it('wrong headers: names the header cell and takes no row', async () => {
    const before = await counts();
    const headers = templateHeaders.map((h, i) => (i === 2 ? '问题表现' : h));
    const report = await importBytes(await ledgerSheet([good(1)], headers), true);
    expect(report.applied).toBe(false);
    expect(report.problems).toEqual([
      {
        sheet: '整改工作台账',
        row: 4,
        column: 'C',
        cell: 'C4',
        reason: 'expected header 具体表现, found 问题表现',
      },
    ]);
    expect(formatProblem(report.problems[0]!, 'bad.xlsx')).toBe(
      'bad.xlsx: sheet 整改工作台账, row 4, column C (C4): expected header 具体表现, found 问题表现',
    );
    expect(await counts()).toEqual(before);
  });

  it('a sheet without the header row is refused', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Sheet1').getCell('A1').value = 'hello';
    const report = await importBytes(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(report.problems[0]).toMatchObject({ sheet: 'Sheet1', cell: 'A4' });
    expect(report.problems[0]!.reason).toContain('header row not found');
  });

  it('bad dates, unknown categories, unknown units, duplicated 序号 and missing cells: every row located, none taken', async () => {
    const before = await counts();
    const rows = [
      good(1),
      [2, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', 'XX 月 XX 日前', null, null],
      [3, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', '2023-02-30', null, null],
      [4, '执法不作为', '不作为', '开展整顿', '大通县交通运输局', '2023-09-30', null, null],
      [5, '执法粗暴', '态度粗暴', '开展整顿', '火星交通运输局', '2023-09-30', null, null],
      [6, 'rough', '态度粗暴', '开展整顿', '大通县交通运输局', '2023-09-30', null, null],
      [6, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', '2023-09-30', null, null],
      [8, '执法粗暴', null, '开展整顿', '大通县交通运输局', '2023-09-30', null, null],
      ['八', '执法粗暴', '态度粗暴', null, null, null, null, null],
    ];
    const report = await importBytes(await ledgerSheet(rows));
    expect(report.applied).toBe(false);
    expect(report.problems.map((p) => [p.cell, p.reason])).toEqual([
      [
        'F6',
        '整改时限 must be a date such as 2023-09-30, 2023年9月30日, 9月30日前, 2023年9月底, 立行立改 or 长期推进, found "XX 月 XX 日前"',
      ],
      ['F7', '整改时限 "2023-02-30" is not a real calendar date'],
      [
        'B8',
        'unknown category "执法不作为"; this campaign\'s categories are 逐利执法 (profit_driven), 执法不规范 (non_standard), 执法方式简单僵化 (rigid), 执法粗暴 (rough), 执法"寻租" (rent_seeking), 制度文件管理 (regulatory_docs)',
      ],
      ['E9', 'unknown unit "火星交通运输局": no unit has this name, short name or alias'],
      ['A10', 'duplicated 序号 6: also used in row 11'],
      ['A11', 'duplicated 序号 6: also used in row 10'],
      ['C12', '具体表现 is required (missing cell)'],
      ['A13', '序号 must be a positive whole number, found "八"'],
    ]);
    expect(await counts()).toEqual(before);
  });

  it('--take-good-rows takes the rows that pass and reports the others', async () => {
    const before = await counts();
    const rows = [
      good(11),
      [12, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', '九月底', null, null],
      good(13),
    ];
    const report = await importBytes(await ledgerSheet(rows), true);
    expect(report).toMatchObject({ applied: true, created: 2 });
    expect(report.problems.map((p) => p.cell)).toEqual(['F6']);
    const after = await counts();
    expect(after.items - before.items).toBe(2);
    // Each new row: REGISTER, ASSIGN_VERIFICATION, CONFIRM, START_RECTIFICATION.
    expect(after.events - before.events).toBe(8);
  });

  it('refusals only the machine knows (a dry run of the pure step) are located too', async () => {
    const id = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      id,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['培训签到表.pdf'] },
      officer,
    );
    const dir = mkdtempSync(join(tmpdir(), 'zz-ledger-'));
    const file = join(dir, 'ledger.xlsx');
    await exportRectificationLedger(runtime, file, { campaignId });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const row = [...Array(sheet.rowCount).keys()]
      .map((i) => i + 1)
      .find((r) => sheet.getCell(`C${r}`).value === '随意拦车')!;
    sheet.getCell(`D${row}`).value = '开展培训并建立长效机制';
    sheet.getCell(`F${row + 0}`).value = new Date('2023-07-01T00:00:00.000Z');
    const before = await counts();
    const report = await importBytes(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(report.problems).toEqual([
      expect.objectContaining({
        cell: `F${row}`,
        reason: 'the deadline can only be extended (now 2023-08-01), not brought forward to 2023-07-01',
      }),
    ]);
    sheet.getCell(`F${row}`).value = new Date('2023-08-01T00:00:00.000Z');
    const second = await importBytes(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(second.problems).toHaveLength(1);
    expect(second.problems[0]).toMatchObject({ cell: `D${row}` });
    expect(second.problems[0]!.reason).toContain('does not accept UPDATE_LEDGER');
    expect(await counts()).toEqual(before);
  });

  it('edited cells become ledger events through the engine', async () => {
    const id = await itemInRectification(runtime, campaignId);
    const dir = mkdtempSync(join(tmpdir(), 'zz-ledger-'));
    const file = join(dir, 'ledger.xlsx');
    await exportRectificationLedger(runtime, file, { campaignId, states: ['rectifying'] });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const row = [...Array(sheet.rowCount).keys()]
      .map((i) => i + 1)
      .find((r) => sheet.getCell(`C${r}`).value === '随意拦车' && sheet.getCell(`G${r}`).value === null)!;
    sheet.getCell(`D${row}`).value = '开展培训，修订执法规范';
    sheet.getCell(`F${row}`).value = '2023年10月31日前';
    sheet.getCell(`G${row}`).value = '已培训120人次';
    sheet.getCell(`H${row}`).value = '对1名执法人员诫勉谈话';
    const report = await importBytes(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(report.problems).toEqual([]);
    expect(report.updated).toBe(1);
    const events = await runtime.store.readStream(id);
    expect(events.slice(-4).map((e) => e.type)).toEqual([
      'UPDATE_LEDGER',
      'EXTEND_DEADLINE',
      'RECORD_PROGRESS',
      'RECORD_ACCOUNTABILITY',
    ]);
    expect(events.at(-3)!.payload.deadline).toBe('2023-10-31T15:59:59.000Z');
    expect(events.every((e) => e.actorId === officer.userId)).toBe(true);
  });
});
