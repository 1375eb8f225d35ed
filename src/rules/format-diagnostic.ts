import type { Diagnostic } from './errors';
import { displayWidth } from './source';

/** Source lines longer than this are shown as a window around the error, so output stays small. */
const MAX_SHOWN = 120;

/**
 * Renders a diagnostic the way compilers do:
 * `file:line:col: error ZR2002 message`, the source line, and a caret under the range (CJK-width aware).
 * The message is in `lang` when given (the CLI's --lang / LANG), else in both languages.
 * Control and bidirectional characters in the shown line are replaced, so a file cannot forge or reorder
 * the output; a long line is cut to a window around the error.
 */
export function formatDiagnostic(diag: Diagnostic, source: string, lang?: 'zh' | 'en'): string {
  const { line, column, offset, length } = diag.range;
  const { before, covered, after, cutBefore, cutAfter } = lineWindow(source, offset, length);
  const shownBefore = (cutBefore ? '…' : '') + displaySafe(before);
  const shownCovered = displaySafe(covered);
  const shown = shownBefore + shownCovered + displaySafe(after) + (cutAfter ? '…' : '');
  const gutter = String(line).padStart(4);
  const pad = ' '.repeat(gutter.length);
  const caret = ' '.repeat(displayWidth(shownBefore)) + '^'.repeat(Math.max(1, displayWidth(shownCovered)));
  const lines = [
    displaySafe(
      `${diag.file || '<input>'}:${line}:${column}: ${diag.severity} ${diag.code} ${diagnosticText(diag, lang)}`,
    ),
    `${gutter} | ${shown}`,
    `${pad} | ${length > 0 || shown.length > 0 ? caret : '^'}`,
  ];
  if (diag.hint) lines.push(`${pad} = hint: ${displaySafe(diag.hint)}`);
  return lines.join('\n');
}

/** The message of a diagnostic in one language, or both (`中文 / English`) when none is asked for. */
export function diagnosticText(diag: Pick<Diagnostic, 'message' | 'messageZh'>, lang?: 'zh' | 'en'): string {
  if (lang === 'zh') return diag.messageZh;
  if (lang === 'en') return diag.message;
  return `${diag.messageZh} / ${diag.message}`;
}

const isBreak = (code: number): boolean =>
  code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;

/**
 * The part of the diagnostic's line around it: at most MAX_SHOWN/2 UTF-16 units either side, cut at line
 * breaks. Work is bounded by the window, not the line, so a 100 kB line formats as fast as a short one.
 */
function lineWindow(source: string, offset: number, length: number) {
  const at = Math.min(Math.max(0, offset), source.length);
  let from = at;
  while (from > 0 && at - from < MAX_SHOWN / 2 && !isBreak(source.charCodeAt(from - 1))) from--;
  const cutBefore = from > 0 && !isBreak(source.charCodeAt(from - 1));
  let coveredEnd = at;
  while (
    coveredEnd < source.length &&
    coveredEnd - at < Math.min(length, MAX_SHOWN) &&
    !isBreak(source.charCodeAt(coveredEnd))
  )
    coveredEnd++;
  let to = coveredEnd;
  while (to < source.length && to - coveredEnd < MAX_SHOWN / 2 && !isBreak(source.charCodeAt(to))) to++;
  const cutAfter = to < source.length && !isBreak(source.charCodeAt(to));
  // Never split a surrogate pair at the window's edges.
  if (from > 0 && from < at && isLowSurrogate(source.charCodeAt(from))) from++;
  if (to > coveredEnd && isLowSurrogate(source.charCodeAt(to))) to--;
  return {
    before: source.slice(from, at),
    covered: source.slice(at, coveredEnd),
    after: source.slice(coveredEnd, to),
    cutBefore,
    cutAfter,
  };
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Text safe to print on one terminal line: control characters (including line breaks and ESC), bidi
 * controls and line/paragraph separators become U+FFFD, one code point each, so columns still line up.
 */
export function displaySafe(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    '\ufffd',
  );
}
