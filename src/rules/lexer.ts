import { diagnostic, type Diagnostic } from './errors';
import { RULE_LIMITS } from './limits';
import type { SourceRange } from './source';

/** Token kinds. Keywords are identifiers; the parser recognises them by position (contextual keywords). */
export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';

/** One token with its source range. `text` is normalised for punctuation (full-width → ASCII). */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Decoded string contents or numeric value. */
  readonly value: string | number;
  readonly range: SourceRange;
  /** Whether whitespace or a comment precedes the token (ids like `overdue-admonish` need adjacency). */
  readonly spaced: boolean;
}

/** Result of lexing: tokens always end with one `eof` token, even after errors. */
export interface LexResult {
  readonly tokens: readonly Token[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Full-width and typographic punctuation a Chinese input method produces, mapped to ASCII. */
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '（': '(',
  '）': ')',
  '【': '[',
  '】': ']',
  '｛': '{',
  '｝': '}',
  '，': ',',
  '、': ',',
  '；': ';',
  '：': ':',
  '＝': '=',
  '＞': '>',
  '＜': '<',
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '＋': '+',
  '－': '-',
  '×': '*',
  '÷': '/',
  '．': '.',
  '％': '%',
};
const TWO_CHAR = new Set(['==', '!=', '<>', '<=', '>=']);
const ONE_CHAR = new Set([
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  ':',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
]);
/** Opening quote → closing quote. */
const QUOTES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '「': '」', '『': '』' };
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', '"': '"', "'": "'", '\\': '\\' };

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{M}\p{N}_]/u;

/**
 * Splits `.rules` source into tokens. Never throws: bad characters become ZR0xxx diagnostics and are skipped.
 */
export function lex(source: string, file = ''): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  let line = 1;
  let column = 1;
  let spaced = true;

  const here = (length = 1): SourceRange => ({ line, column, offset, length });
  const advance = (units: number): void => {
    const text = source.slice(offset, offset + units);
    for (const ch of text) {
      if (ch === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    offset += units;
  };
  const push = (kind: TokenKind, text: string, value: string | number, start: SourceRange): void => {
    tokens.push({ kind, text, value, range: { ...start, length: offset - start.offset }, spaced });
    spaced = false;
  };

  if (source.length > RULE_LIMITS.maxFileSize) {
    diagnostics.push(
      diagnostic('ZR0004', here(0), { size: source.length, max: RULE_LIMITS.maxFileSize }, undefined, file),
    );
    return { tokens: [{ kind: 'eof', text: '', value: '', range: here(0), spaced: true }], diagnostics };
  }

  while (offset < source.length) {
    if (tokens.length >= RULE_LIMITS.maxTokens) {
      diagnostics.push(diagnostic('ZR0008', here(0), { max: RULE_LIMITS.maxTokens }, undefined, file));
      break;
    }
    const cp = source.codePointAt(offset) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (ch === '\n' || ch === '\r' || ch === '\t' || ch === ' ' || ch === '\u3000' || ch === '\ufeff') {
      advance(ch.length);
      spaced = true;
      continue;
    }
    if (ch === '#' || (ch === '/' && source[offset + 1] === '/')) {
      const end = source.indexOf('\n', offset);
      advance((end < 0 ? source.length : end) - offset);
      spaced = true;
      continue;
    }
    const start = here();
    if (ch >= '0' && ch <= '9') {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(offset, offset + 64));
      const text = match?.[0] ?? ch;
      advance(text.length);
      if (/^[0-9.]/.test(source[offset] ?? '')) {
        const rest = /^[0-9.]+/.exec(source.slice(offset, offset + 64))?.[0] ?? '';
        advance(rest.length);
        diagnostics.push(
          diagnostic(
            'ZR0003',
            { ...start, length: offset - start.offset },
            { text: text + rest },
            undefined,
            file,
          ),
        );
        spaced = true;
        continue;
      }
      push('number', text, Number(text), start);
      continue;
    }
    if (IDENT_START.test(ch)) {
      let end = offset + ch.length;
      while (end < source.length) {
        const next = String.fromCodePoint(source.codePointAt(end) ?? 0);
        if (!IDENT_PART.test(next)) break;
        end += next.length;
      }
      const text = source.slice(offset, end);
      advance(end - offset);
      if (Array.from(text).length > RULE_LIMITS.maxIdentifierLength) {
        diagnostics.push(
          diagnostic(
            'ZR0005',
            { ...start, length: text.length },
            { max: RULE_LIMITS.maxIdentifierLength },
            undefined,
            file,
          ),
        );
        spaced = true;
        continue;
      }
      push('ident', text, text, start);
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      lexString(close, start);
      continue;
    }
    const two = source.slice(offset, offset + 2);
    if (TWO_CHAR.has(two)) {
      advance(2);
      push('punct', two === '==' ? '=' : two === '<>' ? '!=' : two, two, start);
      continue;
    }
    const mapped = FULL_WIDTH[ch] ?? (ONE_CHAR.has(ch) ? ch : undefined);
    if (mapped !== undefined) {
      advance(ch.length);
      push('punct', mapped, ch, start);
      continue;
    }
    advance(ch.length);
    diagnostics.push(
      diagnostic('ZR0001', { ...start, length: ch.length }, { char: JSON.stringify(ch) }, hintFor(ch), file),
    );
    spaced = true;
  }
  tokens.push({ kind: 'eof', text: '', value: '', range: here(0), spaced: true });
  return { tokens, diagnostics };

  function lexString(close: string, start: SourceRange): void {
    advance(1);
    let value = '';
    for (;;) {
      if (offset >= source.length || source[offset] === '\n') {
        diagnostics.push(
          diagnostic(
            'ZR0002',
            { ...start, length: offset - start.offset },
            {},
            `close it with ${close}`,
            file,
          ),
        );
        spaced = true;
        return;
      }
      const c = source[offset] as string;
      if (c === close) {
        advance(1);
        break;
      }
      if (c === '\\') {
        const next = source[offset + 1] ?? '';
        const decoded = ESCAPES[next];
        if (decoded === undefined) {
          diagnostics.push(
            diagnostic(
              'ZR0007',
              { ...here(), length: Math.min(2, source.length - offset) },
              { char: next },
              'use \\" \\\\ \\n or \\t',
              file,
            ),
          );
          advance(next === '' || next === '\n' ? 1 : 2);
          continue;
        }
        value += decoded;
        advance(2);
        continue;
      }
      value += c;
      advance(1);
    }
    if (value.length > RULE_LIMITS.maxStringLength) {
      diagnostics.push(
        diagnostic(
          'ZR0006',
          { ...start, length: offset - start.offset },
          { max: RULE_LIMITS.maxStringLength },
          undefined,
          file,
        ),
      );
      spaced = true;
      return;
    }
    push('string', source.slice(start.offset, offset), value, start);
  }
}

function hintFor(ch: string): string | undefined {
  if (ch === '`') return 'template strings are not part of the rules language; use "…"';
  if (ch === '!' || ch === '&' || ch === '|') return 'write 非/not, 且/and, 或/or';
  if (ch === '$' || ch === '@') return 'rules cannot reach JavaScript values';
  return undefined;
}
