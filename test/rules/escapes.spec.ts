import { compileRuleSet } from '../../src/rules';

/**
 * The nools escapes from issue 3 ("Why not nools at run time"), rewritten for this language. Every one must
 * be a located compile error; nothing is ever executed.
 */
const header = '规则集 evil 版本 1\n';
const escapes: [string, string, string][] = [
  // [description, rule text (line 2), expected code]
  [
    'then calls child_process',
    `规则 r "t" 当 真 则 process.mainModule.require('child_process').exec('rm -rf /')`,
    'ZR2014',
  ],
  ['when reads process', `规则 r "t" 当 process.mainModule.require("fs") 则 提醒 事项`, 'ZR2014'],
  [
    'constructor.constructor',
    `规则 r "t" 当 constructor.constructor("return process")() 则 提醒 事项`,
    'ZR2014',
  ],
  ['field constructor', `规则 r "t" 当 事项.constructor 则 提醒 事项`, 'ZR2014'],
  ['__proto__ field', `规则 r "t" 当 事项.__proto__ = 1 则 提醒 事项`, 'ZR2014'],
  ['__proto__ scope', `规则 r "t" 当 __proto__.polluted = 1 则 提醒 事项`, 'ZR2014'],
  ['prototype', `规则 r "t" 当 单位.prototype = 1 则 提醒 事项`, 'ZR2014'],
  ['process.exit in then', `规则 r "t" 当 真 则 process.exit(1)`, 'ZR2014'],
  ['process.exit as condition', `规则 r "t" 当 process.exit(1) 则 提醒 事项`, 'ZR2014'],
  ['this', `规则 r "t" 当 this.item 则 提醒 事项`, 'ZR2014'],
  ['globalThis', `规则 r "t" 当 globalThis.x 则 提醒 事项`, 'ZR2014'],
  ['eval', `规则 r "t" 当 eval("1") 则 提醒 事项`, 'ZR2014'],
  ['Function', `规则 r "t" 当 Function("return 1")() 则 提醒 事项`, 'ZR2014'],
  ['require', `规则 r "t" 当 require("fs") 则 提醒 事项`, 'ZR2014'],
  ['template string', '规则 r "t" 当 `${process.exit()}` 则 提醒 事项', 'ZR0001'],
  ['arrow function', `规则 r "t" 当 (() => 1) 则 提醒 事项`, 'ZR1007'],
  ['semicolon statement', `规则 r "t" 当 真; process.exit() 则 提醒 事项`, 'ZR1001'],
  ['bracket property access', `规则 r "t" 当 事项["constructor"] 则 提醒 事项`, 'ZR1001'],
  ['call on a string', `规则 r "t" 当 "x"() 则 提醒 事项`, 'ZR2015'],
  ['unknown function', `规则 r "t" 当 exec("ls") 则 提醒 事项`, 'ZR2008'],
  ['nools define block', `define Evil { constructor: function() { process.exit(1) } }`, 'ZR1011'],
  ['function keyword', `规则 r "t" 当 function() 则 提醒 事项`, 'ZR2014'],
  ['dollar', `规则 r "t" 当 $x 则 提醒 事项`, 'ZR0001'],
  ['reason is only a string', `规则 r "t" 当 真 则 提醒 事项 理由 process.env`, 'ZR1001'],
  ['tag is only a string', `规则 r "t" 当 真 则 标记 process.env.SECRET`, 'ZR1001'],
  [
    'given block cannot compute',
    `规则 r "t" 当 真 则 提醒 事项\n例 "e" 给定 { 事项.编号 = process.pid } 期望 无`,
    'ZR2014',
  ],
  ['rule id cannot be a JS name', `规则 __proto__ "t" 当 真 则 提醒 事项`, 'ZR2014'],
];

describe('nools-style escapes are compile errors with locations', () => {
  it.each(escapes)('%s', (_description, rule, code) => {
    const result = compileRuleSet(header + rule, 'evil.rules');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const first = result.diagnostics[0];
    expect(first?.code).toBe(code);
    expect(first?.file).toBe('evil.rules');
    expect(first?.range.line).toBeGreaterThanOrEqual(2);
    expect(first?.range.column).toBeGreaterThanOrEqual(1);
  });

  it('compiling hostile text has no side effects', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = Object.keys(Object.prototype).length;
    for (const [, rule] of escapes) compileRuleSet(header + rule, 'evil.rules');
    expect(exit).not.toHaveBeenCalled();
    expect(Object.keys(Object.prototype).length).toBe(before);
    exit.mockRestore();
  });

  it('the location points at the offending name', () => {
    const result = compileRuleSet(
      header + '规则 r "t" 当 事项.超期天数 > 1 且 constructor.constructor("x")() 则 提醒 事项',
      'evil.rules',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]?.range).toMatchObject({ line: 2, column: 26, length: 11 });
  });
});
