import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  compileRuleSet,
  defaultFacts,
  evaluate,
  CAMPAIGN_PHASES,
  ITEM_STATES,
  SEVERITIES,
  type Decision,
  type RuleFacts,
  type RuleSet,
} from '../../src/rules';
import { sourceToTables, tablesToSource, type Grid } from '../../src/rules/decision-table';
import {
  compileWorkbook,
  readDecisionWorkbook,
  writeDecisionWorkbook,
} from '../../src/rule-files/decision-workbook';

const SEEDS = ['xining-2023', 'jiangyuan-2023', 'rushan-long-term'];
const rulesDir = join(__dirname, '../../rules');
const text = (seed: string) => readFileSync(join(rulesDir, `${seed}.rules`), 'utf8');
const workbook = (seed: string) => readFileSync(join(rulesDir, `${seed}.xlsx`));

/** Grids compared as text, trailing blanks dropped (Excel does not keep empty trailing cells). */
const normal = (grids: readonly Grid[]) =>
  grids.map((g) => ({
    name: g.name,
    cells: g.cells
      .map((row) => {
        const values = row.map((c) => (c === null || c.trim() === '' ? null : c.trim()));
        while (values.length > 0 && values[values.length - 1] === null) values.pop();
        return values;
      })
      .filter((row, index, all) => row.length > 0 || all.slice(index).some((r) => r.length > 0)),
  }));

const compiled = (source: string): RuleSet => {
  const result = compileRuleSet(source, 't.rules');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.ruleSet;
};

/** A decision without its source locations (those differ between a table and its text twin). */
const outcome = (d: Decision) => ({
  escalations: d.escalations.map((e) => [e.ruleId, e.measure, e.target, e.respondBy, e.reason]),
  suppressions: d.suppressions,
  tags: d.tags,
  fired: d.fired.map((f) => f.ruleId),
});

const factsArbitrary: fc.Arbitrary<RuleFacts> = fc.record({
  item: fc.record({
    id: fc.constant('item-1'),
    state: fc.constantFrom(...ITEM_STATES),
    category: fc.constantFrom('', 'corruption', 'non_standard', 'rigid', 'rough', 'lying_flat', 'slow'),
    checklistItem: fc.option(fc.integer({ min: 1, max: 36 }), { nil: null }),
    severity: fc.constantFrom(...SEVERITIES),
    tags: fc.subarray([
      'abuse_of_power',
      'negative_public_opinion',
      'first_minor',
      'faked_rectification',
      'lying_flat',
      'frequent_complaints',
    ]),
    daysOverdue: fc.integer({ min: 0, max: 120 }),
    daysInState: fc.integer({ min: 0, max: 60 }),
    rejectedCount: fc.integer({ min: 0, max: 3 }),
    complaintTimes: fc.array(
      fc
        .integer({ min: 1, max: 60 })
        .map((d) => new Date(Date.parse('2023-06-01T01:00:00Z') - d * 86_400_000).toISOString()),
      { maxLength: 5 },
    ),
    longTerm: fc.boolean(),
    channel: fc.constantFrom('hotline_12328', 'media', 'inspection', 'self_check'),
    responsiblePerson: fc.constant('person-1'),
  }),
  unit: fc.record({
    id: fc.constant('unit-1'),
    openCount: fc.integer({ min: 0, max: 20 }),
    overdueCount: fc.integer({ min: 0, max: 20 }),
    rectifiedCount: fc.integer({ min: 0, max: 20 }),
    missedReports: fc.integer({ min: 0, max: 4 }),
  }),
  campaign: fc.record({
    id: fc.constant('c-1'),
    phase: fc.constantFrom(...CAMPAIGN_PHASES),
    daysToPhaseDeadline: fc.integer({ min: -400, max: 60 }),
  }),
  history: fc.array(
    fc.record({
      measure: fc.constantFrom('inquiry_letter', 'admonish', 'remind'),
      target: fc.constantFrom('unit_leader', 'responsible_person'),
      ruleId: fc.constant('x'),
      issuedAt: fc
        .integer({ min: 1, max: 90 })
        .map((d) => new Date(Date.parse('2023-06-01T01:00:00Z') - d * 86_400_000).toISOString()),
    }),
    { maxLength: 3 },
  ),
}) as unknown as fc.Arbitrary<RuleFacts>;

