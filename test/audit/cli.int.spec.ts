import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateKeyPairSync } from 'node:crypto';
import { registerAuditCommands } from '../../src/cli/audit-commands';
import { keyIdOf } from '../../src/audit/keys';
import { campaignInput, createTestRuntime, officer, supervisor } from '../support/fixtures';
import { itemWithProgress, tamper } from './support';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;
let itemId: string;
let output: string[];
const dir = mkdtempSync(join(tmpdir(), 'zz-cli-'));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const env = {
  ZHENGZHI_AUDIT_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  ZHENGZHI_STATE_DIR: join(dir, 'state'),
};

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  itemId = await itemWithProgress(runtime, campaignId);
});
afterAll(() => runtime.database.close());
afterEach(() => {
  process.exitCode = undefined;
});

/** Runs `zhengzhi <args>` against the test database; returns the printed lines and the exit code. */
async function zz(...args: string[]): Promise<{ lines: string[]; exitCode: number }> {
  output = [];
  process.exitCode = undefined;
  const program = new Command('zhengzhi').exitOverride();
  registerAuditCommands(program, {
    openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
    clock: runtime.clock,
    out: (line) => output.push(line),
    env,
  });
  await program.parseAsync(['node', 'zhengzhi', ...args]);
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { lines: output, exitCode };
}

