/**
 * The console's labels: every Chinese/English label comes from the project's one vocabulary
 * (src/vocabulary/labels.ts, pure data, bundled directly), the same table the ledgers, bulletins, rules and
 * the API read.
 */
import { codesOf, labelOf, type Lang, type VocabularyName } from '../../src/vocabulary/labels';

export type { Lang };

function pick(name: VocabularyName, code: string | null | undefined, lang: Lang): string {
  if (code === null || code === undefined || code === '') return '—';
  return labelOf(name, code, lang);
}

export const itemStateLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('itemState', code, lang);
export const escalationStateLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('escalationState', code, lang);
/** Any stream's state: item, campaign or escalation. */
export const stateLabel = (code: string | null | undefined, lang: Lang = 'zh'): string => {
  if (!code) return '—';
  for (const name of ['itemState', 'campaignState', 'escalationState'] as const)
    if ((codesOf(name) as string[]).includes(code)) return labelOf(name, code, lang);
  return code;
};
export const phaseLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('campaignState', code, lang);
export const channelLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('channel', code, lang);
export const measureLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('measure', code, lang);
export const eventLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('eventType', code, lang);
export const roleLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('role', code, lang);
export const targetLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('target', code, lang);
export const categoryLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('category', code, lang);
export const tagLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('tag', code, lang);

/** A field's name as people read it; a field the vocabulary does not know keeps its name. */
export const fieldLabel = (key: string, lang: Lang = 'zh'): string => labelOf('field', key, lang);

export const ITEM_STATE_CODES: readonly string[] = codesOf('itemState');
export const CHANNEL_CODES: readonly string[] = codesOf('channel');
export const MEASURE_CODES: readonly string[] = codesOf('measure');

/** Times shown in Asia/Shanghai whatever the browser's zone. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTime.format(time);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateOnly.format(time);
}
export const notificationKindLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick('notificationKind', code, lang);
