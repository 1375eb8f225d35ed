import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Runtime } from '../../src/runtime/runtime';
import { exportClueLedger, importClueLedger } from '../../src/ledgers/clue-ledger';
import { exportSupervisionLedger } from '../../src/ledgers/supervision-ledger';
import type { ManualClock } from '../../src/shared/clock';
import {
  campaignInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';
import { sheetShape } from './sheet-compare';

const clueHeaders = [
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

/** A 线索台账 in the Jiangyuan layout (title rows, headers in row 4), as bytes. */
async function clueSheet(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('线索台账');
  sheet.getCell('A1').value = '交通运输执法领域突出问题线索台账';
  sheet.getCell('A3').value = '填报单位：江源区交通运输局';
  sheet.getRow(4).values = clueHeaders;
  rows.forEach((values, index) => {
    sheet.getRow(5 + index).values = values as ExcelJS.CellValue[];
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('线索台账 and 督办台账', () => {
  let runtime: Runtime & { clock: ManualClock };
  let campaignId: string;
  const dir = mkdtempSync(join(tmpdir(), 'zz-clues-'));
  const eventCount = async () =>
    Number((await runtime.database.dataSource.query('SELECT count(*) AS n FROM events'))[0].n);

  beforeAll(async () => {
    runtime = await createTestRuntime();
    campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  });
  afterAll(async () => runtime.database.close());

  const rows = [
    [
      1,
      '12328热线',
      '12328交通运输服务监督热线',
      '湟中区交通运输局',
      '执法人员随意拦车、扣车',
      new Date('2023-04-02T00:00:00Z'),
    ],
    [2, '信访', '来信', '大通县交通运输局', '对货车司机罚款不开票据', '2023年4月5日'],
    [3, 'caseFileReview', null, '湟中区综合执法大队', '案卷中自由裁量理由缺失', '2023-04-06'],
  ];

  it('imports clues as registered items, re-imports without changes, and exports the same cells back', async () => {
    const report = await importClueLedger(runtime, await clueSheet(rows), {
      campaignId,
      actor: officer,
      fileName: 'clues.xlsx',
    });
    expect(report).toMatchObject({ rows: 3, created: 3, applied: true, problems: [] });
    const registered = await runtime.database.dataSource.query(
      `SELECT state, snapshot #>> '{context,clue,source}' AS source, snapshot #>> '{context,clue,receivedAt}' AS received
         FROM streams WHERE stream_type = 'item' ORDER BY (snapshot #>> '{context,ledgerNumber}')::int`,
    );
    expect(registered).toEqual([
      { state: 'registered', source: 'hotline12328', received: '2023-04-01T16:00:00.000Z' },
      { state: 'registered', source: 'petition', received: '2023-04-04T16:00:00.000Z' },
      { state: 'registered', source: 'caseFileReview', received: '2023-04-05T16:00:00.000Z' },
    ]);

    const before = await eventCount();
    const again = await importClueLedger(runtime, await clueSheet(rows), { campaignId, actor: officer });
    expect(again).toMatchObject({ created: 0, unchanged: 3, problems: [] });
    expect(await eventCount()).toBe(before);

    const file = join(dir, 'clues.xlsx');
    expect(await exportClueLedger(runtime, file, { campaignId })).toEqual({ rows: 3 });
    const shape = await sheetShape(file, 9);
    expect(shape.cells[3]).toEqual(clueHeaders);
    expect(shape.cells.slice(4).map((r) => r.slice(0, 6))).toEqual([
      [
        1,
        '12328热线',
        '12328交通运输服务监督热线',
        '湟中区交通运输局',
        '执法人员随意拦车、扣车',
        '2023-04-02',
      ],
      [2, '信访', '来信', '大通县交通运输局', '对货车司机罚款不开票据', '2023-04-05'],
      [3, '案卷评查', null, '湟中区综合执法大队', '案卷中自由裁量理由缺失', '2023-04-06'],
    ]);
    expect(shape.cells[4]![8]).toBe('已登记');
    const reimported = await importClueLedger(runtime, file, { campaignId, actor: officer });
    expect(reimported).toMatchObject({ created: 0, unchanged: 3, problems: [] });
  });

  it('refuses unknown sources, unknown units, bad dates and edits of a registered clue, writing nothing', async () => {
    const before = await eventCount();
    const report = await importClueLedger(
      runtime,
      await clueSheet([
        [2, '信访', '来信', '大通县交通运输局', '对货车司机罚款不开具票据', '2023-04-05'],
        [4, '托梦', null, '湟中区交通运输局', '线索', '2023-04-06'],
        [5, '信访', null, '湟源县交通运输局', '线索', '2023-04-06'],
        [6, '信访', null, '湟中区交通运输局', '线索', '四月六日'],
        [7, '信访', null, '湟中区交通运输局', '好线索', '2023-04-06'],
      ]),
      { campaignId, actor: officer },
    );
    expect(report.applied).toBe(false);
    expect(report.problems.map((p) => p.cell)).toEqual(['E5', 'B6', 'D7', 'F8']);
    expect(report.problems[0]!.reason).toContain('cannot be edited');
    expect(await eventCount()).toBe(before);
  });

  it('exports listed-supervision escalations (挂牌督办) into the 督办台账', async () => {
    const itemId = await itemInRectification(runtime, campaignId);
    // Escalations are normally issued by the rules hook; here they are created through the engine directly
    // with the escalation machine's creation input.
    const escalate = (measure: string, at: string) =>
      runtime.engine.create(
        'escalation',
        {
          campaignId,
          itemId,
          unitId: 'xn-county-hz',
          measure,
          target: { kind: 'unit', id: 'xn-county-hz' },
          respondBy: '2023-09-15T15:59:59.000Z',
          reason: '整改逾期30天且群众投诉3次',
          ruleId: 'overdue-listed',
          ruleTitle: '逾期挂牌督办',
          ruleSetId: 'rs-test',
          ruleSetVersion: 2,
          provenance: null,
          overridden: null,
          trigger: { kind: 'clock', tick: at },
          stepsUpFrom: null,
        },
        { userId: 'rules', unitId: 'xn-city' },
        { at },
      );
    const listed = await escalate('listed_supervision', '2023-08-31T01:00:00.000Z');
    await escalate('admonish', '2023-08-31T02:00:00.000Z');
    const hz = { userId: 'u-officer', unitId: 'xn-county-hz' };
    await runtime.engine.execute(listed.streamId, { type: 'RESPOND', response: '已制定整改方案' }, hz, {
      at: '2023-09-01T01:00:00.000Z',
    });
    await runtime.engine.execute(
      listed.streamId,
      { type: 'RECORD_FOLLOW_UP', note: '督办组现场核查' },
      supervisor,
      { at: '2023-09-05T01:00:00.000Z' },
    );
    const file = join(dir, 'supervision.xlsx');
    expect(await exportSupervisionLedger(runtime, file, { campaignId })).toEqual({ rows: 1 });
    const shape = await sheetShape(file, 9);
    expect(shape.cells[4]).toEqual([
      1,
      '随意拦车',
      '湟中区交通运输局',
      '整改逾期30天且群众投诉3次',
      '逾期挂牌督办 (v2)',
      '2023-08-31',
      '2023-09-15',
      '已制定整改方案\n督办组现场核查',
      '已反馈',
    ]);
  });
});
