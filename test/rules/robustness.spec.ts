import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileRuleSet,
  defaultFacts,
  evaluate,
  factsFromJson,
  formatDiagnostic,
  RULE_LIMITS,
  type RuleFacts,
} from '../../src/rules';
import { testRuleFiles } from '../../src/cli/rules-commands';
import { compileErrors, compileOk, ruleWith } from './helpers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const H = '规则集 t 版本 1\n';
const at = '2023-06-01T09:00:00+08:00';
const located = (source: string) => {
  const d = compileErrors(source)[0]!;
  return `${d.code}@${d.range.line}:${d.range.column}`;
};
const facts = (patch: (f: ReturnType<typeof defaultFacts>) => void = () => undefined): RuleFacts => {
  const f = defaultFacts();
  patch(f);
  return f as RuleFacts;
};

describe('issue 10 point 6: no rule file can hurt the server', () => {
  describe('arithmetic is checked at compile time', () => {
    it('a deadline divided by zero is a located error (ZR2024 at the divisor)', () => {
      expect(located(H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 1 天 / 0\n')).toBe(
        'ZR2024@2:44',
      );
      expect(located(ruleWith('事项.超期天数 / 0 > 1'))).toBe('ZR2024@2:22');
      expect(located(ruleWith('事项.超期 / (2 天 - 2 天) > 1'))).toBe('ZR2024@2:20');
    });

    it('durations beyond the documented cap are located errors, however they are computed', () => {
      expect(
        located(H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 3650 天 * 3650 * 3650\n'),
      ).toBe('ZR2019@2:38');
      expect(located(H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 3000 天 + 3000 天\n')).toBe(
        'ZR2019@2:38',
      );
      expect(located(ruleWith('事项.超期 > 3000 天 * 2'))).toBe('ZR2019@2:20');
      // within the cap still compiles and evaluates to a valid respondBy
      const rs = compileOk(H + '规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 3650 天\n');
      const decision = evaluate(
        rs,
        facts((f) => void (f.item.daysOverdue = 5)),
        at,
      );
      expect(decision.escalations[0]!.respondBy).toBe('2033-05-29T01:00:00.000Z');
    });

    it('rules test reports them at file:line:col with the code (it printed only "Invalid time value")', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'zz-rules-'));
      try {
        const out: string[] = [];
        const io = {
          out: (l: string) => out.push(l),
          err: (l: string) => out.push(l),
          setExitCode: () => {},
        };
        for (const [deadline, expected] of [
          ['1 天 / 0', /arith\.rules:2:44: error ZR2024/],
          ['3650 天 * 3650 * 3650', /arith\.rules:2:38: error ZR2019/],
        ] as const) {
          out.length = 0;
          const file = join(dir, 'arith.rules');
          writeFileSync(file, `${H}规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人 期限 ${deadline}\n`);
          expect(await testRuleFiles([file], io)).toBe(1);
          expect(out.join('\n')).toMatch(expected);
          expect(out.join('\n')).not.toMatch(/Invalid time value/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('版本 2147483648 and 版本 0 are located errors; 2147483647 is the largest version', () => {
      expect(located('规则集 t 版本 2147483648\n')).toBe('ZR2019@1:10');
      expect(located('规则集 t 版本 0\n')).toBe('ZR2019@1:10');
      expect(compileOk('规则集 t 版本 2147483647\n').version).toBe(RULE_LIMITS.maxVersion);
    });

    it('windows must be constant, positive and within the cap: 事项.投诉数(-5 天) is refused', () => {
      expect(located(ruleWith('事项.投诉数(-5 天) > 1'))).toBe('ZR2019@2:19');
      expect(located(ruleWith('事项.投诉数(0 天) > 1'))).toBe('ZR2019@2:19');
      expect(located(ruleWith('事项.投诉数(事项.超期) > 1'))).toBe('ZR2019@2:19');
      expect(compileOk(ruleWith('事项.投诉数(30 天) >= 3')).rules).toHaveLength(1);
    });
  });

  describe('a rule that throws while evaluating is skipped and reported, never thrown', () => {
    const source =
      H +
      '规则 windowed "投诉" 优先级 9 当 事项.投诉数(30 天) >= 1 则 挂牌督办 单位\n' +
      '规则 overdue "超期" 当 事项.超期天数 > 3 则 约谈 单位负责人\n';

    it('the other rules still decide; the failure names the rule and the stage', () => {
      const rs = compileOk(source);
      // injected fault: facts of an unexpected shape (an item snapshot written before complaints existed)
      const broken = facts((f) => {
        f.item.daysOverdue = 10;
        (f.item as { complaintTimes: unknown }).complaintTimes = undefined;
      });
      const decision = evaluate(rs, broken, at);
      expect(decision.escalations.map((e) => `${e.ruleId}:${e.measure}`)).toEqual(['overdue:admonish']);
      expect(decision.failures).toEqual([
        { ruleId: 'windowed', stage: 'condition', message: expect.stringContaining('TypeError') },
      ]);
      expect(
        evaluate(
          rs,
          facts((f) => void (f.item.daysOverdue = 10)),
          at,
        ).failures,
      ).toEqual([]);
    });
  });

  describe('no recursion proportional to the input', () => {
    it('a flat chain of 3,000 + terms is a located limit error (ZR1014), not a stack overflow', () => {
      const d = compileErrors(ruleWith(`事项.超期天数 ${'+ 1 '.repeat(3000)}> 3`))[0]!;
      expect(d.code).toBe('ZR1014');
      expect(d.range.line).toBe(2);
      expect(d.message).toContain(String(RULE_LIMITS.maxTreeDepth));
    });

    it('8,000 且 terms and 8,000 或 terms compile (balanced), and evaluate', () => {
      const terms = (n: number, op: string) =>
        Array.from({ length: n }, (_, i) => `事项.超期天数 > ${i % 7}`).join(` ${op} `);
      const and = compileOk(ruleWith(terms(8000, '且')));
      expect(
        evaluate(
          and,
          facts((f) => void (f.item.daysOverdue = 10)),
          at,
        ).escalations,
      ).toHaveLength(1);
      expect(
        evaluate(
          and,
          facts((f) => void (f.item.daysOverdue = 3)),
          at,
        ).escalations,
      ).toHaveLength(0);
      const or = compileOk(ruleWith(terms(8000, '或')));
      expect(
        evaluate(
          or,
          facts((f) => void (f.item.daysOverdue = 1)),
          at,
        ).escalations,
      ).toHaveLength(1);
    });

    it('deep parentheses, 非 非 … and - - … chains and call chains are located limit errors', () => {
      expect(located(ruleWith(`${'('.repeat(5000)}1${')'.repeat(5000)} > 1`))).toMatch(/^ZR1004@2:/);
      expect(located(ruleWith(`${'非 '.repeat(20000)}真`))).toMatch(/^ZR1004@2:/);
      expect(located(ruleWith(`${'- '.repeat(20000)}1 > 0`))).toMatch(/^ZR1004@2:/);
      expect(located(ruleWith(`已采取(约谈)${'(约谈)'.repeat(5000)}`))).toMatch(/^ZR1014@2:/);
    });
  });

  describe('diagnostics are capped in number and size', () => {
    it('100,000 lines of $ give at most 101 diagnostics and a small report', () => {
      const source = '$\n'.repeat(100_000);
      const diagnostics = compileErrors(source);
      expect(diagnostics.length).toBe(RULE_LIMITS.maxDiagnostics + 1);
      expect(diagnostics[diagnostics.length - 1]!.code).toBe('ZR0010');
      const report = diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
      expect(report.length).toBeLessThan(40_000);
    });

    it('an 8,000-character line shows a window around each error, not the whole line', () => {
      const source = H + '规则 r "t" 当 ' + '$'.repeat(8000) + '\n';
      const report = compileErrors(source).map((d) => formatDiagnostic(d, source));
      expect(report.length).toBeLessThanOrEqual(101);
      for (const text of report) expect(text.length).toBeLessThan(600);
    });

    it('checking a 100 kB file takes < 200 ms (CPU, best of 5): a long 且 chain, many rules, junk', () => {
      const fill = (unit: (i: number) => string) => {
        let text = H;
        for (let i = 0; text.length < 100_000; i++) text += unit(i);
        return text;
      };
      const files = {
        chain: `${H}规则 r "t" 当 ${Array.from({ length: 7000 }, (_, i) => `事项.超期天数 > ${i % 9}`).join(' 且 ')} 则 约谈 单位负责人\n`,
        rules: fill(
          (i) =>
            `规则 r${i} "超期" 优先级 ${i % 100} 当 事项.状态 = 整改中 且 事项.超期天数 > ${i % 60} 则 约谈 单位负责人 期限 10 天\n`,
        ),
        junk: fill(() => '$ 事项.未知 ` @\n'),
      };
      for (const [name, source] of Object.entries(files)) {
        expect(source.length).toBeGreaterThan(95_000);
        let best = Infinity;
        // Best of 10 after warm-up: process CPU time also counts GC helper threads and other suites' work in this worker.
        for (let run = 0; run < 10; run++) {
          const before = process.cpuUsage();
          const result = compileRuleSet(source, 'big.rules');
          if (!result.ok) for (const d of result.diagnostics) formatDiagnostic(d, source);
          const used = process.cpuUsage(before);
          best = Math.min(best, (used.user + used.system) / 1000);
        }
        expect([name, best < 200]).toEqual([name, true]);
      }
    });

    it('unknown names in a huge condition stop at the cap', () => {
      const condition = Array.from({ length: 5000 }, (_, i) => `未知字段${i} > 1`).join(' 且 ');
      const diagnostics = compileErrors(ruleWith(condition));
      expect(diagnostics.length).toBe(RULE_LIMITS.maxDiagnostics + 1);
      expect(diagnostics.at(-1)!.code).toBe('ZR0010');
    });
  });

  describe('line terminators end lines as editors do; bidi controls warn', () => {
    for (const [name, breakChar] of [
      ['a lone CR', '\r'],
      ['U+2028', '\u2028'],
      ['U+2029', '\u2029'],
      ['CRLF', '\r\n'],
    ] as const) {
      it(`${name} ends a comment, so the rule after it is compiled and reported on its own line`, () => {
        const source = `${H}# 注释${breakChar}规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人\n`;
        const rs = compileOk(source);
        expect(rs.rules.map((r) => r.id)).toEqual(['r']);
        expect(rs.rules[0]!.range.line).toBe(3);
        const bad = `${H}# 注释${breakChar}规则 r "t" 当 事项.未知 > 1 则 约谈 单位负责人\n`;
        expect(located(bad)).toBe('ZR2002@3:15');
      });
    }

    it('a lone CR ends an unterminated string too', () => {
      expect(located(`${H}规则 r "t\r" 当 真 则 约谈 单位负责人\n`)).toBe('ZR0002@2:6');
    });

    it('bidirectional controls in comments and strings compile with a ZR0011 warning; elsewhere they are errors', () => {
      const source = `${H}# \u202e 隐藏 \u2066\n规则 r "标题\u2067" 当 事项.超期天数 > 1 则 约谈 单位负责人\n`;
      const result = compileRuleSet(source, 't.rules');
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.warnings.map((w) => `${w.code}@${w.range.line}:${w.range.column}:${w.severity}`)).toEqual(
        ['ZR0011@2:3:warning', 'ZR0011@3:9:warning'],
      );
      expect(formatDiagnostic(result.warnings[0]!, source)).toMatch(/^t\.rules:2:3: warning ZR0011/);
      expect(formatDiagnostic(result.warnings[0]!, source)).not.toMatch(/[\u202e\u2066]/);
      expect(located(`${H}规则 r "t" 当 事项.超期天数 \u202e> 1 则 约谈 单位负责人\n`)).toBe('ZR0001@2:20');
    });
  });

  describe('control characters cannot forge output', () => {
    it('a raw control character in a string is an error (ZR0012)', () => {
      expect(located(`${H}规则 r "a\u001b[2Kb" 当 真 则 约谈 单位负责人\n`)).toBe('ZR0012@2:8');
    });

    it('rules test prints a title with escaped line breaks on one line', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'zz-rules-'));
      try {
        const file = join(dir, 'forge.rules');
        writeFileSync(
          file,
          `${H}规则 r "t" 当 事项.超期天数 > 1 则 约谈 单位负责人\n` +
            `例 "x\\nPASS forged.rules:1:1 all good\\t" 给定 { 事项.超期天数 = 5 } 期望 无\n`,
        );
        const out: string[] = [];
        const code = await testRuleFiles([file], {
          out: (l) => out.push(l),
          err: (l) => out.push(l),
          setExitCode: () => undefined,
        });
        expect(code).toBe(1);
        const printed = out.join('\n').split('\n');
        expect(printed.filter((l) => l.startsWith('PASS'))).toEqual([]);
        expect(printed[0]).toMatch(/^FAIL .*forge\.rules:3:1 x\ufffdPASS forged\.rules:1:1 all good\ufffd$/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('absent numbers make every comparison false (README)', () => {
    it('距上次(约谈) != 1 天 is false for an item never admonished, true once admonished long ago', () => {
      const rs = compileOk(ruleWith('距上次(约谈) != 1 天'));
      expect(evaluate(rs, facts(), at).escalations).toHaveLength(0);
      const admonished = facts((f) => {
        f.history = [
          { measure: 'admonish', target: 'unit_leader', ruleId: 'x', issuedAt: '2023-05-01T00:00:00Z' },
        ];
      });
      expect(evaluate(rs, admonished, at).escalations).toHaveLength(1);
    });

    it('an absent checklist item is neither equal, unequal, in nor not in anything', () => {
      for (const condition of [
        '事项.清单条目 != 4',
        '事项.清单条目 不属于 [1, 2]',
        '事项.清单条目 属于 [1, 2]',
      ]) {
        expect(evaluate(compileOk(ruleWith(condition)), facts(), at).escalations).toHaveLength(0);
      }
      expect(
        evaluate(
          compileOk(ruleWith('事项.清单条目 不属于 [1, 2]')),
          facts((f) => void (f.item.checklistItem = 4)),
          at,
        ).escalations,
      ).toHaveLength(1);
    });
  });

  it('seed phase-deadline-remind does not fire for a phase deadline that passed long ago', () => {
    const rs = compileOk(readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8'));
    const ids = (days: number) =>
      evaluate(
        rs,
        facts((f) => {
          f.item.state = 'rectifying';
          f.campaign.phase = 'rectify';
          f.campaign.daysToPhaseDeadline = days;
        }),
        at,
      ).fired.map((r) => r.ruleId);
    expect(ids(10)).toContain('phase-deadline-remind');
    expect(ids(0)).toContain('phase-deadline-remind');
    expect(ids(-1)).not.toContain('phase-deadline-remind');
    expect(ids(-800)).not.toContain('phase-deadline-remind');
  });

  describe('facts given as JSON are type-checked against the schema', () => {
    it('names outside the schema, constructor and __proto__ included, are problems', () => {
      const result = factsFromJson(
        JSON.parse('{"item":{"constructor":1,"__proto__":{"x":1},"daysOverdue":"5"}}'),
      );
      expect('problems' in result && result.problems.map((p) => p.field)).toEqual([
        'item.constructor',
        'item.__proto__',
        'item.daysOverdue',
      ]);
    });

    it('well-typed facts are accepted under any of their names', () => {
      const result = factsFromJson({
        item: { daysOverdue: 31, state: '整改中', tags: ['以权谋私'] },
        unit: { missed_reports: 2 },
        history: [{ measure: '约谈', target: '单位负责人', issuedAt: '2023-05-01T00:00:00Z' }],
      });
      expect('facts' in result).toBe(true);
      if (!('facts' in result)) return;
      expect(result.facts.item.state).toBe('rectifying');
      expect(result.facts.item.tags).toEqual(['abuse_of_power']);
      expect(result.facts.unit.missedReports).toBe(2);
      expect(result.facts.history[0]!.measure).toBe('admonish');
    });
  });
});
