import { compileRuleSet, evaluate, lex, parseRuleFile, defaultFacts, type RuleFacts } from '../../src/rules';
import { compileOk, ruleWith } from './helpers';

const AT = '2023-06-01T00:00:00Z';

/** Evaluates a single-rule set on facts built from defaults plus `patch`; true when the rule fired. */
function fires(
  condition: string,
  patch: (f: ReturnType<typeof defaultFacts>) => void = () => undefined,
): boolean {
  const ruleSet = compileOk(ruleWith(condition));
  const facts = defaultFacts();
  patch(facts);
  return evaluate(ruleSet, facts as RuleFacts, AT).fired.length === 1;
}

describe('lexer', () => {
  it('reads Chinese and ASCII words, numbers, strings, full-width punctuation and comments', () => {
    const { tokens, diagnostics } = lex(
      '当 事项.超期天数 ＞ 30 且 “整改” # comment\n// another\n「乙」（1，2）≥ ≤ ≠ == <>',
    );
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => t.text)).toEqual([
      '当',
      '事项',
      '.',
      '超期天数',
      '>',
      '30',
      '且',
      '“整改”',
      '「乙」',
      '(',
      '1',
      ',',
      '2',
      ')',
      '>=',
      '<=',
      '!=',
      '=',
      '!=',
      '',
    ]);
    expect(tokens[7]?.value).toBe('整改');
  });

  it('records line, column (code points), offset and length', () => {
    const { tokens } = lex('规则集 a\n  版本 12');
    const version = tokens[2];
    expect(version?.range).toEqual({ line: 2, column: 3, offset: 8, length: 2 });
    expect(tokens[3]?.range).toEqual({ line: 2, column: 6, offset: 11, length: 2 });
  });

  it('decodes escapes and reports bad ones', () => {
    expect(lex('"a\\"b\\n"').tokens[0]?.value).toBe('a"b\n');
    expect(lex('"a\\qb"').diagnostics[0]?.code).toBe('ZR0007');
  });
});

