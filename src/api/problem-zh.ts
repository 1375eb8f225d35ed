import { codeFor, labelOf, type Lang } from '../vocabulary/labels';
import type { ProblemDocument, ProblemKind } from './problem';
import { UNREADABLE_ZH } from '../ledgers/import-problems';

/** Chinese titles of every kind of problem (the English ones live beside the statuses in problem.ts). */
const TITLES_ZH: Record<ProblemKind, string> = {
  validationFailed: '请求参数不正确',
  malformedJson: '请求体不是合法的 JSON',
  invalidInput: '提交的内容无法接受',
  unauthenticated: '需要登录',
  forbidden: '缺少权限',
  notFound: '未找到',
  methodNotAllowed: '不支持该请求方法',
  versionConflict: '数据已被他人修改',
  alreadyExists: '已存在',
  idempotencyInProgress: '相同幂等键的请求仍在处理',
  payloadTooLarge: '请求体过大',
  unsupportedMediaType: '请求体类型不受支持',
  eventNotAccepted: '当前状态不接受该操作',
  guardFailed: '业务规则不允许该操作',
  streamFinished: '已办结，不能再操作',
  idempotencyKeyReused: '幂等键已用于另一请求',
  tooManyRequests: '请求过于频繁',
  internal: '服务器内部错误',
  unavailable: '服务暂不可用',
};

/** class-validator's English messages and their Chinese wording; `$1` is the captured bound or list. */
const VALIDATOR_MESSAGES: Array<[RegExp, string]> = [
  [/^is required$/, '必填'],
  [/^must be a string$/, '必须是文本'],
  [/^should not be empty$/, '不能为空'],
  [/^must be shorter than or equal to (\d+) characters$/, '不能超过 $1 个字符'],
  [/^must be longer than or equal to (\d+) characters$/, '至少 $1 个字符'],
  [/^must be one of the following values: (.*)$/, '必须是以下值之一：$1'],
  [/^must be a valid ISO 8601 date string$/, '必须是 ISO 8601 日期时间'],
  [/^must be an integer number$/, '必须是整数'],
  [/^must be a number conforming to the specified constraints$/, '必须是数字'],
  [/^must be a boolean value$/, '必须是布尔值（true/false）'],
  [/^must not be less than (-?\d+)$/, '不能小于 $1'],
  [/^must not be greater than (-?\d+)$/, '不能大于 $1'],
  [/^must be an array$/, '必须是数组'],
  [/^must be an object$/, '必须是对象'],
  [/^must match (.*) regular expression$/, '格式不符（$1）'],
  [/^property .* should not exist$/, '不认识的字段'],
  [/^no such unit$/, '单位不存在'],
];

/** A class-validator message in Chinese (the English text when it is not one we know). */
export function validatorMessageZh(message: string): string {
  // class-validator starts with the property name ("name must be …"); the field is already named beside it.
  const bare = message.replace(/^[\w.]+ (?=must |should |is required)/, '');
  for (const [pattern, zh] of VALIDATOR_MESSAGES) if (pattern.test(bare)) return bare.replace(pattern, zh);
  return message;
}

const stateLabel = (code: string): string =>
  ['itemState', 'campaignState', 'escalationState']
    .map((table) => labelOf(table as 'itemState', code))
    .find((label) => label !== code) ?? code;

const eventLabel = (code: string): string =>
  codeFor('eventType', code) ? `${labelOf('eventType', code)}（${code}）` : code;

type Extensions = Record<string, unknown>;

/** Chinese details composed from a problem's structured extensions, per kind; null keeps the English one. */
const DETAILS_ZH: Partial<Record<ProblemKind, (doc: ProblemDocument & Extensions) => string | null>> = {
  validationFailed: (doc) => {
    const fields = doc.invalidFields as Array<{ field: string; messages: string[] }> | undefined;
    if (!fields?.length) return null;
    return fields.map((f) => `${f.field}：${f.messages.map(validatorMessageZh).join('；')}`).join(' · ');
  },
  notFound: (doc) =>
    typeof doc.id === 'string' ? `${labelOf('streamKind', String(doc.what ?? ''))} ${doc.id} 不存在` : null,
  forbidden: (doc) =>
    typeof doc.missingPermission === 'string'
      ? `缺少权限 ${doc.missingPermission}，或对象不在本单位管辖范围内`
      : null,
  eventNotAccepted: (doc) => {
    if (typeof doc.state !== 'string') return null;
    const accepted = (doc.acceptedEvents as string[] | undefined) ?? [];
    const list = accepted.length
      ? `可执行的操作：${accepted.map(eventLabel).join('、')}`
      : '该状态不接受任何操作';
    return `当前状态「${stateLabel(doc.state)}」不接受该操作；${list}`;
  },
  streamFinished: (doc) =>
    typeof doc.state === 'string' ? `已处于终结状态「${stateLabel(doc.state)}」，不能再操作` : null,
  versionConflict: (doc) =>
    typeof doc.streamId === 'string'
      ? `${doc.streamId} 已被他人修改（当前版本 ${String(doc.currentVersion ?? '无')}，提交时依据的版本 ${String(doc.expectedVersion)}），请刷新后重试`
      : null,
  payloadTooLarge: (doc) => (doc.limit ? `请求体超过上限 ${String(doc.limit)} 字节` : null),
  invalidInput: (doc) => {
    if (doc.unreadable === 'legacyXls') return `${String(doc.file ?? '')}：${UNREADABLE_ZH.legacyXls}`;
    const problems = doc.problems as Array<{ sheet: string; cell: string; reason: string }> | undefined;
    return problems?.length ? `${problems.length} 行无法导入，未导入任何数据（逐行原因见 problems）` : null;
  },
};

/**
 * The problem document in the language the client asked for. Chinese gets a Chinese title and, where the
 * problem's extensions say enough, a Chinese detail; the English detail then stays in `detailEn`.
 * Located errors keep their extensions (`problems` with sheet/row/cell, `invalidFields`) either way.
 */
export function localizeProblem(doc: ProblemDocument, kind: ProblemKind, lang: Lang): ProblemDocument {
  if (lang === 'en') return doc;
  const detail = DETAILS_ZH[kind]?.(doc as ProblemDocument & Extensions) ?? null;
  return {
    ...doc,
    title: TITLES_ZH[kind],
    ...(detail ? { detail, detailEn: doc.detail } : {}),
  };
}
