import type { Diagnostic } from './errors';
import { displayWidth, sourceLine } from './source';

/**
 * Renders a diagnostic the way compilers do:
 * `file:line:col: error ZR2002 message`, the source line, and a caret under the range (CJK-width aware).
 */
export function formatDiagnostic(diag: Diagnostic, source: string): string {
  const { line, column, length } = diag.range;
  const text = sourceLine(source, line);
  const chars = Array.from(text);
  const before = chars.slice(0, column - 1).join('');
  const covered = chars.slice(column - 1, column - 1 + Math.max(1, countCodePoints(source, diag))).join('');
  const gutter = String(line).padStart(4);
  const pad = ' '.repeat(gutter.length);
  const caret = ' '.repeat(displayWidth(before)) + '^'.repeat(Math.max(1, displayWidth(covered)));
  const lines = [
    `${diag.file || '<input>'}:${line}:${column}: error ${diag.code} ${diag.messageZh} / ${diag.message}`,
    `${gutter} | ${text}`,
    `${pad} | ${length > 0 || text.length > 0 ? caret : '^'}`,
  ];
  if (diag.hint) lines.push(`${pad} = hint: ${diag.hint}`);
  return lines.join('\n');
}

/** Code points covered by the range, clipped to its first line. */
function countCodePoints(source: string, diag: Diagnostic): number {
  const covered = source.slice(diag.range.offset, diag.range.offset + diag.range.length);
  const firstLine = covered.split('\n')[0] ?? '';
  return Array.from(firstLine).length;
}