describe('audit CLI on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('audit checkpoint signs; verify passes with exit code 0', async () => {
    const signed = await zz('audit', 'checkpoint');
    expect(signed.lines).toEqual([
      `checkpoint 1: positions 0–7, 7 events, 2 streams, key ${keyIdOf(publicPem)}`,
      expect.stringMatching(
        /^ {2}hash ([0-9a-f]{64}) — keep it outside the database; verify --expect-checkpoint \1$/,
      ),
    ]);
    expect(await zz('audit', 'checkpoint')).toEqual({
      lines: ['nothing new since the last checkpoint'],
      exitCode: 0,
    });
    const hash = /hash ([0-9a-f]{64})/.exec(signed.lines[1]!)![1]!;
    const stateFile = join(dir, 'state', 'checkpoints', `${keyIdOf(publicPem)}.json`);
    expect(await zz('verify')).toEqual({
      lines: [
        'OK: 7 events in 2 streams, 1 checkpoint(s)',
        `  latest checkpoint 1 (2023-04-10T09:00:00.000Z, key ${keyIdOf(publicPem)}) hash ${hash} — remembered in ${stateFile}`,
      ],
      exitCode: 0,
    });
  });

  it('replay: time travel by sequence, and the determinism check', async () => {
    const back = await zz('replay', itemId, '--sequence', '2');
    expect(back.lines[0]).toBe(`${itemId} (item) at version 2: verifying`);
    expect(await zz('replay', '--check')).toEqual({
      lines: ['OK: replayed 7 events of 2 streams'],
      exitCode: 0,
    });
  });

  it('timeline and explain print the history and the reason', async () => {
    const t = await zz('audit', 'timeline', itemId);
    expect(t.lines[1]).toMatch(
      /^ {3}1 2023-04-10T09:00:00.000Z REGISTER +u-officer@xn-county-hz {2}∅ → registered {2}\(machine v3\)$/,
    );
    const x = await zz('audit', 'explain', itemId);
    expect(x.lines.slice(0, 2)).toEqual([
      `${itemId} (item) is rectifying`,
      '  since event 4 START_RECTIFICATION by u-officer@xn-county-hz at 2023-04-10T09:00:00.000Z (from confirmed)',
    ]);
  });

  it('export, then verify --file offline, pinned to the public key', async () => {
    const file = join(dir, 'export.jsonl');
    expect((await zz('audit', 'export', '--campaign', campaignId, '--out', file)).lines).toEqual([
      `wrote ${file}: 7 events in 2 streams, signed checkpoint 1`,
    ]);
    const pub = join(dir, 'key.pub');
    writeFileSync(pub, publicPem);
    const offline = await zz('verify', '--file', file, '--public-key', pub);
    expect(offline).toEqual({
      lines: [
        `OK: ${file} — 7 events in 2 streams of campaign ${campaignId}`,
        `  signed by key ${keyIdOf(publicPem)} (checkpoint 1, 2023-04-10T09:00:00.000Z)`,
      ],
      exitCode: 0,
    });
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, readFileSync(file, 'utf8').replace('已整改 12 处', '已整改 1 处'));
    const report = await zz('verify', '--file', edited);
    expect(report.exitCode).toBe(1);
    expect(report.lines[0]).toBe(`TAMPERED: ${edited} — 7 events in 2 streams of campaign ${campaignId}`);
    expect(report.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^  ✗ stream ${itemId} sequence 6 \\(line \\d+\\): hash does not cover the body — expected [0-9a-f]{64}, found [0-9a-f]{64}$`,
        ),
      ),
    );
  });

  it('verify exits 1 and names the broken link after tampering', async () => {
    await tamper(runtime, `UPDATE events SET actor_id = 'u-nobody' WHERE stream_id = $1 AND sequence = 2`, [
      itemId,
    ]);
    const report = await zz('verify', '--stream', itemId);
    expect(report).toEqual({
      lines: [
        'TAMPERED: 6 events in 1 streams, 1 checkpoint(s)',
        expect.stringMatching(/^ {2}latest checkpoint 1 \(.*\) hash [0-9a-f]{64}$/),
        `  ✗ stream ${itemId} sequence 2: column actorId differs from the hashed body — expected u-officer, found u-nobody`,
      ],
      exitCode: 1,
    });
    const json = await zz('verify', '--stream', itemId, '--json');
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({
      ok: false,
      findings: [{ kind: 'column-mismatch', field: 'actorId' }],
    });
    expect(json.exitCode).toBe(1);
  });

  it('bad options get specific messages', async () => {
    await expect(zz('verify', '--mode', 'fast')).rejects.toThrow(
      '--mode must be one of auto, copy, select, not fast',
    );
    await expect(zz('replay', itemId, '--at', 'noon')).rejects.toThrow('"noon" is not an instant');
    await expect(zz('replay', itemId, '--sequence', 'two')).rejects.toThrow(
      '--sequence must be a whole number, not two',
    );
    await expect(zz('verify', '--file', join(dir, 'nope.jsonl'))).rejects.toThrow(
      /export file .*nope.jsonl cannot be read/,
    );
    await expect(
      zz('verify', '--file', join(dir, 'x.jsonl'), '--public-key', join(dir, 'missing.pem')),
    ).rejects.toThrow(/--public-key .*missing.pem is not a readable public key/);
  });
  it('timeline and explain speak to an auditor in Chinese: labels, Shanghai time, the reason given', async () => {
    const rejected = await itemWithProgress(runtime, campaignId);
    await runtime.engine.execute(
      rejected,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['a.pdf'] },
      officer,
    );
    await runtime.engine.execute(
      rejected,
      { type: 'REJECT', reason: '佐证材料不足，缺少整改前后照片' },
      supervisor,
    );
    const t = await zz('audit', 'timeline', rejected, '--lang', 'zh');
    expect(t.lines[0]).toBe(`${rejected} (问题事项)`);
    // 09:00 UTC is 17:00 in Asia/Shanghai.
    expect(t.lines[1]).toMatch(
      /^ {3}1 2023-04-10 17:00 登记线索 {2}u-officer@xn-county-hz {2}（无） → 已登记/,
    );
    expect(t.lines).toContain('       理由: 佐证材料不足，缺少整改前后照片');
    expect(t.lines.some((l) => / 验收退回 .* 待验收 → 整改中 /.test(l))).toBe(true);
    const x = await zz('audit', 'explain', rejected, '--lang', 'zh');
    expect(x.lines[0]).toBe(`${rejected}（问题事项）当前状态：整改中`);
    expect(x.lines[1]).toMatch(
      /^ {2}原因：2023-04-10 17:00 u-supervisor@xn-city 执行「验收退回」（第 \d+ 个事件），由「待验收」转入$/,
    );
    expect(x.lines[2]).toBe('  当事人所述: 理由: 佐证材料不足，缺少整改前后照片');
    expect(x.lines[3]).toMatch(/^ {2}等待: .*提请验收/);
  });
});