describe('rule files in both languages', () => {
  const zh = `
# 注释
规则集 demo-2023 版本 2 "演示"
规则 overdue-admonish "整改超期30天约谈" 优先级 50 依据 "西宁方案 五(三)4"
  当 事项.状态 = 整改中 且 事项.超期天数 > 30
  则 约谈 单位负责人 期限 10 天 理由 "整改超期"
例 "超期31天" 给定 { 事项.状态 = 整改中, 事项.超期天数 = 31 } 期望 约谈 单位负责人
`;
  const en = `
// comment
ruleset demo-2023 version 2 "demo"
rule overdue-admonish "overdue 30 days" priority 50 source "Xining 5(3)4"
  when item.state = rectifying and item.days_overdue > 30
  then admonish unit_leader deadline 10d reason "overdue"
example "31 days" given { item.state = rectifying; item.days_overdue = 31 } expect admonish unit_leader
`;

  it('Chinese and English spell the same rule set', () => {
    const a = compileOk(zh);
    const b = compileOk(en);
    for (const rs of [a, b]) {
      expect(rs.id).toBe('demo-2023');
      expect(rs.version).toBe(2);
      const rule = rs.rules[0];
      expect(rule?.id).toBe('overdue-admonish');
      expect(rule?.priority).toBe(50);
      expect(rule?.actions).toEqual([
        expect.objectContaining({
          type: 'escalate',
          measure: 'admonish',
          target: 'unit_leader',
          deadlineMs: 10 * 86_400_000,
        }),
      ]);
    }
    expect(a.rules[0]?.source).toBe('西宁方案 五(三)4');
    expect(a.examples[0]?.facts.item.daysOverdue).toBe(31);
    expect(b.examples[0]?.facts.item.state).toBe('rectifying');
  });

  it('accepts every measure and target in Chinese and English', () => {
    const pairs: [string, string, string][] = [
      ['提醒', 'remind', 'remind'],
      ['函询', 'inquiry_letter', 'inquiry_letter'],
      ['约谈', 'admonish', 'admonish'],
      ['通报批评', 'circulate_criticism', 'circulate_criticism'],
      ['整改建议书', 'rectification_notice', 'rectification_notice'],
      ['挂牌督办', 'listed_supervision', 'listed_supervision'],
      ['移交纪检监察', 'refer_to_discipline', 'refer_to_discipline'],
      ['追责问责', 'hold_accountable', 'hold_accountable'],
    ];
    const targets: [string, string][] = [
      ['事项', 'item'],
      ['责任人', 'responsible_person'],
      ['单位负责人', 'unit_leader'],
      ['单位', 'unit'],
    ];
    for (const [zhName, enName, code] of pairs) {
      for (const [zhTarget, target] of targets) {
        for (const action of [
          `${zhName} ${zhTarget}`,
          `escalate ${enName} ${target}`,
          `升级 ${zhName} ${target}`,
        ]) {
          const rs = compileOk(ruleWith('真', action));
          expect(rs.rules[0]?.actions[0]).toMatchObject({ measure: code, target });
        }
      }
    }
  });

  it('parses suppress and tag actions, several actions, separators', () => {
    const rs = compileOk(
      ruleWith('真', '免除 责任人 理由 "免罚清单", 标记 "负面舆情"; suppress all 约谈 单位'),
    );
    expect(rs.rules[0]?.actions).toEqual([
      expect.objectContaining({ type: 'suppress', target: 'responsible_person', reason: '免罚清单' }),
      expect.objectContaining({ type: 'tag', tag: 'negative_public_opinion' }),
      expect.objectContaining({ type: 'suppress', target: 'all' }),
      expect.objectContaining({ type: 'escalate', measure: 'admonish', target: 'unit' }),
    ]);
  });

  it('durations: 天, d, 周, w, 小时, h and arithmetic', () => {
    const deadline = (text: string) =>
      (compileOk(ruleWith('真', `约谈 单位 期限 ${text}`)).rules[0]?.actions[0] as { deadlineMs: number })
        .deadlineMs;
    expect(deadline('30 天')).toBe(30 * 86_400_000);
    expect(deadline('30d')).toBe(30 * 86_400_000);
    expect(deadline('2 周')).toBe(14 * 86_400_000);
    expect(deadline('2w')).toBe(14 * 86_400_000);
    expect(deadline('12h')).toBe(12 * 3_600_000);
    expect(deadline('12 小时')).toBe(12 * 3_600_000);
    expect(deadline('1 周 + 3 天')).toBe(10 * 86_400_000);
    expect(deadline('2 * 5 天')).toBe(10 * 86_400_000);
    expect(deadline('(3 周 - 1 天) / 2')).toBe(10 * 86_400_000);
  });

  it('boolean precedence: not > and > or, parentheses override', () => {
    // 或 binds looser than 且: true or (false and false) = true
    expect(fires('真 或 假 且 假')).toBe(true);
    expect(fires('(真 或 假) 且 假')).toBe(false);
    expect(fires('非 假 且 真')).toBe(true);
    expect(fires('not (true and false)')).toBe(true);
    expect(fires('非 真 或 真')).toBe(true);
  });

  it('comparisons, membership and set containment in both languages', () => {
    const rectifying = (f: ReturnType<typeof defaultFacts>) => {
      f.item.state = 'rectifying';
      f.item.daysOverdue = 12;
      f.item.tags = ['abuse_of_power'];
    };
    expect(fires('事项.状态 属于 [整改中, 待验收]', rectifying)).toBe(true);
    expect(fires('item.state in [closed]', rectifying)).toBe(false);
    expect(fires('item.state not in [closed]', rectifying)).toBe(true);
    expect(fires('事项.状态 不属于 [整改中]', rectifying)).toBe(false);
    expect(fires('事项.标签 包含 "以权谋私"', rectifying)).toBe(true);
    expect(fires('item.tags contains "abuse_of_power"', rectifying)).toBe(true);
    expect(fires('事项.标签 不包含 "权钱交易"', rectifying)).toBe(true);
    expect(fires('"以权谋私" 属于 事项.标签', rectifying)).toBe(true);
    expect(
      fires(
        '事项.超期天数 >= 12 且 事项.超期天数 <= 12 且 事项.超期天数 != 11 且 事项.超期天数 = 12',
        rectifying,
      ),
    ).toBe(true);
    expect(fires('事项.超期天数 ≥ 13', rectifying)).toBe(false);
    expect(fires('整改中 = 事项.状态', rectifying)).toBe(true);
  });

  it('arithmetic on numbers and durations', () => {
    const f = (x: ReturnType<typeof defaultFacts>) => {
      x.item.daysOverdue = 20;
      x.unit.openCount = 10;
      x.unit.overdueCount = 4;
    };
    expect(fires('事项.超期 > 2 周 + 5 天', f)).toBe(true);
    expect(fires('事项.超期 > 3 周', f)).toBe(false);
    expect(fires('事项.超期 / 2 = 10 天', f)).toBe(true);
    expect(fires('事项.超期 / 1 天 = 20', f)).toBe(true);
    expect(fires('天数(事项.超期) * 2 - 5 = 35', f)).toBe(true);
    expect(fires('-事项.超期天数 < 0', f)).toBe(true);
    expect(fires('单位.超期率 > 30%', f)).toBe(true);
    expect(fires('unit.overdue_ratio = 0.4', f)).toBe(true);
    expect(fires('单位.超期数 / 单位.在办数 > 0.5', f)).toBe(false);
  });

  it('unit, campaign and history facts', () => {
    expect(fires('单位.漏报次数 >= 2', (f) => void (f.unit.missedReports = 2))).toBe(true);
    expect(
      fires(
        '行动.阶段 = 集中整治 且 行动.距阶段截止天数 < 15',
        (f) => void (f.campaign.daysToPhaseDeadline = 10),
      ),
    ).toBe(true);
    expect(fires('campaign.phase = consolidate')).toBe(false);
    const admonished = (f: ReturnType<typeof defaultFacts>) => {
      f.history = [
        { measure: 'admonish', target: 'unit_leader', ruleId: 'x', issuedAt: '2023-05-10T00:00:00Z' },
        { measure: 'admonish', target: 'unit_leader', ruleId: 'x', issuedAt: '2023-05-20T00:00:00Z' },
      ];
    };
    expect(fires('已采取(约谈) 且 距上次(约谈) > 10 天', admonished)).toBe(true);
    expect(fires('距上次(约谈) > 12 天', admonished)).toBe(false);
    expect(fires('issued(admonish, unit_leader) and times_issued(admonish) = 2', admonished)).toBe(true);
    expect(fires('已采取(约谈, 责任人)', admonished)).toBe(false);
    expect(fires('采取次数(函询) = 0 且 非 已采取(函询)', admonished)).toBe(true);
    // never issued: "since" is absent, so every comparison with it is false
    expect(fires('距上次(函询) > 1 天 或 距上次(函询) <= 1 天', admonished)).toBe(false);
  });

  it('windowed complaint counts', () => {
    const complaints = (f: ReturnType<typeof defaultFacts>) => {
      f.item.complaintTimes = [
        '2023-05-31T00:00:00Z',
        '2023-05-10T00:00:00Z',
        '2023-05-02T00:00:00Z',
        '2023-04-01T00:00:00Z',
        'garbage',
      ];
    };
    expect(fires('事项.投诉数(30 天) = 3', complaints)).toBe(true);
    expect(fires('事项.投诉数(1 天) = 1', complaints)).toBe(true);
    expect(fires('item.complaints(2w) = 1', complaints)).toBe(true);
    expect(fires('事项.投诉数(90 天) = 4', complaints)).toBe(true);
    expect(fires('事项.投诉数 = 5', complaints)).toBe(true);
  });

  it('every AST node carries a source range', () => {
    const parsed = parseRuleFile(ruleWith('事项.超期天数 > 30 且 事项.状态 = 整改中'));
    if (!parsed.ok) throw new Error('parse failed');
    const when = parsed.ast.rules[0]?.when;
    expect(when?.type).toBe('logical');
    if (when?.type !== 'logical') return;
    expect(when.range).toMatchObject({ line: 2, column: 12 });
    expect(when.left.range).toEqual({ line: 2, column: 12, offset: 22, length: 12 });
    expect(when.right.range).toMatchObject({ line: 2, column: 27, length: 11 });
  });

  it('examples carry at-instants, history entries and relative complaint times', () => {
    const rs = compileOk(`规则集 t 版本 1
规则 r "t" 当 真 则 提醒 事项
例 "e" 于 "2023-06-10T00:00:00Z" 给定 { 事项.投诉时间 = [1 天, "2023-06-01"], 已采取 约谈 单位负责人 于 3 天 由 r } 期望 提醒 事项 由 r`);
    const example = rs.examples[0];
    expect(example?.at).toBe('2023-06-10T00:00:00Z');
    expect(example?.facts.item.complaintTimes).toEqual(['2023-06-09T00:00:00.000Z', '2023-06-01']);
    expect(example?.facts.history).toEqual([
      { measure: 'admonish', target: 'unit_leader', ruleId: 'r', issuedAt: '2023-06-07T00:00:00.000Z' },
    ]);
  });

  it('English example syntax: at, given, issued … at … by, expect … by, suppress, tag', () => {
    const rs = compileOk(`ruleset t version 1
rule r "t" when issued(admonish) and since_issued(admonish) > 15d then escalate hold_accountable unit_leader, tag "slow"
rule s "s" when item.tags contains "first_minor" then suppress responsible_person reason "exempt"
example "e" at "2023-06-10T00:00:00Z" given { issued admonish unit_leader at 20d by r, item.tags = ["first_minor"] }
  expect hold_accountable unit_leader by r and suppress responsible_person and tag "slow"`);
    expect(rs.examples[0]?.facts.history[0]).toMatchObject({
      measure: 'admonish',
      ruleId: 'r',
      issuedAt: '2023-05-21T00:00:00.000Z',
    });
    expect(rs.examples[0]?.expect.map((e) => e.type)).toEqual(['escalate', 'suppress', 'tag']);
  });

  it('keyword synonyms: 如果/那么, 并且/或者, 免罚, 示例', () => {
    const rs = compileOk(`规则集 t 版本 1
规则 r "t" 如果 事项.超期天数 > 1 并且 (事项.停留天数 > 1 或者 真) 那么 免罚 全部
示例 "e" 给定 { 事项.超期天数 = 2 } 期望 无 免除 全部`);
    expect(rs.rules[0]?.actions[0]).toMatchObject({ type: 'suppress', target: 'all' });
  });

  it('compileRuleSet is a result union, never a throw', () => {
    expect(compileRuleSet('', 'x').ok).toBe(false);
    expect(compileRuleSet('规则集 a 版本 1', 'x').ok).toBe(true);
  });
});
