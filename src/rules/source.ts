/** Where a token, node or diagnostic sits in a `.rules` file. Columns count code points, 1-based. */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  /** UTF-16 offset into the source text (what `String.prototype.slice` takes). */
  readonly offset: number;
  /** Length in UTF-16 code units. */
  readonly length: number;
}

/** A range covering `start` through the end of `end` (both on the same source). */
export function spanRanges(start: SourceRange, end: SourceRange): SourceRange {
  const stop = Math.max(start.offset + start.length, end.offset + end.length);
  return { line: start.line, column: start.column, offset: start.offset, length: stop - start.offset };
}

/** The text a range covers. */
export function sliceRange(source: string, range: SourceRange): string {
  return source.slice(range.offset, range.offset + range.length);
}

/** Line breaks as the lexer counts them (and editors show them): CRLF, LF, CR, U+2028, U+2029. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

/** The full text of line `line` (1-based), without its line break. One pass, no copies of the source. */
export function sourceLine(source: string, line: number): string {
  LINE_BREAK.lastIndex = 0;
  let start = 0;
  for (let current = 1; current < line; current++) {
    const found = LINE_BREAK.exec(source);
    if (!found) return '';
    start = found.index + found[0].length;
  }
  const end = LINE_BREAK.exec(source);
  return source.slice(start, end ? end.index : source.length);
}

/** Terminal display width of a string: CJK and full-width characters take two cells, so carets line up. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
