import { diagnostic, type Diagnostic, type RuleErrorCode } from './errors';
import type { Token } from './lexer';
import { RULE_LIMITS } from './limits';
import type { SourceRange } from './source';
import { keywordOf, type Keyword } from './vocabulary';

/** Names that reach into JavaScript in nools-style rule engines; never facts, always ZR2014. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  'process',
  'require',
  'module',
  'exports',
  'global',
  'globalThis',
  'window',
  'this',
  'self',
  'eval',
  'Function',
  'import',
  'new',
  'function',
  'return',
  'async',
  'await',
  'mainModule',
  'child_process',
]);

/** Internal control flow of the parser: one failure aborts the current rule or example. */
export class ParseFailure extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'ParseFailure';
  }
}

/** A read position over the token list, with the helpers every parser level needs. */
export class Cursor {
  readonly #tokens: readonly Token[];
  readonly #file: string;
  #pos = 0;
  #nodes = 0;
  /** Height of each expression node built so far (see parse-expression.ts). */
  readonly heights = new Map<object, number>();

  constructor(tokens: readonly Token[], file: string) {
    this.#tokens = tokens;
    this.#file = file;
  }

  /** The token `ahead` positions on (clamped to the final eof). */
  peek(ahead = 0): Token {
    const tokens = this.#tokens;
    return tokens[Math.min(this.#pos + ahead, tokens.length - 1)] as Token;
  }

  /** The token before the current one (for hints about what was just read). */
  previous(): Token | undefined {
    return this.#pos > 0 ? this.#tokens[this.#pos - 1] : undefined;
  }

  /** Consumes and returns the current token. */
  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.#pos++;
    return token;
  }

  /** Index of the current token (error recovery compares positions). */
  get position(): number {
    return this.#pos;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  /** Whether the token `ahead` positions on is the keyword `keyword`. */
  isKeyword(keyword: Keyword, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && keywordOf(token.text) === keyword;
  }

  isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'punct' && token.text === text;
  }

  /** Consumes `keyword` or fails with ZR1001 naming what was expected. */
  expectKeyword(keyword: Keyword, expected: string): Token {
    if (!this.isKeyword(keyword)) this.failExpected(expected);
    return this.next();
  }

  expectPunct(text: string): Token {
    if (!this.isPunct(text)) this.failExpected(`"${text}"`);
    return this.next();
  }

  expectString(expected: string): Token & { value: string } {
    const token = this.peek();
    if (token.kind !== 'string') this.failExpected(expected);
    return this.next() as Token & { value: string };
  }

  /** Consumes an integer literal. */
  expectInteger(expected: string): Token & { value: number } {
    const token = this.peek();
    if (token.kind !== 'number') this.failExpected(expected);
    if (!Number.isInteger(token.value)) this.fail('ZR1012', token.range, { what: expected });
    return this.next() as Token & { value: number };
  }

  /** Consumes an optional separator (`,` `;` and their full-width forms). */
  skipSeparator(): boolean {
    if (this.isPunct(',') || this.isPunct(';')) {
      this.next();
      return true;
    }
    return false;
  }

  /** Counts one syntax node against the frozen limit. */
  countNode(range: SourceRange): void {
    if (++this.#nodes > RULE_LIMITS.maxNodes) this.fail('ZR1005', range, { max: RULE_LIMITS.maxNodes });
  }

  fail(
    code: RuleErrorCode,
    range: SourceRange,
    params: Record<string, string | number> = {},
    hint?: string,
  ): never {
    throw new ParseFailure(diagnostic(code, range, params, hint, this.#file));
  }

  failExpected(expected: string, hint?: string): never {
    const token = this.peek();
    this.fail('ZR1001', token.range, { expected, found: describeToken(token) }, hint);
  }

  /** Skips to the next token satisfying `stop` (error recovery); always consumes at least one token. */
  recoverTo(stop: (cursor: Cursor) => boolean): void {
    this.next();
    while (!this.atEnd() && !stop(this)) this.next();
  }
}

/** How a token is named in "found …" messages. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return `string ${token.text.length > 24 ? token.text.slice(0, 24) + '…' : token.text}`;
    case 'number':
      return `number ${token.text}`;
    case 'punct':
      return `"${String(token.value)}"`;
    default:
      return `"${token.text}"`;
  }
}
