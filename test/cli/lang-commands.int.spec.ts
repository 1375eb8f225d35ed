import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { openDatabase } from '../../src/persistence/database';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { testAdminUrl, testDatabaseKind } from '../support/database';

/**
 * The CLI's other commands in both languages (issue 13): a sample of serve, bootstrap, rules check/test,
 * inspect, machines, notifications, sandbox and corrections, each in English by default and in Chinese with
 * `--lang zh` or `LANG=zh_CN.UTF-8`. Located errors keep file:line:col in either language.
 */
describe('CLI messages of the remaining commands, in English and in Chinese', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-cli-lang-'));
  const saved = {
    url: process.env.DATABASE_URL,
    dataDir: process.env.ZHENGZHI_DATA_DIR,
    lang: process.env.LANG,
    lcAll: process.env.LC_ALL,
    password: process.env.ZHENGZHI_ADMIN_PASSWORD,
  };
  let throwaway: ThrowawayDatabase | null = null;
  let stdout: string[] = [];
  let stderr: string[] = [];

  /** Runs the CLI in-process; returns the exit code and the error it threw (what `main` prints). */
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
    let thrown = '';
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'zhengzhi', ...args]);
    } catch (e) {
      thrown = e instanceof Error ? e.message : String(e);
    } finally {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
    }
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return { code, thrown };
  };
  /** The same command under `LANG=zh_CN.UTF-8`. */
  const runZhLocale = async (...args: string[]) => {
    process.env.LANG = 'zh_CN.UTF-8';
    try {
      return await run(...args);
    } finally {
      delete process.env.LANG;
    }
  };

  beforeAll(async () => {
    if (testDatabaseKind === 'postgres') {
      throwaway = await createThrowawayDatabase('zz_test_cli_lang', testAdminUrl);
      process.env.DATABASE_URL = throwaway.url;
      await (await openDatabase({ url: throwaway.url })).close();
    } else {
      delete process.env.DATABASE_URL;
      process.env.ZHENGZHI_DATA_DIR = join(dir, 'db');
      await (await openDatabase({ dataDir: join(dir, 'db') })).close();
    }
    delete process.env.LANG;
    delete process.env.LC_ALL;
    delete process.env.ZHENGZHI_ADMIN_PASSWORD;
  }, 60_000);

  afterAll(async () => {
    await throwaway?.drop();
    for (const [key, value] of [
      ['DATABASE_URL', saved.url],
      ['ZHENGZHI_DATA_DIR', saved.dataDir],
      ['LANG', saved.lang],
      ['LC_ALL', saved.lcAll],
      ['ZHENGZHI_ADMIN_PASSWORD', saved.password],
    ] as const) {
      if (value !== undefined) process.env[key] = value;
      else delete process.env[key];
    }
  });

  it('rules check: diagnostics keep file:line:col, with the message in the language asked for', async () => {
    const bad = join(dir, 'bad.rules');
    writeFileSync(bad, '规则集 t 版本 1 "测试"\n规则 r1 "坏规则" 当 事项.不存在 = 1 则 提醒 责任人\n');
    const en = await run('rules', 'check', bad);
    expect(en.code).toBe(1);
    const enLine = stderr.join('\n').split('\n')[0]!;
    expect(enLine).toMatch(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error ZR\\d{4} `),
    );
    expect(enLine).toMatch(/error ZR2002 unknown field 不存在 in 事项$/);

    const zh = await run('--lang', 'zh', 'rules', 'check', bad);
    expect(zh.code).toBe(1);
    const zhLine = stderr.join('\n').split('\n')[0]!;
    expect(zhLine.split(' error ')[0]).toBe(enLine.split(' error ')[0]);
    expect(zhLine).toMatch(/error ZR2002 [^a-z]*不存在/);
    expect(zhLine).not.toContain('unknown field');

    await run('rules', 'check', 'rules/xining-2023.rules');
    expect(stdout[0]).toMatch(
      /^rules\/xining-2023\.rules: ok — xining-2023 version 1, \d+ rules, \d+ examples$/,
    );
    await runZhLocale('rules', 'check', 'rules/xining-2023.rules');
    expect(stdout[0]).toMatch(
      /^rules\/xining-2023\.rules：通过 — xining-2023 第 1 版，规则 \d+ 条，示例 \d+ 个$/,
    );
  });

  it('rules test: PASS/FAIL lines and the summary', async () => {
    expect((await run('rules', 'test', 'rules/xining-2023.rules')).code).toBe(0);
    expect(stdout.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(stdout[0]).toMatch(/^PASS rules\/xining-2023\.rules:\d+:\d+ /);
    expect((await run('--lang', 'zh', 'rules', 'test', 'rules/xining-2023.rules')).code).toBe(0);
    expect(stdout.at(-1)).toMatch(/^通过 \d+ 个，失败 0 个$/);
    expect(stdout[0]).toMatch(/^通过 rules\/xining-2023\.rules:\d+:\d+ /);
  });

  it('inspect, machines, notifications and sandbox speak the language asked for', async () => {
    expect((await run('inspect', 'no-such-stream')).thrown).toBe('stream no-such-stream not found');
    expect((await runZhLocale('inspect', 'no-such-stream')).thrown).toBe('没有流程 no-such-stream');

    await run('machines', 'list');
    expect(stdout.join('\n')).toMatch(/item\s+v\d+ \(new streams\)\s+0 streams,\s+0 live/);
    await run('--lang', 'zh', 'machines', 'list');
    expect(stdout.join('\n')).toMatch(/item\s+v\d+（新建流程用）\s+0 个流程，\s+0 个在办/);

    await run('notifications', 'list');
    expect(stdout).toEqual(['no deliveries match']);
    await runZhLocale('notifications', 'list');
    expect(stdout).toEqual(['没有符合条件的投递']);
    expect((await run('--lang', 'zh', 'notifications', 'list', '--limit', 'x')).thrown).toBe(
      '--limit 须为正数，而不是 x',
    );

    expect((await run('sandbox', 'clock')).thrown).toBe(
      'this is a production database: it has no sandbox clock (create one with `sandbox init`)',
    );
    expect((await run('--lang', 'zh', 'sandbox', 'clock')).thrown).toBe(
      '这是生产数据库：没有演练时钟（用 `sandbox init` 创建演练库）',
    );
  });

  it('corrections, bootstrap and serve refuse bad input in the language asked for', async () => {
    const correct = [
      'items',
      'correct',
      'x-1',
      '--event',
      'six',
      '--to',
      'closed',
      '--reason',
      '录错',
      '--as',
      'u',
    ];
    expect((await run(...correct)).thrown).toBe('--event must be a sequence number, not six');
    expect((await runZhLocale(...correct)).thrown).toBe('--event 须为事件序号，而不是 six');

    const bootstrap = [
      'bootstrap',
      '--unit-id',
      'xn-city',
      '--unit-name',
      '西宁市交通运输局',
      '--username',
      'admin',
    ];
    expect((await run(...bootstrap)).thrown).toBe(
      'set ZHENGZHI_ADMIN_PASSWORD (at least 12 characters) for the first supervisor',
    );
    expect((await run('--lang', 'zh', ...bootstrap)).thrown).toBe(
      '请为第一位督导设置 ZHENGZHI_ADMIN_PASSWORD（至少 12 个字符）',
    );
    expect((await runZhLocale(...bootstrap, '--level', 'galaxy')).thrown).toMatch(
      /^--level 须为以下之一：province, /,
    );

    expect((await run('serve', '--port', 'nine')).thrown).toBe('--port must be a port number, not nine');
    expect((await run('--lang', 'zh', 'serve', '--port', 'nine')).thrown).toBe(
      '--port 须为端口号，而不是 nine',
    );
  });
});
