import { compileRuleSet, formatDiagnostic, RULE_ERRORS } from '../../src/rules';
import { compileErrors, firstError, ruleWith } from './helpers';

describe('malformed input gives located errors', () => {
  it.each([
    // [source, expected code@line:column]
    ['', 'ZR1002@1:1'],
    ['规则 r "t" 当 真 则 提醒 事项', 'ZR1002@1:1'],
    ['规则集 a 版本', 'ZR1001@1:9'],
    ['规则集 a 版本 1.5', 'ZR1012@1:10'],
    ['规则集 a 版本 1\n规则 r "t" 当 真', 'ZR1001@2:13'],
    ['规则集 a 版本 1\n规则 r 当 真 则 提醒 事项', 'ZR1001@2:6'],
    ['规则集 a 版本 1\n规则 r "t" 当 则 提醒 事项', 'ZR1007@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 (真 则 提醒 事项', 'ZR1001@2:15'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数 > 1 > 0 则 提醒 事项', 'ZR1009@2:24'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期 > 30x 则 提醒 事项', 'ZR1008@2:22'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 提醒', 'ZR1001@2:18'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 理由 "x"', 'ZR1010@2:16'],
    ['规则集 a 版本 1\n规则 r "t" 优先级 1 优先级 2 当 真 则 提醒 事项', 'ZR1003@2:16'],
    ['规则集 a 版本 1\n规则 r "t 当 真', 'ZR0002@2:6'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数 > 30 && 真 则 提醒 事项', 'ZR0001@2:25'],
    ['规则集 a 版本 1\n\n  草稿', 'ZR1011@3:3'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天 > 30 则 提醒 事项', 'ZR2002@2:15'],
    ['规则集 a 版本 1\n规则 r "t" 当 案件.超期天数 > 30 则 提醒 事项', 'ZR2001@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数 > 30 天 则 提醒 事项', 'ZR2003@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.状态 = 整改 则 提醒 事项', 'ZR2005@2:20'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 警告 事项', 'ZR2006@2:16'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 约谈 领导', 'ZR2007@2:19'],
    ['规则集 a 版本 1\n规则 r "t" 当 计数(约谈) > 1 则 提醒 事项', 'ZR2008@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 已采取() 则 提醒 事项', 'ZR2009@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 已采取(30) 则 提醒 事项', 'ZR2010@2:16'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数 则 提醒 事项', 'ZR2011@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n规则 r "u" 当 真 则 提醒 事项', 'ZR2012@3:4'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.类别 = rent_seeking 则 提醒 事项', 'ZR2013@2:20'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数(30 天) > 1 则 提醒 事项', 'ZR2015@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.标签 = "x" 则 提醒 事项', 'ZR2003@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.状态 - 1 > 0 则 提醒 事项', 'ZR2004@2:12'],
    ['规则集 a 版本 1\n规则 r "t" 当 事项.超期天数 属于 [1, "2"] 则 提醒 事项', 'ZR2021@2:27'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项 期限 事项.超期', 'ZR2010@2:25'],
    [
      '规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n例 "e" 给定 { 单位.超期率 = 0.5 } 期望 无',
      'ZR2016@3:12',
    ],
    [
      '规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n例 "e" 给定 { 事项.超期天数 = 1, 事项.超期天数 = 2 } 期望 无',
      'ZR2017@3:25',
    ],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n例 "e" 于 "昨天" 给定 { } 期望 无', 'ZR2018@3:9'],
    ['规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n例 "e" 给定 { } 期望 提醒 事项 由 s', 'ZR2020@3:25'],
    [
      '规则集 a 版本 1\n规则 r "t" 当 真 则 提醒 事项\n例 "e" 给定 { 事项.超期天数 = 事项.停留天数 } 期望 无',
      'ZR2022@3:22',
    ],
  ])('%j → %s', (source, expected) => {
    expect(firstError(source)).toBe(expected);
  });

  it('every catalogue entry has a stable code and both languages', () => {
    for (const [code, entry] of Object.entries(RULE_ERRORS)) {
      expect(code).toMatch(/^ZR\d{4}$/);
      expect(entry.en.length).toBeGreaterThan(5);
      expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('hints suggest the closest name, in both scripts', () => {
    const [field] = compileErrors(ruleWith('事项.超期天 > 30'));
    expect(field?.hint).toContain('超期天数');
    const [english] = compileErrors(ruleWith('item.days_overdu > 30'));
    expect(english?.hint).toContain('days_overdue');
    const [state] = compileErrors(ruleWith('事项.状态 = 整改'));
    expect(state?.hint).toContain('整改中');
    const [measure] = compileErrors(ruleWith('真', 'admonsh unit_leader'));
    expect(measure?.hint).toContain('admonish');
    const [spacing] = compileErrors(ruleWith('事项.状态 = 整改中且 事项.超期天数 > 3'));
    expect(spacing?.hint).toContain('整改中 且');
    const [days] = compileErrors(ruleWith('事项.超期天数 > 30 天'));
    expect(days?.hint).toContain('事项.超期 > 30 天');
  });

  it('formats file:line:col, the source line and a caret under the range (CJK is two cells wide)', () => {
    const source = '规则集 a 版本 1\n规则 r "t" 当 事项.超期天 > 30 则 提醒 事项';
    const [diag] = compileErrors(source);
    const text = formatDiagnostic(diag!, source);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'test.rules:2:15: error ZR2002 事项 中没有字段 超期天 / unknown field 超期天 in 事项',
    );
    expect(lines[1]).toBe('   2 | 规则 r "t" 当 事项.超期天 > 30 则 提醒 事项');
    // 规则 (4 cells) + ' r "t" ' (7) + 当 (2) + ' ' (1) + 事项. (5) = 19 cells before the field
    expect(lines[2]).toBe(`     | ${' '.repeat(19)}^^^^^^`);
    expect(lines[3]).toContain('hint: did you mean 超期天数?');
  });

  it('reports one error per broken rule and keeps going', () => {
    const diagnostics = compileErrors(
      '规则集 a 版本 1\n规则 r1 "t" 当 则 提醒 事项\n规则 r2 "t" 当 真 则 提醒 事项\n规则 r3 "t" 当 ( 则 提醒 事项',
    );
    expect(diagnostics.map((d) => `${d.code}@${d.range.line}`)).toEqual(['ZR1007@2', 'ZR1007@4']);
    const checker = compileErrors('规则集 a 版本 1\n规则 r1 "t" 当 事项.x > 1 且 事项.y > 2 则 警告 事项');
    expect(checker.map((d) => d.code)).toEqual(['ZR2002', 'ZR2002', 'ZR2006']);
  });

  it('frozen limits are compile errors', () => {
    const deep = ruleWith(`${'('.repeat(40)}真${')'.repeat(40)}`);
    expect(compileErrors(deep)[0]?.code).toBe('ZR1004');
    const nots = ruleWith(`${'非 '.repeat(100)}真`);
    expect(compileErrors(nots)[0]?.code).toBe('ZR1004');
    const big = '规则集 a 版本 1\n' + '#'.repeat(300 * 1024);
    expect(compileErrors(big)[0]?.code).toBe('ZR0004');
    const manyRules =
      '规则集 a 版本 1\n' +
      Array.from({ length: 501 }, (_, i) => `规则 r${i} "t" 当 真 则 提醒 事项`).join('\n');
    expect(compileErrors(manyRules)[0]?.code).toBe('ZR1006');
    const longName = ruleWith(`事项.${'长'.repeat(65)} > 1`);
    expect(compileErrors(longName)[0]?.code).toBe('ZR0005');
    expect(compileErrors(ruleWith('真', '约谈 单位 期限 4000 天'))[0]?.code).toBe('ZR2019');
    const wide = ruleWith(`事项.超期天数 属于 [${Array.from({ length: 201 }, (_, i) => i).join(', ')}]`);
    expect(compileErrors(wide)[0]?.code).toBe('ZR1006');
  });

  it('never compiles a rule set with any error', () => {
    expect(compileRuleSet(ruleWith('真 且 事项.不存在'), 'x').ok).toBe(false);
  });
});
