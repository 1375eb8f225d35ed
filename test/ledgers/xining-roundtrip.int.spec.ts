import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../../src/runtime/runtime';
import { exportRectificationLedger } from '../../src/ledgers/ledger-export';
import { importRectificationLedger } from '../../src/ledgers/ledger-import';
import type { ManualClock } from '../../src/shared/clock';
import {
  campaignInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';
import { sheetShape } from './sheet-compare';
import { seedRow1, seedRow4, templateHeaders, templateWidths, writeXiningTemplate } from './xining-template';

describe('整改工作台账 round trip (seed 002 annex 2)', () => {
  let runtime: Runtime & { clock: ManualClock };
  let campaignId: string;
  const dir = mkdtempSync(join(tmpdir(), 'zz-ledger-'));
  const eventCount = async () =>
    Number((await runtime.database.dataSource.query('SELECT count(*) AS n FROM events'))[0].n);

  beforeAll(async () => {
    runtime = await createTestRuntime();
    campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  });
  afterAll(async () => runtime.database.close());

  it('imports the seed template, and export → import → export gives the same sheet', async () => {
    const template = await writeXiningTemplate();
    const first = await importRectificationLedger(runtime, template, { campaignId, actor: officer });
    expect(first.problems).toEqual([]);
    expect(first).toMatchObject({ rows: 2, created: 2, updated: 0, applied: true });

    const exported = join(dir, 'export-1.xlsx');
    expect(
      await exportRectificationLedger(runtime, exported, { campaignId, asOf: '2023-04-11T02:00:00.000Z' }),
    ).toEqual({ rows: 2 });
    const shape = await sheetShape(exported, 10);
    const templateShape = await sheetShape(template);
    // The export adds the plan's 责任人 and a 备注 column after the annex's eight.
    expect(shape.widths).toEqual([...templateWidths, 12, 20]);
    expect(shape.merges).toEqual(templateShape.merges.map((m: string) => m.replace(':H', ':K')));
    expect(shape.cells[1]![0]).toBe('2023年4月11日');
    expect(shape.cells[2]![0]).toBe('制定单位：西宁市交通运输局');
    expect(shape.cells[3]).toEqual([...templateHeaders, '责任人', '备注']);
    // Seed rows 1 and 4 come back cell for cell: row 4's free-text deadline (2023年9月30日前…清理工作长期进行)
    // is a long-term item with a date, and the export gives back what the clerk typed.
    expect(shape.cells[4]!.slice(0, 8)).toEqual(seedRow1.map((v) => (v instanceof Date ? '2023-09-30' : v)));
    expect(shape.cells[5]!.slice(0, 8)).toEqual(seedRow4);

    const before = await eventCount();
    const second = await importRectificationLedger(runtime, exported, { campaignId, actor: officer });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 2, problems: [], applied: true });
    expect(await eventCount()).toBe(before);

    const again = join(dir, 'export-2.xlsx');
    await exportRectificationLedger(runtime, again, { campaignId, asOf: '2023-04-11T02:00:00.000Z' });
    expect(await sheetShape(again, 10)).toEqual(shape);
  });

  it('round-trips items created through the engine and numbers them after the imported ones', async () => {
    const id = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(id, { type: 'RECORD_PROGRESS', note: '已完成全员培训' }, officer);
    const exported = join(dir, 'export-3.xlsx');
    await exportRectificationLedger(runtime, exported, { campaignId, asOf: '2023-04-11T02:00:00.000Z' });
    const shape = await sheetShape(exported, 10);
    expect(shape.cells[6]).toEqual([
      5,
      '执法不规范',
      '随意拦车',
      '开展培训',
      '湟中区交通运输局',
      '2023-08-01',
      '已完成全员培训',
      null,
      '张三',
      null,
    ]);
    const before = await eventCount();
    const report = await importRectificationLedger(runtime, exported, { campaignId, actor: officer });
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 3, problems: [] });
    expect(await eventCount()).toBe(before);
  });

  it('turns edited cells into ledger events, and filters exports by unit subtree and state', async () => {
    const exported = join(dir, 'export-4.xlsx');
    await exportRectificationLedger(runtime, exported, {
      campaignId,
      unitId: 'xn-county-hz',
      asOf: '2023-04-11T02:00:00.000Z',
    });
    const shape = await sheetShape(exported, 10);
    expect(shape.cells.slice(4).map((r) => r[0])).toEqual([1, 5]);
    const closedOnly = join(dir, 'export-closed.xlsx');
    expect(await exportRectificationLedger(runtime, closedOnly, { campaignId, states: ['closed'] })).toEqual({
      rows: 0,
    });
  });
});
