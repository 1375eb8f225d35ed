import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { createRuntime } from '../../src/runtime/runtime';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { openDatabase } from '../../src/persistence/database';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { testAdminUrl, testDatabaseKind } from '../support/database';
import { ledgerSheet } from '../ledgers/xining-template';

/**
 * `zhengzhi reporting set|submit|status` (issue 10 point 5) and the CLI's languages (issue 13): the same
 * commands in English and, with `--lang zh` or `LANG=zh_CN.UTF-8`, in Chinese — located import errors keep
 * sheet, row and cell either way.
 */
describe('zhengzhi reporting, and CLI messages in Chinese when asked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-cli-reporting-'));
  const saved = {
    url: process.env.DATABASE_URL,
    dataDir: process.env.ZHENGZHI_DATA_DIR,
    lang: process.env.LANG,
  };
  let throwaway: ThrowawayDatabase | null = null;
  let stdout: string[] = [];
  let stderr: string[] = [];
  const campaignId = 'jy-2023';
  const since = new Date(Date.now() - 25 * 86_400_000).toISOString();

  const run = async (...args: string[]) => {
    stdout = [];
    stderr = [];
    process.exitCode = undefined;
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((...p: unknown[]) => void stdout.push(p.join(' ')));
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation((...p: unknown[]) => void stderr.push(p.join(' ')));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let thrown: unknown = null;
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'zhengzhi', ...args]);
    } catch (e) {
      thrown = e;
    } finally {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
    }
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return { code, thrown };
  };

  beforeAll(async () => {
    let database;
    if (testDatabaseKind === 'postgres') {
      throwaway = await createThrowawayDatabase('zz_test_cli_reporting', testAdminUrl);
      process.env.DATABASE_URL = throwaway.url;
      database = await openDatabase({ url: throwaway.url });
    } else {
      delete process.env.DATABASE_URL;
      process.env.ZHENGZHI_DATA_DIR = join(dir, 'db');
      database = await openDatabase({ dataDir: join(dir, 'db') });
    }
    delete process.env.LANG;
    const runtime = createRuntime(database);
    await runtime.directory.createUnit({ id: 'jy-bureau', name: '江源区交通运输局', level: 'county' });
    for (const [id, name] of [
      ['jy-det', '江源区交通运输综合执法大队'],
      ['jy-sq', '江源区石人执法中队'],
    ] as const)
      await runtime.directory.createUnit({ id, name, level: 'detachment', parentId: 'jy-bureau' });
    await runtime.directory.createUser(
      { id: 'u-sup', username: 'sup', displayName: '江源督导', role: 'supervisor', unitId: 'jy-bureau' },
      new Date(),
    );
    await runtime.directory.createUser(
      { id: 'u-off', username: 'off', displayName: '执法员', role: 'officer', unitId: 'jy-det' },
      new Date(),
    );
    await runtime.engine.create(
      'campaign',
      { ...campaignTemplates['jiangyuan-2023']!, campaignId, unitId: 'jy-bureau' },
      { userId: 'u-sup', unitId: 'jy-bureau' },
      { at: since },
    );
    await database.close();
  }, 60_000);

  afterAll(async () => {
    await throwaway?.drop();
    for (const [key, value] of [
      ['DATABASE_URL', saved.url],
      ['ZHENGZHI_DATA_DIR', saved.dataDir],
      ['LANG', saved.lang],
    ] as const) {
      if (value !== undefined) process.env[key] = value;
      else delete process.env[key];
    }
  });

  it('sets the template’s seed cadence, takes a report and shows each unit’s status', async () => {
    // No cadence given: the seed one of the 江源 template (8th, 18th, 28th at 18:00). Missed reports and
    // their escalation are walked in test/api/reporting.int.spec.ts.
    expect(
      (await run('reporting', 'set', '--campaign', campaignId, '--units', 'jy-det,jy-sq', '--by', 'u-sup'))
        .code,
    ).toBe(0);
    expect(stdout[0]).toMatch(
      /^jy-2023: reporting on day 8, 18, 28 of each month at 18:00 CST by jy-det, jy-sq; next due /,
    );

    const zh = await run('--lang', 'zh', 'reporting', 'status', '--campaign', campaignId);
    expect(zh.code).toBe(0);
    expect(stdout[0]).toMatch(/^jy-2023：报送要求 每月8日、18日、28日 18:00，自 .* 起；下次报送时点 /);
    expect(stdout).toContain('  jy-det 江源区交通运输综合执法大队：漏报 0 次');

    const next = /next due (\S+)$/.exec(
      (await run('reporting', 'status', '--campaign', campaignId), stdout[0]!),
    )![1]!;
    expect(
      (await run('reporting', 'submit', '--campaign', campaignId, '--unit', 'jy-det', '--by', 'u-off')).code,
    ).toBe(0);
    expect(stdout[0]).toContain(`jy-det reported for the due instant ${next}`);

    const json = await run('reporting', 'status', '--campaign', campaignId, '--json');
    expect(json.code).toBe(0);
    const status = JSON.parse(stdout.join('\n'));
    expect(status).toMatchObject({
      cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
      nextDue: next,
      units: [
        { unitId: 'jy-det', missed: 0 },
        { unitId: 'jy-sq', missed: 0 },
      ],
    });
  });

  it('a bad option is refused in the language asked for, LANG included', async () => {
    const en = await run(
      'reporting',
      'set',
      '--campaign',
      campaignId,
      '--units',
      'jy-det',
      '--by',
      'u-sup',
      '--preset',
      'nowhere',
    );
    expect(String((en.thrown as Error).message)).toBe(
      '--preset nowhere: no such preset (jiangyuan, zhanjiang)',
    );
    process.env.LANG = 'zh_CN.UTF-8';
    try {
      const zh = await run(
        'reporting',
        'set',
        '--campaign',
        campaignId,
        '--units',
        'jy-det',
        '--by',
        'nobody',
      );
      expect(String((zh.thrown as Error).message)).toBe(
        '--by nobody：没有这个用户（事件须记在已有用户名下）',
      );
      const missing = await run('reporting', 'status', '--campaign', 'no-such');
      expect(String((missing.thrown as Error).message)).toBe('没有专项行动 no-such');
    } finally {
      delete process.env.LANG;
    }
    const english = await run('--lang', 'en', 'reporting', 'status', '--campaign', 'no-such');
    expect(String((english.thrown as Error).message)).toBe('no campaign no-such');
  });

  it('ledger import problems keep sheet, row and cell in Chinese and in English', async () => {
    const bad = join(dir, 'bad.xlsx');
    writeFileSync(
      bad,
      await ledgerSheet([
        [1, '执法粗暴', '态度粗暴', '开展整顿', '江源区交通运输综合执法大队', '九月底', null, null],
      ]),
    );
    const args = ['ledger', 'import', bad, '--campaign', campaignId, '--actor', 'u-off'];
    expect((await run(...args)).code).toBe(1);
    expect(stderr[0]).toMatch(
      new RegExp(
        `^${bad}: sheet 整改工作台账, row 5, column F \\(F5\\): 整改时限 must be a date such as .*, found "九月底"$`,
      ),
    );
    expect((await run('--lang', 'zh', ...args)).code).toBe(1);
    expect(stderr[0]).toMatch(
      new RegExp(
        `^${bad}：工作表 整改工作台账，第 5 行，第 F 列（F5）：整改时限须为日期，例如 .*立行立改、长期推进，实际为 "九月底"$`,
      ),
    );
    expect(stderr[1]).toBe(`${bad}：1 处问题，未导入任何内容（用 --take-good-rows 导入没有问题的行）`);
  });
});
