import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { openDatabase, type Database } from '../../src/persistence/database';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/persistence/throwaway-database';
import type { RuleSetPublishReport } from '../../src/runtime/rule-set-publish';
import { createRuntime } from '../../src/runtime/runtime';
import { openDeploymentClock } from '../../src/runtime/sandbox';
import { testAdminUrl, testDatabaseKind } from '../support/database';
import { campaignInput, clueInput, itemInRectification, officer, supervisor, T0 } from '../support/fixtures';
import { databaseFingerprint } from '../support/fingerprint';

jest.setTimeout(180_000);

const STRICT = `规则集 strict 版本 1 "从严整治"
规则 strict-inquiry "整改期间即函询责任人" 优先级 45
  当 事项.状态 = 整改中
  则 函询 责任人 期限 7 天 理由 "从严整治：整改期间即函询"
`;

/**
 * `zhengzhi rules publish <file> --campaign <id> --dry-run [--json]` (issue 10 point 4): what publishing does —
 * the open items evaluated at once, the escalations and timers — shown first, nothing written; then applied.
 * The database is a drill (sandbox) database, so the command runs at its fixed clock.
 */
describe('zhengzhi rules publish --dry-run, rules failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-cli-publish-'));
  const saved = { url: process.env.DATABASE_URL, dataDir: process.env.ZHENGZHI_DATA_DIR };
  let throwaway: ThrowawayDatabase | null = null;
  let campaignId = '';
  let itemId = '';
  let stdout: string[] = [];
  const file = join(dir, 'strict.rules');
  writeFileSync(file, STRICT);

  const open = (): Promise<Database> =>
    throwaway ? openDatabase({ url: throwaway.url }) : openDatabase({ dataDir: join(dir, 'db') });
  const fingerprint = async () => {
    const database = await open();
    try {
      return await databaseFingerprint(database.dataSource);
    } finally {
      await database.close();
    }
  };
  const run = async (...args: string[]) => {
    stdout = [];
    process.exitCode = undefined;
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((...p: unknown[]) => void stdout.push(p.join(' ')));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'zhengzhi', ...args]);
    } catch {
      process.exitCode = 1; // what main() does with an error: prints it, exit 1
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return code;
  };

  beforeAll(async () => {
    if (testDatabaseKind === 'postgres') {
      throwaway = await createThrowawayDatabase('zz_test_cli_publish', testAdminUrl);
      process.env.DATABASE_URL = throwaway.url;
    } else {
      delete process.env.DATABASE_URL;
      process.env.ZHENGZHI_DATA_DIR = join(dir, 'db');
    }
    const database = await open();
    const { clock } = await openDeploymentClock(database, { sandbox: true, clock: T0 });
    const runtime = createRuntime(database, { clock });
    await runtime.directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
    await runtime.directory.createUnit({
      id: 'xn-county-hz',
      name: '湟中区交通运输局',
      level: 'county',
      parentId: 'xn-city',
    });
    campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    itemId = await itemInRectification(runtime, campaignId);
    await database.close();
  });

  afterAll(async () => {
    await throwaway?.drop();
    for (const [key, value] of [
      ['DATABASE_URL', saved.url],
      ['ZHENGZHI_DATA_DIR', saved.dataDir],
    ] as const) {
      if (value !== undefined) process.env[key] = value;
      else delete process.env[key];
    }
  });

  it('--dry-run --json reports the inquiry and its timer and writes nothing; publishing then does exactly that', async () => {
    const before = await fingerprint();
    expect(await run('rules', 'publish', file, '--campaign', campaignId, '--dry-run', '--json')).toBe(0);
    const dry = JSON.parse(stdout.join('\n')) as RuleSetPublishReport;
    expect(await fingerprint()).toEqual(before);
    expect(dry).toMatchObject({
      dryRun: true,
      at: T0,
      published: { version: 1, ruleSetId: 'strict', publishedAt: T0, publishedBy: 'cli' },
      evaluated: { items: 1, issued: 1 },
      escalations: [{ itemId, ruleId: 'strict-inquiry', respondBy: '2023-04-17T09:00:00.000Z' }],
    });
    expect(dry.timers.moved).toEqual([
      {
        kind: 'RESPONSE_OVERDUE',
        streamId: dry.escalations[0]!.escalationId,
        from: null,
        to: '2023-04-17T09:00:00.000Z',
      },
    ]);

    // Human output, in Chinese when asked.
    expect(await run('--lang', 'zh', 'rules', 'publish', file, '--campaign', campaignId, '--dry-run')).toBe(
      0,
    );
    expect(stdout[0]).toMatch(/^试运行（未写入）：若于 .* 发布 strict 第 1 版（1 条规则），将会$/);
    expect(stdout).toContain('  立即评估 1 个未结事项，下发 1 项问责措施');
    expect(stdout.some((line) => line.includes('by rule strict-inquiry'))).toBe(true);
    expect(await fingerprint()).toEqual(before);

    expect(await run('rules', 'publish', file, '--campaign', campaignId, '--json')).toBe(0);
    const applied = JSON.parse(stdout.join('\n')) as RuleSetPublishReport;
    const withoutIds = (r: RuleSetPublishReport) => ({
      ...r,
      dryRun: null,
      escalations: r.escalations.map(({ escalationId: _id, ...rest }) => rest),
      timers: { ...r.timers, moved: r.timers.moved.map(({ streamId: _id, ...rest }) => rest) },
    });
    expect(withoutIds(applied)).toEqual(withoutIds(dry));
    expect(await fingerprint()).not.toEqual(before);
    // The same version again is refused (exit 1) and writes nothing.
    const after = await fingerprint();
    expect(await run('rules', 'publish', file, '--campaign', campaignId, '--dry-run')).not.toBe(0);
    expect(await fingerprint()).toEqual(after);
  });

  it('rules failures shows the supervisor a rule set that failed while a command went on (issue 10 point 6)', async () => {
    const database = await open();
    const { legacy, item } = await (async () => {
      try {
        const { clock } = await openDeploymentClock(database, { sandbox: false });
        const runtime = createRuntime(database, { clock });
        const campaign = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
        // Published before the compiler refused `1 天 / 0`, stored as it was then.
        await database.dataSource.query(
          `INSERT INTO rule_sets (campaign_id, version, rule_set_id, source, source_sha256, rule_count, published_at, published_by)
           VALUES ($1, 7, 'legacy', $2, 'legacy', 1, $3, 'u-sup')`,
          [campaign, '规则集 legacy 版本 7\n规则 r "旧规则" 当 真 则 约谈 单位负责人 期限 1 天 / 0\n', T0],
        );
        // The command goes on.
        const registered = (await runtime.engine.create('item', clueInput(campaign), officer)).streamId;
        return { legacy: campaign, item: registered };
      } finally {
        await database.close();
      }
    })();
    expect(await run('rules', 'failures', '--campaign', legacy)).toBe(0);
    expect(stdout).toEqual([expect.stringMatching(/^v7 \* \(rule-set\): 1 failure\(s\) .*division by zero/)]);
    expect(await run('rules', 'failures', '--campaign', legacy, '--json')).toBe(0);
    const json = JSON.parse(stdout.join('\n'));
    expect(json.latest[0]).toMatchObject({ itemId: item, ruleSetId: 'legacy', ruleSetVersion: 7 });
  });
});
