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
/** Digits with an optional fraction, at most 64 characters (longer is ZR0003 below). */
const NUMBER = /[0-9]{1,64}(\.[0-9]{1,32})?/y;

/** Identifier characters, with fast paths for ASCII and common CJK so lexing allocates nothing per character. */
function isIdentStart(cp: number, ch: string): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
  if (cp >= 0x4e00 && cp <= 0x9fff) return true;
  return IDENT_START.test(ch);
}
function isIdentPart(cp: number): boolean {
  if (cp < 0x80)
    return (
      (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
    );
  if (cp >= 0x4e00 && cp <= 0x9fff) return true;
  return IDENT_PART.test(String.fromCodePoint(cp));
}
/**
 * Line terminators as editors show them: CRLF, LF, a lone CR, U+2028 and U+2029. A comment ends at any of
 * them, so text an editor shows on its own line is never hidden inside a comment.
 */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;
const isLineBreak = (ch: string): boolean => ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
/** Bidirectional controls (Trojan Source, CVE-2021-42574): they reorder how a line is displayed. */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Raw control characters, which a string literal must spell as escapes. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
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
    const end = offset + units;
    for (let at = offset; at < end;) {
      const cp = source.codePointAt(at) ?? 0;
      const width = cp > 0xffff ? 2 : 1;
      if (cp === 0x0d && source.charCodeAt(at + 1) === 0x0a)
        column++; // CR of CRLF: the LF breaks the line
      else if (cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029) {
        line++;
        column = 1;
      } else column++;
      at += width;
    }
    offset = end;
  };
  const push = (kind: TokenKind, text: string, value: string | number, start: SourceRange): void => {
    const range = {
      line: start.line,
      column: start.column,
      offset: start.offset,
      length: offset - start.offset,
    };
    tokens.push({ kind, text, value, range, spaced });
    spaced = false;
  };

  if (source.length > RULE_LIMITS.maxFileSize) {
    diagnostics.push(
      diagnostic('ZR0004', here(0), { size: source.length, max: RULE_LIMITS.maxFileSize }, undefined, file),
    );
    return { tokens: [{ kind: 'eof', text: '', value: '', range: here(0), spaced: true }], diagnostics };
  }

  while (offset < source.length) {
    if (diagnostics.length >= RULE_LIMITS.maxDiagnostics) {
      diagnostics.push(diagnostic('ZR0010', here(0), { max: RULE_LIMITS.maxDiagnostics }, undefined, file));
      break;
    }
    if (tokens.length >= RULE_LIMITS.maxTokens) {
      diagnostics.push(diagnostic('ZR0008', here(0), { max: RULE_LIMITS.maxTokens }, undefined, file));
      break;
    }
    const cp = source.codePointAt(offset) ?? 0;
    if (cp === 0x20 || cp === 0x0a || cp === 0x09) {
      // the common case, without allocating: one space, tab or LF
      if (cp === 0x0a) {
        line++;
        column = 1;
      } else column++;
      offset++;
      spaced = true;
      continue;
    }
    const ch = cp < 0x80 ? (source[offset] as string) : String.fromCodePoint(cp);
    if (isLineBreak(ch) || ch === '\u3000' || ch === '\ufeff') {
      advance(ch.length);
      spaced = true;
      continue;
    }
    if (ch === '#' || (ch === '/' && source[offset + 1] === '/')) {
      LINE_BREAK.lastIndex = offset;
      const end = LINE_BREAK.exec(source)?.index ?? source.length;
      warnBidi(offset, end);
      advance(end - offset);
      spaced = true;
      continue;
    }
    const start = here();
    if (ch >= '0' && ch <= '9') {
      NUMBER.lastIndex = offset;
      const text = NUMBER.exec(source)?.[0] ?? ch;
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
    if (isIdentStart(cp, ch)) {
      let end = offset + ch.length;
      while (end < source.length) {
        const next = source.codePointAt(end) ?? 0;
        if (!isIdentPart(next)) break;
        end += next > 0xffff ? 2 : 1;
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
      diagnostic('ZR0001', { ...start, length: ch.length }, { char: charName(ch) }, hintFor(ch), file),
    );
    spaced = true;
  }
  if (diagnostics.length > RULE_LIMITS.maxDiagnostics + 1)
    diagnostics.length = RULE_LIMITS.maxDiagnostics + 1;
  tokens.push({ kind: 'eof', text: '', value: '', range: here(0), spaced: true });
  return { tokens, diagnostics };

  function lexString(close: string, start: SourceRange): void {
    advance(1);
    let value = '';
    let bidiWarned = false;
    for (;;) {
      if (offset >= source.length || isLineBreak(source[offset] as string)) {
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
          advance(next === '' || isLineBreak(next) ? 1 : 2);
          continue;
        }
        value += decoded;
        advance(2);
        continue;
      }
      if (!bidiWarned && BIDI_CONTROL.test(c)) {
        bidiWarned = true;
        warnBidi(offset, offset + 1);
      }
      if (CONTROL.test(c)) {
        diagnostics.push(
          diagnostic(
            'ZR0012',
            { ...here(), length: 1 },
            { code: `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` },
            'write \\n or \\t, or remove it',
            file,
          ),
        );
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

  /** Warns once per comment (or string) containing a bidirectional control; `from` is the current offset. */
  function warnBidi(from: number, to: number): void {
    const found = BIDI_CONTROL.exec(source.slice(from, to));
    if (!found) return;
    const savedLine = line;
    const savedColumn = column;
    const savedOffset = offset;
    advance(from + found.index - offset);
    const at = here(1);
    line = savedLine;
    column = savedColumn;
    offset = savedOffset;
    const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    diagnostics.push(
      diagnostic(
        'ZR0011',
        at,
        { code },
        'the line may display differently from what the compiler reads (Trojan Source); remove it',
        file,
        'warning',
      ),
    );
  }
}

/** How an unexpected character is named in messages: invisible ones by code point, never raw. */
function charName(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    BIDI_CONTROL.test(ch) ||
    /[\u2028\u2029\p{Cf}\p{Zs}]/u.test(ch)
    ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    : JSON.stringify(ch);
}

function hintFor(ch: string): string | undefined {
  if (BIDI_CONTROL.test(ch)) return 'a bidirectional control character (Trojan Source); remove it';
  if (ch === '`') return 'template strings are not part of the rules language; use "…"';
  if (ch === '!' || ch === '&' || ch === '|') return 'write 非/not, 且/and, 或/or';
  if (ch === '$' || ch === '@') return 'rules cannot reach JavaScript values';
  return undefined;
}
