import { enumLabel, tagLabel } from './fact-enums';
import type { Ty } from './ir';
import { DAY_MS } from './vocabulary';

/** Renders a fact value of a known type for explanations: labels in Chinese, codes in English. */
export function formatValue(ty: Ty, value: unknown, lang: 'zh' | 'en'): string {
  const none = lang === 'zh' ? '无' : 'none';
  switch (ty.kind) {
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) ? String(round(value)) : none;
    case 'duration':
      return typeof value === 'number' && !Number.isNaN(value) ? formatDuration(value, lang) : none;
    case 'boolean':
      return value === true ? (lang === 'zh' ? '真' : 'true') : lang === 'zh' ? '假' : 'false';
    case 'enum':
      return enumLabel(ty.enum, String(value), lang);
    case 'set':
      return `[${(value as readonly string[]).map((t) => tagLabel(t, lang)).join(', ')}]`;
    case 'timestamps':
      return `[${(value as readonly string[]).join(', ')}]`;
    case 'string':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** `31 天` / `31d`; sub-day durations in hours. */
export function formatDuration(ms: number, lang: 'zh' | 'en'): string {
  if (Math.abs(ms) < DAY_MS) {
    const hours = round(ms / 3_600_000);
    return lang === 'zh' ? `${hours} 小时` : `${hours}h`;
  }
  const days = round(ms / DAY_MS);
  return lang === 'zh' ? `${days} 天` : `${days}d`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
