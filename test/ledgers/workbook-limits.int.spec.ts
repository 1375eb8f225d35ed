import { performance } from 'node:perf_hooks';
import { readLedgerFile } from '../../src/ledgers/sheet-reader';
import { checkWorkbookBytes, DEFAULT_WORKBOOK_LIMITS } from '../../src/ledgers/workbook-limits';
import { xiningLedgerLayout } from '../../src/ledgers/vocabulary';
import { createXiningCampaign, problemType, startApi, type ApiHarness } from '../api/support';
import { hostileWorkbook, workbookAround } from '../../bench/support/hostile-workbook';

const limitOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as { details?: { limit?: { name: string } } }).details?.limit?.name;
  }
  return 'accepted';
};

describe('workbook limits (checked on the bytes, before exceljs parses anything)', () => {
  const rows = (n: number, cells = 1) =>
    `<sheetData>${Array.from({ length: n }, (_, r) => `<row r="${r + 1}">${'<c><v>1</v></c>'.repeat(cells)}</row>`).join('')}</sheetData>`;

  it('refuses a sheet over the row cap, even one row numbered past it', () => {
    const hostile = hostileWorkbook();
    expect(hostile.length).toBeLessThan(100_000);
    expect(limitOf(() => checkWorkbookBytes(hostile, 'bomb.xlsx'))).toBe('maxRows');
    const far = workbookAround('<sheetData><row r="900000"><c r="A900000"><v>1</v></c></row></sheetData>');
    expect(limitOf(() => checkWorkbookBytes(far, 'far.xlsx'))).toBe('maxRows');
    expect(limitOf(() => checkWorkbookBytes(workbookAround(rows(100, 5)), 'fine.xlsx'))).toBe('accepted');
  });

  it('refuses too many cells, merged ranges that cover millions of cells, and oversized files', () => {
    const limits = { ...DEFAULT_WORKBOOK_LIMITS, maxCells: 1_000 };
    expect(limitOf(() => checkWorkbookBytes(workbookAround(rows(300, 5)), 'wide.xlsx', limits))).toBe(
      'maxCells',
    );
    const merged = workbookAround(
      `${rows(2)}<mergeCells count="1"><mergeCell ref="A1:XFD900"/></mergeCells>`,
    );
    expect(limitOf(() => checkWorkbookBytes(merged, 'merge.xlsx'))).toBe('maxCells');
    expect(
      limitOf(() =>
        checkWorkbookBytes(workbookAround(rows(10)), 'small.xlsx', { ...limits, maxCompressedBytes: 100 }),
      ),
    ).toBe('maxCompressedBytes');
  });

  it('a central directory that understates the sizes does not help: the real inflated size counts', () => {
    const text = `<sheetData><row r="1"><c t="inlineStr"><is><t>${'x'.repeat(4_000_000)}</t></is></c></row></sheetData>`;
    const lying = workbookAround(text, { declaredSheetSize: 100 });
    const limits = { ...DEFAULT_WORKBOOK_LIMITS, maxUncompressedBytes: 1_000_000 };
    expect(limitOf(() => checkWorkbookBytes(lying, 'lying.xlsx', limits))).toBe('maxUncompressedBytes');
  });

  it('refuses bytes that are not a zip as unreadable, naming the file', async () => {
    await expect(
      readLedgerFile(Buffer.from('not a workbook'), xiningLedgerLayout, 'x.xlsx'),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('x.xlsx'),
    });
  });
});

describe('a hostile workbook over HTTP', () => {
  let api: ApiHarness;
  let campaignId: string;
  beforeAll(async () => {
    api = await startApi({ bodyLimit: '2mb' });
    campaignId = await createXiningCampaign(api);
  });
  afterAll(() => api.close());

  it('is refused quickly with 413 problem+json while /healthz keeps answering fast; nothing is written', async () => {
    const before = await api.runtime.database.dataSource.query('SELECT count(*) AS n FROM events');
    const file = hostileWorkbook().toString('base64');
    const latencies: number[] = [];
    let importing = true;
    const probe = (async () => {
      while (importing) {
        const started = performance.now();
        await api.http.get('/healthz').expect(200);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const started = performance.now();
    const responses = await Promise.all(
      [0, 1, 2].map(() =>
        api.http
          .post(`/campaigns/${campaignId}/ledger/import`)
          .set(api.as('supervisor'))
          .send({ file, fileName: 'bomb.xlsx' }),
      ),
    );
    const elapsed = performance.now() - started;
    importing = false;
    await probe;
    for (const response of responses) {
      expect(response.status).toBe(413);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: problemType('payload-too-large'),
        limit: { name: 'maxRows', value: DEFAULT_WORKBOOK_LIMITS.maxRows },
      });
      expect(response.body.detail).toContain('bomb.xlsx');
    }
    expect(elapsed).toBeLessThan(8_000);
    latencies.sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThan(3);
    // The event loop never stalls: the slowest health check stays far below the seconds a parse takes.
    expect(latencies[Math.floor(latencies.length / 2)]!).toBeLessThan(100);
    expect(latencies[latencies.length - 1]!).toBeLessThan(1_000);
    expect(await api.runtime.database.dataSource.query('SELECT count(*) AS n FROM events')).toEqual(before);
  });
});
