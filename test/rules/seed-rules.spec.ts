import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRuleSet, formatDiagnostic, runExamples } from '../../src/rules';

const dir = join(__dirname, '../../rules');
const files = readdirSync(dir).filter((f) => f.endsWith('.rules'));

describe('seed rule sets under rules/', () => {
  it('include Xining 2023, Jiangyuan 2023 and the Rushan long-term mechanism', () => {
    expect(files).toEqual(
      expect.arrayContaining(['xining-2023.rules', 'jiangyuan-2023.rules', 'rushan-long-term.rules']),
    );
  });

  describe.each(files)('%s', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const result = compileRuleSet(source, file);

    it('compiles', () => {
      if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d, source)).join('\n'));
      expect(result.ruleSet.rules.length).toBeGreaterThan(5);
    });

    it('every rule cites the seed clause it encodes', () => {
      if (!result.ok) return;
      for (const rule of result.ruleSet.rules) expect(rule.source).toMatch(/(西宁|江源|乳山)方案/);
    });

    it('every example passes', () => {
      if (!result.ok) return;
      const results = runExamples(result.ruleSet);
      expect(results.length).toBeGreaterThanOrEqual(10);
      const failed = results
        .filter((r) => !r.passed)
        .map((r) => `${file}:${r.range.line} ${r.title}: ${r.failures.join('; ')}`);
      expect(failed).toEqual([]);
    });

    it('every escalating rule is exercised by some example', () => {
      if (!result.ok) return;
      const firedByExamples = new Set(
        runExamples(result.ruleSet).flatMap((r) => r.decision.fired.map((f) => f.ruleId)),
      );
      const unexercised = result.ruleSet.rules.map((r) => r.id).filter((id) => !firedByExamples.has(id));
      expect(unexercised).toEqual([]);
    });
  });

  it('a failing example is reported with its location and the difference', () => {
    const source = `规则集 t 版本 1
规则 r "t" 当 事项.超期天数 > 30 则 约谈 单位负责人
例 "wrong" 给定 { 事项.超期天数 = 31 } 期望 函询 单位负责人
例 "none" 给定 { 事项.超期天数 = 31 } 期望 无`;
    const result = compileRuleSet(source, 't.rules');
    if (!result.ok) throw new Error('compile failed');
    const [wrong, none] = runExamples(result.ruleSet);
    expect(wrong?.passed).toBe(false);
    expect(wrong?.range.line).toBe(3);
    expect(wrong?.failures[0]).toContain(
      'expected 函询 单位负责人 (inquiry_letter/unit_leader), got admonish/unit_leader',
    );
    expect(none?.failures[0]).toContain('unexpected 约谈 单位负责人');
  });
});
