import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRuleSet, lex } from '../../src/rules';

/** mulberry32: seeded, so a failing case can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    const random = prng(20230601);
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
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const { tokens } = lex(garbage(random));
      expect(tokens[tokens.length - 1]?.kind).toBe('eof');
    }
  });
});