describe('decision tables in Excel (issue 10 point 2)', () => {
  it.each(SEEDS)('%s.xlsx is in sync with %s.rules (scripts/export-seed-tables.sh)', async (seed) => {
    const exported = sourceToTables(text(seed), `${seed}.rules`);
    expect(exported.ok).toBe(true);
    if (!exported.ok) return;
    expect(normal(await readDecisionWorkbook(workbook(seed), `${seed}.xlsx`))).toEqual(
      normal(exported.grids),
    );
  });

  it.each(SEEDS)(
    '%s: the table and its text twin give identical decisions over 400 generated fact sets',
    async (seed) => {
      const table = await compileWorkbook(workbook(seed), `${seed}.xlsx`);
      expect(table.result.ok).toBe(true);
      if (!table.result.ok) return;
      const fromTable = table.result.ruleSet;
      const fromText = compiled(text(seed));
      expect(fromTable.rules.map((r) => r.id)).toEqual(fromText.rules.map((r) => r.id));
      let fired = 0;
      fc.assert(
        fc.property(factsArbitrary, (facts) => {
          const a = outcome(evaluate(fromTable, facts, '2023-06-01T09:00:00+08:00'));
          const b = outcome(evaluate(fromText, facts, '2023-06-01T09:00:00+08:00'));
          expect(a).toEqual(b);
          if (a.fired.length > 0) fired++;
        }),
        { seed: 10, numRuns: 400 },
      );
      expect(fired).toBeGreaterThan(40); // the generated facts exercise the rules
    },
  );

  it.each(SEEDS)('%s: table → text → table round trips, through real .xlsx bytes', async (seed) => {
    const grids = await readDecisionWorkbook(workbook(seed), `${seed}.xlsx`);
    const generated = tablesToSource(grids, `${seed}.xlsx`);
    expect(generated.problems).toEqual([]);
    const back = sourceToTables(generated.source, 'generated.rules');
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const bytes = await writeDecisionWorkbook(back.grids);
    expect(normal(await readDecisionWorkbook(bytes, 'again.xlsx'))).toEqual(normal(grids));
  });

  describe('errors are located by sheet and cell', () => {
    const base = (): Array<Array<string | null>> => [
      ['命中策略', '全部'],
      ['规则', '标题', '优先级', '事项.状态', '事项.超期天数', '措施', '对象', '期限', '理由'],
      ['admonish', '超期约谈', '50', '整改中', '> 30', '约谈', '单位负责人', '10 天', '超期'],
      ['inquiry', '超期函询', '40', '整改中', '> 10', '函询', '责任人', '7 天', null],
    ];
    const meta: Grid = {
      name: '规则集',
      cells: [
        ['规则集', 't'],
        ['版本', '2'],
      ],
    };
    const compileGrids = async (table: Array<Array<string | null>>, extra: Grid[] = []) => {
      const bytes = await writeDecisionWorkbook([meta, { name: '表1', cells: table }, ...extra]);
      return compileWorkbook(bytes, 'tables.xlsx');
    };
    const cells = async (table: Array<Array<string | null>>, extra: Grid[] = []) => {
      const loaded = await compileGrids(table, extra);
      return loaded.result.ok
        ? []
        : loaded.result.diagnostics.map((d) => `${d.code}@${loaded.locate(d).cell}`);
    };

    it('a good table compiles and decides', async () => {
      const loaded = await compileGrids(base());
      expect(loaded.result.ok).toBe(true);
    });

    it('a bad cell value, a bad measure, a bad header and a bad deadline each name their cell', async () => {
      const table = base();
      table[2]![4] = '> 三十';
      table[3]![5] = '约见';
      expect(await cells(table)).toEqual(['ZR2013@表1!E3', 'ZR2006@表1!F4']);
      const header = base();
      header[1]![4] = '事项.超期天';
      expect(await cells(header)).toEqual(['ZR2002@表1!E2', 'ZR2002@表1!E2']);
      const deadline = base();
      deadline[2]![7] = '1 天 / 0';
      expect(await cells(deadline)).toEqual(['ZR2024@表1!H3']);
    });

    it('the hit policy, the rule id and examples are checked where they are written', async () => {
      const policy = base();
      policy[0]![1] = '首条';
      expect(await cells(policy)).toEqual(['ZR1001@表1!B1']);
      const id = base();
      id[3]![0] = null;
      expect(await cells(id)).toEqual(['ZR1001@表1!A4']);
      const examples: Grid = {
        name: '示例',
        cells: [
          ['标题', '于', '给定', '期望'],
          ['超期31天', null, '事项.状态 = 整改中, 事项.超期天数 = 31', '约谈 单位负责人'],
          ['错的期望', null, '事项.状态 = 整改中, 事项.超期天数 = 31', '无'],
        ],
      };
      const loaded = await compileGrids(base(), [examples]);
      expect(loaded.result.ok).toBe(true);
      if (!loaded.result.ok) return;
      expect(loaded.result.ruleSet.examples).toHaveLength(2);
      const bad = { ...examples, cells: [...examples.cells, ['坏', null, '事项.超期天数 = "x"', '无']] };
      expect(await cells(base(), [bad])).toEqual(['ZR2003@示例!C4']);
    });

    it('优先/priority ranks rows by order: the earlier of two equal measures to one target is issued', async () => {
      const table: Array<Array<string | null>> = [
        ['命中策略', '优先'],
        ['规则', '事项.超期天数', '措施', '对象'],
        ['first', '> 1', '约谈', '单位负责人'],
        ['second', '> 1', '约谈', '单位负责人'],
      ];
      const loaded = await compileGrids(table);
      expect(loaded.result.ok).toBe(true);
      if (!loaded.result.ok) return;
      const facts = defaultFacts();
      facts.item.daysOverdue = 5;
      const decision = evaluate(loaded.result.ruleSet, facts as RuleFacts, '2023-06-01T09:00:00Z');
      expect(decision.escalations.map((e) => e.ruleId)).toEqual(['first']);
      expect(decision.overridden.map((o) => [o.order.ruleId, o.cause])).toEqual([
        ['second', 'higher_priority'],
      ]);
    });
  });
});
