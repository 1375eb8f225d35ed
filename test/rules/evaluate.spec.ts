import {
  defaultFacts,
  evaluate,
  explain,
  RulesError,
  sweep,
  withoutOpenEscalations,
  type RuleFacts,
} from '../../src/rules';
import { compileOk } from './helpers';

const AT = '2023-06-01T09:00:00+08:00';

function facts(patch: (f: ReturnType<typeof defaultFacts>) => void = () => undefined): RuleFacts {
  const f = defaultFacts();
  f.item.id = 'item-7';
  f.item.responsiblePerson = 'person-3';
  f.unit.id = 'unit-2';
  patch(f);
  return f;
}

const RULES = compileOk(`
规则集 semantics 版本 4
规则 remind "提醒" 优先级 10 当 事项.超期天数 > 0 则 提醒 单位负责人 期限 3 天
规则 inquiry "函询" 优先级 20 当 事项.超期天数 > 10 则 函询 单位负责人 期限 1 周
规则 admonish-a "约谈甲" 优先级 30 当 事项.超期天数 > 20 则 约谈 单位负责人 期限 10 天 理由 "超期20天"
规则 admonish-b "约谈乙" 优先级 40 当 事项.超期天数 > 25 则 约谈 单位负责人
规则 admonish-c "约谈丙" 优先级 40 当 事项.超期天数 > 25 则 约谈 单位负责人
规则 refer "移交" 优先级 1 当 事项.标签 包含 "以权谋私" 则 移交纪检监察 责任人 期限 30 天, 标记 "纪法衔接"
规则 exempt "免罚" 优先级 5 当 事项.标签 包含 "首次轻微" 则 免除 单位负责人 理由 "免罚清单"
规则 exempt-all "全部免除" 当 事项.标签 包含 "免罚清单" 则 免除
`);

