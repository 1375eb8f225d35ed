import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  compileRuleSet,
  defaultFacts,
  evaluate,
  formatDiagnostic,
  lex,
  RULE_LIMITS,
  type RuleFacts,
} from '../../src/rules';
import { seededRandom } from '../../src/shared/seeded-random';

const seeds = ['xining-2023.rules', 'jiangyuan-2023.rules', 'rushan-long-term.rules'].map((f) =>
  readFileSync(join(__dirname, '../../rules', f), 'utf8'),
);
const FRAGMENTS = [
  '规则',
  '当',
  '则',
  '且',
  '或',
  '非',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  '“',
  '”',
  '.',
  ',',
  '；',
  '=',
  '>=',
  '<',
  '+',
  '-',
  '*',
  '/',
  '%',
  '30 天',
  '2w',
  '约谈',
  '单位负责人',
  '事项.超期天数',
  '事项.',
  '已采取(',
  '例',
  '给定',
  '期望',
  '无',
  '\n',
  ' ',
  '#',
  '//',
  '\\',
  '`',
  '__proto__',
  'constructor',
  '0.',
  '9999999999999999999',
  '１２',
  '\u0000',
  '\ud800',
  '😀',
  '规则集 x 版本 1\n',
];

/** Mutates a valid file: deletions, insertions of fragments or random characters, duplications, truncation. */
function mutate(source: string, random: () => number): string {
  let text = source;
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (text.length + 1));
    const kind = random();
    if (kind < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
    else if (kind < 0.6)
      text = text.slice(0, at) + FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] + text.slice(at);
    else if (kind < 0.8)
      text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 0xffff)) + text.slice(at);
    else if (kind < 0.9) text = text.slice(0, at) + text.slice(at, at + 40) + text.slice(at);
    else text = text.slice(0, at);
  }
  return text;
}

function garbage(random: () => number): string {
  const length = Math.floor(random() * 200);
  let text = random() < 0.5 ? '规则集 g 版本 1\n' : '';
  for (let i = 0; i < length; i++) {
    text +=
      random() < 0.6
        ? FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]
        : String.fromCharCode(Math.floor(random() * 0x9fff));
    if (random() < 0.5) text += ' ';
  }
  return text;
}

describe('parser fuzzing: every input yields a rule set or located errors, never a throw', () => {
  it('3,000 mutated seed files and 1,000 garbage inputs', () => {
    const random = seededRandom(20230601);
    let compiled = 0;
    let rejected = 0;
    for (let i = 0; i < 4000; i++) {
      const source = i < 3000 ? mutate(seeds[i % seeds.length] as string, random) : garbage(random);
      let result: ReturnType<typeof compileRuleSet>;
      try {
        result = compileRuleSet(source, `fuzz-${i}.rules`);
      } catch (error) {
        throw new Error(`case ${i} threw ${String(error)}\n${source.slice(0, 500)}`, { cause: error });
      }
      if (result.ok) {
        compiled++;
        continue;
      }
      rejected++;
      expect(result.diagnostics.length).toBeGreaterThan(0);
      for (const d of result.diagnostics) {
        expect(d.code).toMatch(/^ZR\d{4}$/);
        expect(d.range.line).toBeGreaterThanOrEqual(1);
        expect(d.range.column).toBeGreaterThanOrEqual(1);
        expect(d.range.offset).toBeGreaterThanOrEqual(0);
        expect(d.range.offset + d.range.length).toBeLessThanOrEqual(source.length);
      }
    }
    // Both outcomes occur, so the fuzzer exercises the parser beyond the first token.
    expect(compiled).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('the lexer alone never throws and always ends with eof', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const { tokens } = lex(garbage(random));
      expect(tokens[tokens.length - 1]?.kind).toBe('eof');
    }
  });
});

/**
 * Growing inputs (issue 10 point 6): fast-check builds files with long operator chains, deep nesting, huge
 * literals and control characters, at sizes up to the file limit. Each must compile or fail with at most
 * maxDiagnostics + 1 located diagnostics, within a time and memory bound, and format to a bounded report.
 */
