import type { Action, ExampleAst, Expectation, Expr, GivenEntry, Name, RuleAst, RuleFileAst } from './ast';
import { diagnostic, type Diagnostic } from './errors';
import { spacingHint } from './hints';
import { lex } from './lexer';
import { RULE_LIMITS } from './limits';
import { parseExpression, parseName } from './parse-expression';
import { Cursor, ParseFailure } from './parser-cursor';
import { spanRanges, type SourceRange } from './source';
import { keywordOf, measureOf, targetOf } from './vocabulary';

/** Result of parsing one file: the AST, or every located syntax error found. */
export type ParseResult =
  | { readonly ok: true; readonly ast: RuleFileAst; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Parses `.rules` source (grammar in rules/README.md). Never throws: every failure is a located diagnostic.
 * After a syntax error the parser skips to the next `规则`/`例` so one run reports an error per rule.
 */
export function parseRuleFile(source: string, file = ''): ParseResult {
  const lexed = lex(source, file);
  const warnings = lexed.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length < lexed.diagnostics.length) return { ok: false, diagnostics: lexed.diagnostics };
  const cursor = new Cursor(lexed.tokens, file);
  const diagnostics: Diagnostic[] = [];
  const startsTopLevel = (c: Cursor) => c.isKeyword('rule') || c.isKeyword('example');

  let header: Pick<RuleFileAst, 'id' | 'version' | 'title'>;
  try {
    header = parseHeader(cursor);
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return { ok: false, diagnostics: [...warnings, error.diagnostic] };
  }
  const rules: RuleAst[] = [];
  const examples: ExampleAst[] = [];
  while (!cursor.atEnd()) {
    const startedAt = cursor.position;
    try {
      if (cursor.isKeyword('rule')) {
        if (rules.length >= RULE_LIMITS.maxRules) {
          cursor.fail('ZR1006', cursor.peek().range, { what: 'rules', max: RULE_LIMITS.maxRules });
        }
        rules.push(parseRule(cursor));
      } else if (cursor.isKeyword('example')) {
        if (examples.length >= RULE_LIMITS.maxExamples) {
          cursor.fail('ZR1006', cursor.peek().range, { what: 'examples', max: RULE_LIMITS.maxExamples });
        }
        examples.push(parseExample(cursor));
      } else {
        cursor.fail('ZR1011', cursor.peek().range, { found: describeWord(cursor) });
      }
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      diagnostics.push(error.diagnostic);
      if (error.diagnostic.code === 'ZR1005' || error.diagnostic.code === 'ZR1006') break;
      if (diagnostics.length >= RULE_LIMITS.maxDiagnostics) {
        const here = cursor.peek().range;
        diagnostics.push(diagnostic('ZR0010', here, { max: RULE_LIMITS.maxDiagnostics }, undefined, file));
        break;
      }
      // Resume at the next rule or example; skip at least one token so recovery always progresses.
      if (cursor.position === startedAt || !startsTopLevel(cursor)) cursor.recoverTo(startsTopLevel);
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: [...warnings, ...diagnostics] };
  const range: SourceRange = { line: 1, column: 1, offset: 0, length: source.length };
  return { ok: true, ast: { type: 'file', ...header, rules, examples, range }, warnings };
}

function parseHeader(cursor: Cursor): Pick<RuleFileAst, 'id' | 'version' | 'title'> {
  if (!cursor.isKeyword('ruleset')) {
    cursor.fail('ZR1002', cursor.peek().range, {}, '例如 / e.g.: 规则集 xining-2023 版本 3');
  }
  cursor.next();
  const id = parseId(cursor, 'a rule-set id');
  cursor.expectKeyword('version', '版本/version');
  const version = cursor.expectInteger('a version number');
  if (version.value < 1 || version.value > RULE_LIMITS.maxVersion) {
    cursor.fail('ZR2019', version.range, { what: `version must be 1 … ${RULE_LIMITS.maxVersion}` });
  }
  const title = cursor.peek().kind === 'string' ? cursor.next() : undefined;
  return {
    id,
    version: { value: version.value, range: version.range },
    ...(title ? { title: { value: title.value as string, range: title.range } } : {}),
  };
}

/** An id such as `overdue-admonish` or `xining-2023`: words and numbers joined by `-` without spaces. */
function parseId(cursor: Cursor, expected: string): Name {
  const first = cursor.peek();
  if (first.kind !== 'ident') cursor.failExpected(expected);
  const firstName = parseName(cursor);
  let text = firstName.text;
  let range = firstName.range;
  while (cursor.isPunct('-') && !cursor.peek().spaced) {
    const part = cursor.peek(1);
    if ((part.kind !== 'ident' && part.kind !== 'number') || part.spaced) break;
    cursor.next();
    cursor.next();
    text += '-' + part.text;
    range = spanRanges(range, part.range);
  }
  return { text, range };
}

function parseRule(cursor: Cursor): RuleAst {
  const start = cursor.next();
  const id = parseId(cursor, 'a rule id');
  const title = cursor.expectString('a rule title in quotes');
  let priority: RuleAst['priority'];
  let source: RuleAst['source'];
  for (;;) {
    if (cursor.isKeyword('priority')) {
      const keyword = cursor.next();
      if (priority) cursor.fail('ZR1003', keyword.range, { clause: keyword.text, rule: id.text });
      const value = cursor.expectInteger('a priority');
      if (value.value > RULE_LIMITS.maxPriority) {
        cursor.fail('ZR2019', value.range, { what: `priority > ${RULE_LIMITS.maxPriority}` });
      }
      priority = { value: value.value, range: value.range };
    } else if (cursor.isKeyword('source')) {
      const keyword = cursor.next();
      if (source) cursor.fail('ZR1003', keyword.range, { clause: keyword.text, rule: id.text });
      const value = cursor.expectString('the cited seed clause in quotes');
      source = { value: value.value, range: value.range };
    } else break;
  }
  cursor.expectKeyword('when', '当/when (or 优先级/priority, 依据/source)');
  const when = parseExpression(cursor);
  if (!cursor.isKeyword('then')) {
    // `整改中且` lexes as one word: point at the missing space rather than at what follows.
    const previous = cursor.previous();
    cursor.failExpected(
      '则/then or an operator',
      previous?.kind === 'ident' ? spacingHint(previous.text) : undefined,
    );
  }
  cursor.next();
  const actions: Action[] = [parseAction(cursor)];
  for (;;) {
    const separated = cursor.skipSeparator();
    if (!separated && !startsAction(cursor)) break;
    if (actions.length >= RULE_LIMITS.maxActionsPerRule) {
      cursor.fail('ZR1006', cursor.peek().range, { what: 'actions', max: RULE_LIMITS.maxActionsPerRule });
    }
    actions.push(parseAction(cursor));
  }
  const last = actions[actions.length - 1] as Action;
  return {
    type: 'rule',
    id,
    title: { value: title.value, range: title.range },
    ...(priority ? { priority } : {}),
    ...(source ? { source } : {}),
    when,
    actions,
    range: spanRanges(start.range, last.range),
  };
}

/** Whether the next tokens begin another action without a separator. */
function startsAction(cursor: Cursor): boolean {
  const token = cursor.peek();
  if (token.kind !== 'ident') return false;
  const keyword = keywordOf(token.text);
  if (keyword === 'escalate' || keyword === 'suppress' || keyword === 'tag') return true;
  return keyword === undefined && measureOf(token.text) !== undefined;
}

function parseAction(cursor: Cursor): Action {
  const start = cursor.peek();
  cursor.countNode(start.range);
  if (cursor.isKeyword('suppress')) {
    cursor.next();
    const target = parseOptionalTarget(cursor);
    const reason = parseOptionalReason(cursor);
    const end = reason?.range ?? target?.range ?? start.range;
    return {
      type: 'suppress',
      ...(target ? { target } : {}),
      ...(reason ? { reason } : {}),
      range: spanRanges(start.range, end),
    };
  }
  if (cursor.isKeyword('tag')) {
    cursor.next();
    const tag = cursor.expectString('a tag in quotes');
    return {
      type: 'tag',
      tag: { value: tag.value, range: tag.range },
      range: spanRanges(start.range, tag.range),
    };
  }
  if (cursor.isKeyword('escalate')) cursor.next();
  const word = cursor.peek();
  if (word.kind !== 'ident' || (keywordOf(word.text) !== undefined && measureOf(word.text) === undefined)) {
    cursor.fail(
      'ZR1010',
      word.range,
      { found: describeWord(cursor) },
      'e.g. 约谈 单位负责人 期限 10 天 理由 "…"',
    );
  }
  const measure = parseName(cursor);
  if (cursor.peek().kind !== 'ident') cursor.failExpected('a target (事项/责任人/单位负责人/单位)');
  const target = parseName(cursor);
  let deadline: Expr | undefined;
  let reason: { value: string; range: SourceRange } | undefined;
  for (;;) {
    if (cursor.isKeyword('deadline')) {
      const keyword = cursor.next();
      if (deadline) cursor.fail('ZR1003', keyword.range, { clause: keyword.text, rule: measure.text });
      deadline = parseExpression(cursor, 45);
    } else if (cursor.isKeyword('reason')) {
      if (reason)
        cursor.fail('ZR1003', cursor.peek().range, { clause: cursor.peek().text, rule: measure.text });
      reason = parseOptionalReason(cursor);
    } else break;
  }
  const end = [reason?.range, deadline?.range, target.range].reduce<SourceRange>(
    (a, b) => (b && b.offset + b.length > a.offset + a.length ? b : a),
    target.range,
  );
  return {
    type: 'escalate',
    measure,
    target,
    ...(deadline ? { deadline } : {}),
    ...(reason ? { reason } : {}),
    range: spanRanges(start.range, end),
  };
}

function parseOptionalTarget(cursor: Cursor): Name | undefined {
  const token = cursor.peek();
  if (token.kind !== 'ident') return undefined;
  if (
    cursor.isKeyword('all') ||
    (keywordOf(token.text) === undefined && targetOf(token.text) !== undefined)
  ) {
    return parseName(cursor);
  }
  return undefined;
}

function parseOptionalReason(cursor: Cursor): { value: string; range: SourceRange } | undefined {
  if (!cursor.isKeyword('reason')) return undefined;
  cursor.next();
  const value = cursor.expectString('a reason in quotes');
  return { value: value.value, range: value.range };
}

function parseExample(cursor: Cursor): ExampleAst {
  const start = cursor.next();
  const title = cursor.expectString('an example title in quotes');
  let at: ExampleAst['at'];
  if (cursor.isKeyword('at')) {
    cursor.next();
    const value = cursor.expectString('an ISO instant in quotes');
    at = { value: value.value, range: value.range };
  }
  cursor.expectKeyword('given', '给定/given');
  cursor.expectPunct('{');
  const given: GivenEntry[] = [];
  while (!cursor.isPunct('}')) {
    given.push(parseGivenEntry(cursor));
    if (!cursor.skipSeparator()) break;
  }
  cursor.expectPunct('}');
  cursor.expectKeyword('expect', '期望/expect');
  const expect: Expectation[] = [];
  let expectNone = false;
  let end = cursor.peek().range;
  if (cursor.isKeyword('none')) {
    expectNone = true;
    end = cursor.next().range;
  }
  while (startsExpectation(cursor, expect.length === 0 && !expectNone)) {
    const expectation = parseExpectation(cursor);
    expect.push(expectation);
    end = expectation.range;
    if (!cursor.skipSeparator() && cursor.isKeyword('and')) cursor.next();
  }
  if (!expectNone && expect.length === 0) cursor.failExpected('无/none or an expected measure, 免除 or 标记');
  return {
    type: 'example',
    title: { value: title.value, range: title.range },
    ...(at ? { at } : {}),
    given,
    expect,
    expectNone,
    range: spanRanges(start.range, end),
  };
}

function parseGivenEntry(cursor: Cursor): GivenEntry {
  const start = cursor.peek();
  cursor.countNode(start.range);
  if (cursor.isKeyword('issued')) {
    cursor.next();
    if (cursor.peek().kind !== 'ident') cursor.failExpected('a measure');
    const measure = parseName(cursor);
    if (cursor.peek().kind !== 'ident') cursor.failExpected('a target');
    const target = parseName(cursor);
    cursor.expectKeyword('at', '于/at (an instant or how long ago)');
    const at = parseExpression(cursor, 45);
    let rule: Name | undefined;
    if (cursor.isKeyword('by')) {
      cursor.next();
      rule = parseId(cursor, 'a rule id');
    }
    return {
      type: 'issued',
      measure,
      target,
      at,
      ...(rule ? { rule } : {}),
      range: spanRanges(start.range, rule?.range ?? at.range),
    };
  }
  const path = parseExpression(cursor, 45);
  cursor.expectPunct('=');
  const value = parseExpression(cursor, 45);
  return { type: 'assign', path, value, range: spanRanges(start.range, value.range) };
}

function startsExpectation(cursor: Cursor, required: boolean): boolean {
  const token = cursor.peek();
  if (token.kind !== 'ident') return false;
  const keyword = keywordOf(token.text);
  if (keyword === 'escalate' || keyword === 'suppress' || keyword === 'tag') return true;
  if (keyword !== undefined) return false;
  return required || measureOf(token.text) !== undefined;
}

function parseExpectation(cursor: Cursor): Expectation {
  const start = cursor.peek();
  if (cursor.isKeyword('suppress')) {
    cursor.next();
    const target = parseOptionalTarget(cursor);
    return {
      type: 'suppress',
      ...(target ? { target } : {}),
      range: spanRanges(start.range, target?.range ?? start.range),
    };
  }
  if (cursor.isKeyword('tag')) {
    cursor.next();
    const tag = cursor.expectString('a tag in quotes');
    return { type: 'tag', tag: tag.value, range: spanRanges(start.range, tag.range) };
  }
  if (cursor.isKeyword('escalate')) cursor.next();
  const measure = parseName(cursor);
  if (cursor.peek().kind !== 'ident') cursor.failExpected('a target (事项/责任人/单位负责人/单位)');
  const target = parseName(cursor);
  let rule: Name | undefined;
  if (cursor.isKeyword('by')) {
    cursor.next();
    rule = parseId(cursor, 'a rule id');
  }
  return {
    type: 'escalate',
    measure,
    target,
    ...(rule ? { rule } : {}),
    range: spanRanges(start.range, rule?.range ?? target.range),
  };
}

function describeWord(cursor: Cursor): string {
  const token = cursor.peek();
  return token.kind === 'eof' ? 'end of file' : `"${token.text}"`;
}
