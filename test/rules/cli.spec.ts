import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  checkRuleFiles,
  registerRulesCommands,
  testRuleFiles,
  type RulesCommandIo,
} from '../../src/cli/rules-commands';

function capture(): RulesCommandIo & { lines: string[]; code: number } {
  const io = {
    lines: [] as string[],
    code: -1,
    out: (line: string) => void io.lines.push(line),
    err: (line: string) => void io.lines.push(line),
    setExitCode: (code: number) => void (io.code = code),
  };
  return io;
}

const dir = mkdtempSync(join(tmpdir(), 'zhengzhi-rules-'));
const good = join(dir, 'good.rules');
const bad = join(dir, 'bad.rules');
const failing = join(dir, 'failing.rules');
writeFileSync(
  good,
  '规则集 g 版本 1\n规则 r "t" 当 事项.超期天数 > 3 则 提醒 事项\n例 "e" 给定 { 事项.超期天数 = 4 } 期望 提醒 事项\n',
);
writeFileSync(bad, '规则集 b 版本 1\n规则 r "t" 当 事项.超期天 > 3 则 提醒 事项\n');
writeFileSync(
  failing,
  '规则集 f 版本 1\n规则 r "t" 当 事项.超期天数 > 3 则 提醒 事项\n例 "e" 给定 { 事项.超期天数 = 4 } 期望 无\n',
);

describe('rules check / rules test commands', () => {
  it('check: ok files exit 0', async () => {
    const io = capture();
    expect(await checkRuleFiles([good], io)).toBe(0);
    expect(io.code).toBe(0);
    expect(io.lines[0]).toContain('good.rules: ok');
  });

  it('check: errors print file:line:col, code, source line and caret; exit 1', async () => {
    const io = capture();
    expect(await checkRuleFiles([good, bad, join(dir, 'missing.rules')], io)).toBe(1);
    const text = io.lines.join('\n');
    expect(text).toContain(`${bad}:2:15: error ZR2002`);
    expect(text).toContain('   2 | 规则 r "t" 当 事项.超期天 > 3 则 提醒 事项');
    expect(text).toMatch(/\|\s+\^{6}/);
    expect(text).toContain('ZR0009');
  });

  it('test: prints PASS/FAIL per example with its location; exit 1 on failure', async () => {
    const ok = capture();
    expect(await testRuleFiles([good], ok)).toBe(0);
    expect(ok.lines[0]).toBe(`PASS ${good}:3:1 e`);
    const io = capture();
    expect(await testRuleFiles([failing], io)).toBe(1);
    expect(io.lines[0]).toBe(`FAIL ${failing}:3:1 e`);
    expect(io.lines.join('\n')).toContain('unexpected 提醒 事项');
  });

  it('registers `rules check` and `rules test` on a commander program', () => {
    const program = new Command('zhengzhi');
    registerRulesCommands(program);
    const rules = program.commands.find((c) => c.name() === 'rules');
    expect(rules?.commands.map((c) => c.name())).toEqual(['check', 'test', 'export-table']);
  });
});
