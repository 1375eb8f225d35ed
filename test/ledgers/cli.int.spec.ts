import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { buildProgram } from '../../src/cli/main';
import { createRuntime } from '../../src/runtime/runtime';
import { openDatabase } from '../../src/persistence/database';
import { testAdminUrl, testDatabaseKind } from '../support/database';
import { campaignInput } from '../support/fixtures';
import { ledgerSheet } from './xining-template';

/**
 * The CLI end to end, in process. The CLI opens the database from the environment: a throwaway PostgreSQL
 * database through DATABASE_URL, or (ZZ_TEST_DB=pglite) an embedded directory through ZHENGZHI_DATA_DIR.
 */
describe('zhengzhi ledger / clues / supervision / bulletin commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-cli-ledgers-'));
  const saved = { url: process.env.DATABASE_URL, dataDir: process.env.ZHENGZHI_DATA_DIR };
  let campaignId = '';
  let stderr: string[] = [];
  let stdout: string[] = [];

  const run = async (...args: string[]) => {
    stderr = [];
    stdout = [];
    process.exitCode = undefined;
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation((...parts: unknown[]) => void stderr.push(parts.join(' ')));
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((...parts: unknown[]) => void stdout.push(parts.join(' ')));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'zhengzhi', ...args]);
    } finally {
      error.mockRestore();
      log.mockRestore();
      write.mockRestore();
    }
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return code;
  };

  let throwaway: ThrowawayDatabase | null = null;

  beforeAll(async () => {
    let database;
    if (testDatabaseKind === 'postgres') {
      throwaway = await createThrowawayDatabase('zz_test_cli', testAdminUrl);
      process.env.DATABASE_URL = throwaway.url;
      database = await openDatabase({ url: throwaway.url });
    } else {
      delete process.env.DATABASE_URL;
      process.env.ZHENGZHI_DATA_DIR = join(dir, 'db');
      database = await openDatabase({ dataDir: join(dir, 'db') });
    }
    const runtime = createRuntime(database);
    await runtime.directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
    await runtime.directory.createUnit({
      id: 'xn-county-dt',
      name: '大通县交通运输局',
      level: 'county',
      parentId: 'xn-city',
    });
    await runtime.directory.createUser(
      { id: 'u-officer', username: 'officer', displayName: '李四', role: 'officer', unitId: 'xn-county-dt' },
      new Date(),
    );
    campaignId = (
      await runtime.engine.create('campaign', campaignInput, { userId: 'u-supervisor', unitId: 'xn-city' })
    ).streamId;
    await database.close();
  });
  afterAll(async () => {
    await throwaway?.drop();
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    else delete process.env.DATABASE_URL;
    if (saved.dataDir !== undefined) process.env.ZHENGZHI_DATA_DIR = saved.dataDir;
    else delete process.env.ZHENGZHI_DATA_DIR;
  });

  it('import names file, sheet, row and column of every bad cell and imports nothing; a good sheet imports and exports', async () => {
    const bad = join(dir, 'bad.xlsx');
    writeFileSync(
      bad,
      await ledgerSheet([[1, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', '九月底', null, null]]),
    );
    expect(await run('ledger', 'import', bad, '--campaign', campaignId, '--actor', 'u-officer')).toBe(1);
    expect(stderr[0]).toBe(
      `${bad}: sheet 整改工作台账, row 5, column F (F5): 整改时限 must be a date such as 2023-09-30, 2023年9月30日, 9月30日前, 2023年9月底, 立行立改 or 长期推进, found "九月底"`,
    );
    expect(stderr[1]).toContain('nothing was imported');

    const good = join(dir, 'good.xlsx');
    writeFileSync(
      good,
      await ledgerSheet([
        [1, '执法粗暴', '态度粗暴', '开展整顿', '大通县交通运输局', '2099-09-30', '已整改一半', null],
      ]),
    );
    expect(await run('ledger', 'import', good, '--campaign', campaignId, '--actor', 'u-officer')).toBe(0);
    expect(stdout[0]).toBe(`${good} (sheet 整改工作台账): 1 rows, 1 created, 0 updated, 0 unchanged`);

    const out = join(dir, 'out.xlsx');
    expect(await run('ledger', 'export', '--campaign', campaignId, '--out', out)).toBe(0);
    expect(stdout[0]).toBe(`${out}: 1 rows`);
    expect(await run('clues', 'export', '--campaign', campaignId, '--out', join(dir, 'clues.xlsx'))).toBe(0);
    expect(
      await run('supervision', 'export', '--campaign', campaignId, '--out', join(dir, 'supervision.xlsx')),
    ).toBe(0);
    expect(stdout[0]).toContain(': 0 rows');
  });

  it('writes a bulletin as HTML, and refuses an unknown format', async () => {
    const out = join(dir, 'bulletin.html');
    expect(
      await run(
        'bulletin',
        '--campaign',
        campaignId,
        '--from',
        '2026-01-01',
        '--to',
        '2099-12-31',
        '--out',
        out,
      ),
    ).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('共收集问题线索<b>1</b>条');
    await expect(
      run(
        'bulletin',
        '--campaign',
        campaignId,
        '--from',
        '2026-01-01',
        '--to',
        '2026-02-01',
        '--format',
        'docx',
        '--out',
        out,
      ),
    ).rejects.toThrow('--format must be html or pdf, not docx');
  });
});