describe('evaluate: decisions, conflict resolution, provenance', () => {
  it('no rule fires → empty decision stamped with the rule-set version', () => {
    const d = evaluate(RULES, facts(), AT);
    expect(d).toMatchObject({
      ruleSetId: 'semantics',
      ruleSetVersion: 4,
      evaluatedAt: AT,
      itemId: 'item-7',
      escalations: [],
      fired: [],
    });
  });

  it('computes the response deadline from evaluatedAt (time is data)', () => {
    const d = evaluate(
      RULES,
      facts((f) => void (f.item.daysOverdue = 5)),
      AT,
    );
    expect(d.escalations).toEqual([
      expect.objectContaining({
        ruleId: 'remind',
        ruleSetId: 'semantics',
        ruleSetVersion: 4,
        measure: 'remind',
        target: { kind: 'unit_leader', id: 'unit-2' },
        respondBy: '2023-06-04T01:00:00.000Z',
        reason: '提醒',
      }),
    ]);
  });

  it('heaviest measure wins per target; the rest are listed as overridden with the reason', () => {
    const d = evaluate(
      RULES,
      facts((f) => void (f.item.daysOverdue = 22)),
      AT,
    );
    expect(d.escalations.map((e) => e.ruleId)).toEqual(['admonish-a']);
    expect(d.escalations[0]?.reason).toBe('超期20天');
    expect(d.overridden.map((o) => [o.order.ruleId, o.cause, o.byRuleId])).toEqual([
      ['inquiry', 'heavier_measure', 'admonish-a'],
      ['remind', 'heavier_measure', 'admonish-a'],
    ]);
    expect(d.overridden[0]?.explanation.zh).toContain('约谈');
    expect(d.overridden[0]?.explanation.en).toContain('heavier measure admonish');
  });

  it('same measure: higher priority wins, then rule id order', () => {
    const d = evaluate(
      RULES,
      facts((f) => void (f.item.daysOverdue = 30)),
      AT,
    );
    expect(d.escalations.map((e) => e.ruleId)).toEqual(['admonish-b']);
    const causes = Object.fromEntries(d.overridden.map((o) => [o.order.ruleId, o.cause]));
    expect(causes).toEqual({
      'admonish-c': 'rule_id_order',
      'admonish-a': 'higher_priority',
      inquiry: 'heavier_measure',
      remind: 'heavier_measure',
    });
  });

  it('different targets are resolved independently', () => {
    const d = evaluate(
      RULES,
      facts((f) => {
        f.item.daysOverdue = 5;
        f.item.tags = ['abuse_of_power'];
      }),
      AT,
    );
    expect(d.escalations.map((e) => `${e.measure}/${e.target.kind}/${e.target.id}`).sort()).toEqual([
      'refer_to_discipline/responsible_person/person-3',
      'remind/unit_leader/unit-2',
    ]);
    expect(d.tags).toEqual([{ ruleId: 'refer', tag: '纪法衔接' }]);
  });

  it('suppression beats escalation for the same target only, whatever the priorities', () => {
    const d = evaluate(
      RULES,
      facts((f) => {
        f.item.daysOverdue = 30;
        f.item.tags = ['first_minor', 'abuse_of_power'];
      }),
      AT,
    );
    expect(d.escalations.map((e) => e.ruleId)).toEqual(['refer']);
    expect(d.suppressions).toEqual([{ ruleId: 'exempt', target: 'unit_leader', reason: '免罚清单' }]);
    expect(d.overridden.every((o) => o.cause === 'suppressed' && o.byRuleId === 'exempt')).toBe(true);
    expect(d.overridden).toHaveLength(5);
  });

  it('a suppression without a target covers every target', () => {
    const d = evaluate(
      RULES,
      facts((f) => {
        f.item.daysOverdue = 30;
        f.item.tags = ['exemption_list', 'abuse_of_power'];
      }),
      AT,
    );
    expect(d.escalations).toEqual([]);
    expect(d.suppressions[0]?.target).toBe('all');
  });

  it('de-duplicates against open escalations of the same rule and target', () => {
    const d = evaluate(
      RULES,
      facts((f) => {
        f.item.daysOverdue = 30;
        f.item.tags = ['abuse_of_power'];
      }),
      AT,
    );
    const deduped = withoutOpenEscalations(d, [
      { ruleId: 'admonish-b', target: { kind: 'unit_leader', id: 'unit-2' } },
      { ruleId: 'refer', target: { kind: 'responsible_person', id: 'someone-else' } },
    ]);
    expect(deduped.escalations.map((e) => e.ruleId)).toEqual(['refer']);
    expect(deduped.overridden.filter((o) => o.cause === 'already_open').map((o) => o.order.ruleId)).toEqual([
      'admonish-b',
    ]);
    expect(withoutOpenEscalations(d, [])).toBe(d);
  });

  it('provenance: fact values read and which sub-conditions held', () => {
    const rs = compileOk(`规则集 p 版本 1
规则 p1 "复合" 依据 "乳山方案 三(一)5" 当 事项.状态 = 整改中 且 (事项.投诉数(30 天) >= 2 或 事项.标签 包含 "负面舆情") 则 挂牌督办 事项`);
    const d = evaluate(
      rs,
      facts((f) => {
        f.item.state = 'rectifying';
        f.item.complaintTimes = ['2023-05-30T00:00:00Z', '2023-05-20T00:00:00Z'];
      }),
      AT,
    );
    const fired = d.fired[0];
    expect(fired?.source).toBe('乳山方案 三(一)5');
    expect(fired?.reads.map((r) => [r.en, r.value])).toEqual([
      ['item.state', 'rectifying'],
      ['item.complaints(30d)', 2],
      ['item.tags', []],
    ]);
    const [state, either] = fired?.condition.children ?? [];
    expect(state).toMatchObject({ text: '事项.状态 = 整改中', holds: true });
    expect(either?.holds).toBe(true);
    expect(either?.children.map((c) => [c.text, c.holds])).toEqual([
      ['事项.投诉数(30 天) >= 2', true],
      ['事项.标签 包含 "负面舆情"', false],
    ]);
    const zh = explain(d, 'zh');
    expect(zh).toContain('✓ 事项.状态 = 整改中   (事项.状态 = 整改中)');
    expect(zh).toContain('✗ 事项.标签 包含 "负面舆情"   (事项.标签 = [])');
    expect(zh).toContain('挂牌督办 事项 (item-7)');
    const en = explain(d, 'en');
    expect(en).toContain('(item.state = rectifying)');
    expect(en).toContain('listed_supervision item (item-7)');
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('explain renders overridden escalations and suppressions in both languages', () => {
    const d = evaluate(
      RULES,
      facts((f) => {
        f.item.daysOverdue = 12;
        f.item.tags = ['first_minor'];
      }),
      AT,
    );
    expect(explain(d, 'zh')).toContain('免除优先于升级');
    expect(explain(d, 'en')).toContain('suppression beats escalation');
  });

  it('sweep evaluates many items at one instant and reports decisions only for items with fired rules', () => {
    const items = Array.from({ length: 100 }, (_, i) =>
      facts((f) => {
        f.item.id = `item-${i}`;
        f.item.daysOverdue = i % 4 === 0 ? 15 : 0;
      }),
    );
    const decisions: string[] = [];
    const stats = sweep(RULES, items, AT, (d) => decisions.push(`${d.itemId}:${d.escalations[0]?.measure}`));
    expect(stats).toEqual({ evaluated: 100, decided: 25 });
    expect(decisions[0]).toBe('item-0:inquiry_letter');
  });

  it('the state index never changes results', () => {
    const rs = compileOk(`规则集 s 版本 1
规则 a "a" 当 事项.状态 = 整改中 且 事项.超期天数 > 1 则 提醒 事项
规则 b "b" 当 事项.状态 属于 [待验收, 回头看] 则 函询 事项
规则 c "c" 当 事项.状态 = 整改中 或 事项.超期天数 > 5 则 约谈 单位
规则 d "d" 当 非 (事项.状态 = 整改中) 则 提醒 单位`);
    const noIndex = { ...rs, byState: new Map() };
    for (const state of ['rectifying', 'awaitingAcceptance', 'lookBack', 'closed', 'registered'] as const) {
      for (const daysOverdue of [0, 3, 9]) {
        const f = facts((x) => {
          x.item.state = state;
          x.item.daysOverdue = daysOverdue;
        });
        expect(evaluate(rs, f, AT)).toEqual(evaluate(noIndex, f, AT));
      }
    }
    expect(rs.byState.get('closed')?.map((r) => r.id)).toEqual(['c', 'd']);
  });

  it('an invalid evaluation instant is a RulesError ZR3002', () => {
    expect(() => evaluate(RULES, facts(), 'yesterday')).toThrow(RulesError);
    expect(() => evaluate(RULES, facts(), 'yesterday')).toThrow(/ZR3002/);
  });

  it('compiled rule sets are frozen', () => {
    expect(Object.isFrozen(RULES)).toBe(true);
    expect(Object.isFrozen(RULES.rules)).toBe(true);
    expect(Object.isFrozen(RULES.rules[0])).toBe(true);
  });
});
