import { toProblem } from '../api/problem';
import { localizeProblem } from '../api/problem-zh';
import { UNREADABLE_ZH, WorkbookUnreadableError } from '../ledgers/import-problems';
import { ZhengzhiError } from '../shared/errors';
import type { Lang } from '../vocabulary/labels';

/**
 * An error's message for the reader. In Chinese a refusal reads as the API's does (problem-zh.ts): its
 * Chinese detail where the error's structured details say enough (a field's validation, a state that does not
 * accept the command, a version conflict, an unreadable workbook …), else the problem's Chinese title before the
 * English detail. Located messages (file:line:col, sheet!cell) keep their location either way.
 */
export function messageIn(lang: Lang, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (lang !== 'zh') return message;
  if (error instanceof WorkbookUnreadableError) {
    const why = error.details.unreadable as keyof typeof UNREADABLE_ZH | undefined;
    if (why) return `${String(error.details.file)}：${UNREADABLE_ZH[why]}`;
  }
  if (!(error instanceof ZhengzhiError)) return message;
  const problem = toProblem(error);
  const localized = localizeProblem(problem.toDocument(), problem.kind, 'zh');
  return localized.detailEn !== undefined ? String(localized.detail) : `${localized.title}：${message}`;
}