describe('growing-input fuzzing (fast-check, fixed seed): bounded time, memory and output', () => {
  const H = '规则集 g 版本 1\n';
  const TERMS = [
    '事项.超期天数 > 3',
    '事项.超期 > 2 天',
    '真',
    '已采取(约谈)',
    '事项.投诉数(30 天) >= 2',
    '$',
    '未知 > 1',
  ];
  const NUMS = ['1', '30 天', '事项.超期天数', '天数(距上次(约谈))', '0', '99999999999999999999999999999'];
  const CONTROL = [
    '\r',
    '\u2028',
    '\u2029',
    '\u202e',
    '\u2066',
    '\u0000',
    '\u001b',
    '\u0085',
    '\ufeff',
    '\t',
    '\r\n',
  ];
  const OPS = ['+', '-', '*', '/'];
  const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

  const chain = fc
    .tuple(pick(TERMS), pick([' 且 ', ' 或 ']), fc.integer({ min: 1, max: 12_000 }))
    .map(
      ([term, op, n]) =>
        `规则 r "c" 当 ${Array.from({ length: n }, () => term).join(op)} 则 约谈 单位负责人\n`,
    );
  const arithmetic = fc
    .tuple(pick(NUMS), pick(OPS), fc.integer({ min: 1, max: 6_000 }))
    .map(
      ([n, op, count]) =>
        `规则 r "a" 当 ${Array.from({ length: count }, () => n).join(` ${op} `)} > 1 则 提醒 事项\n`,
    );
  const nesting = fc
    .tuple(pick(['(', '[', '非 ', '- ', '已采取(']), fc.integer({ min: 1, max: 20_000 }))
    .map(([open, depth]) => {
      const close = open === '(' || open === '已采取(' ? ')' : open === '[' ? ']' : '';
      return `规则 r "n" 当 ${open.repeat(depth)}1${close.repeat(depth)} > 0 则 提醒 事项\n`;
    });
  const literal = fc.oneof(
    fc
      .integer({ min: 1, max: 200_000 })
      .map((n) => `规则 r "l" 当 事项.超期天数 > ${'9'.repeat(n)} 则 提醒 事项\n`),
    fc.integer({ min: 1, max: 200_000 }).map((n) => `规则 r "${'长'.repeat(n)}" 当 真 则 提醒 事项\n`),
    fc.integer({ min: 1, max: 200_000 }).map((n) => `规则 ${'x'.repeat(n)} "i" 当 真 则 提醒 事项\n`),
    fc
      .integer({ min: 1, max: 100_000 })
      .map((n) => `规则 r "d" 当 真 则 提醒 事项 期限 ${n} 天 * ${n} / ${n % 3}\n`),
  );
  const controls = fc
    .tuple(fc.array(pick(CONTROL), { minLength: 1, maxLength: 2000 }), fc.integer({ min: 1, max: 50 }))
    .map(([chars, lines]) =>
      Array.from(
        { length: lines },
        (_, i) => `# ${chars.join('x')}\n规则 r${i} "${chars.slice(0, 3).join('')}" 当 真 则 提醒 事项\n`,
      ).join(''),
    );
  const junkLines = fc
    .tuple(pick(['$', '`', '@@', '!', '规则', '"', '例 "x" 给定 {']), fc.integer({ min: 1, max: 120_000 }))
    .map(([junk, n]) => `${junk}\n`.repeat(n));
  const fileOf = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.oneof(chain, arithmetic, nesting, literal, controls, junkLines), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([header, parts]) => (header ? H : '') + parts.join(''));

  it('every grown input compiles or fails with capped, located diagnostics, within 3 s CPU and 300 MB each', () => {
    const seen = { ok: 0, failed: 0, largest: 0 };
    fc.assert(
      fc.property(fileOf, (source) => {
        seen.largest = Math.max(seen.largest, source.length);
        const heap = process.memoryUsage().heapUsed;
        const cpu = process.cpuUsage();
        const result = compileRuleSet(source, 'grown.rules');
        const report = result.ok ? [] : result.diagnostics.map((d) => formatDiagnostic(d, source));
        const used = process.cpuUsage(cpu);
        expect((used.user + used.system) / 1000).toBeLessThan(3_000);
        expect(process.memoryUsage().heapUsed - heap).toBeLessThan(300 * 1024 * 1024);
        if (result.ok) {
          seen.ok++;
          // what compiles also evaluates without throwing
          expect(() =>
            evaluate(result.ruleSet, defaultFacts() as RuleFacts, '2023-06-01T09:00:00Z'),
          ).not.toThrow();
          return;
        }
        seen.failed++;
        expect(result.diagnostics.length).toBeGreaterThan(0);
        expect(result.diagnostics.length).toBeLessThanOrEqual(RULE_LIMITS.maxDiagnostics + 2);
        for (const d of result.diagnostics) {
          expect(d.range.offset + d.range.length).toBeLessThanOrEqual(source.length);
          expect(d.range.line).toBeGreaterThanOrEqual(1);
        }
        for (const text of report) {
          expect(text.length).toBeLessThan(2_000);
          // eslint-disable-next-line no-control-regex -- matching control characters is the point
          expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        }
      }),
      { seed: 20261202, numRuns: 60, endOnFailure: true },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
    expect(seen.largest).toBeGreaterThan(100_000);
  });
});
