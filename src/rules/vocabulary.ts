/**
 * The bilingual vocabulary of the rules language: keywords, measures, targets and duration units. Every
 * Chinese word and its English synonym map to one canonical code here and nowhere else; measures and
 * targets come from the project vocabulary (src/vocabulary/labels.ts).
 */
import { codesOf, termOf, type CodeOf } from '../vocabulary/labels';

/** Canonical keyword codes. Keywords are contextual: the parser asks for them by code. */
export const KEYWORDS = Object.freeze({
  ruleset: ['规则集', 'ruleset'],
  version: ['版本', 'version'],
  rule: ['规则', 'rule'],
  priority: ['优先级', 'priority'],
  source: ['依据', 'source'],
  when: ['当', '如果', 'when'],
  then: ['则', '那么', 'then'],
  and: ['且', '并且', 'and'],
  or: ['或', '或者', 'or'],
  not: ['非', 'not'],
  in: ['属于', 'in'],
  notIn: ['不属于'],
  contains: ['包含', 'contains'],
  notContains: ['不包含'],
  true: ['真', 'true'],
  false: ['假', 'false'],
  escalate: ['升级', 'escalate'],
  deadline: ['期限', 'deadline'],
  reason: ['理由', 'reason'],
  suppress: ['免除', '免罚', '容错免责', 'suppress'],
  tag: ['标记', 'tag'],
  all: ['全部', 'all'],
  example: ['例', '示例', 'example'],
  given: ['给定', 'given'],
  expect: ['期望', 'expect'],
  none: ['无', 'none'],
  at: ['于', 'at'],
  by: ['由', 'by'],
  issued: ['已采取', 'issued'],
} as const);

/** A keyword code. */
export type Keyword = keyof typeof KEYWORDS;

const keywordBySurface = new Map<string, Keyword>();
for (const [code, surfaces] of Object.entries(KEYWORDS) as [Keyword, readonly string[]][]) {
  for (const surface of surfaces) keywordBySurface.set(surface.toLowerCase(), code);
}

/** The keyword a word spells, if any (English is case-insensitive). */
export function keywordOf(word: string): Keyword | undefined {
  return keywordBySurface.get(word.toLowerCase());
}

/** A measure or target with its Chinese label and the other spellings the rules accept. */
interface NamedCode<C extends string> {
  readonly code: C;
  readonly zh: string;
  readonly aliases: readonly string[];
}

function namedCodes<N extends 'measure' | 'target'>(name: N): readonly NamedCode<CodeOf<N>>[] {
  return Object.freeze(
    codesOf(name).map((code) => {
      const term = termOf(name, code)!;
      return { code, zh: term.zh, aliases: term.aliases ?? [] };
    }),
  );
}

/** Escalation measures, ordered light → heavy (DOMAIN.md "Escalation measures"; labels in src/vocabulary). */
export const MEASURES = namedCodes('measure');

/** A measure code. */
export type Measure = CodeOf<'measure'>;

/** Escalation targets (who receives the measure). */
export const TARGETS = namedCodes('target');

/** A target kind. */
export type TargetKind = CodeOf<'target'>;

/** Duration units in milliseconds. */
export const DURATION_UNITS = Object.freeze([
  { code: 'hours', ms: 3_600_000, surfaces: ['小时', 'h', 'hour', 'hours'] },
  { code: 'days', ms: 86_400_000, surfaces: ['天', '日', 'd', 'day', 'days'] },
  { code: 'weeks', ms: 7 * 86_400_000, surfaces: ['周', '星期', 'w', 'week', 'weeks'] },
] as const);

/** Milliseconds in a day: days-valued facts are converted to durations with this. */
export const DAY_MS = 86_400_000;

function index<T extends NamedCode<string>>(table: readonly T[]) {
  const map = new Map<string, T>();
  for (const entry of table) {
    for (const name of [entry.code, entry.zh, ...entry.aliases]) map.set(name.toLowerCase(), entry);
  }
  return map;
}

const measureByName = index(MEASURES);
const targetByName = index(TARGETS);
const unitBySurface = new Map<string, number>();
for (const unit of DURATION_UNITS) for (const s of unit.surfaces) unitBySurface.set(s.toLowerCase(), unit.ms);

/** Resolves a measure written in Chinese or English. */
export function measureOf(word: string): Measure | undefined {
  return measureByName.get(word.toLowerCase())?.code;
}

/** Resolves a target written in Chinese or English. */
export function targetOf(word: string): TargetKind | undefined {
  return targetByName.get(word.toLowerCase())?.code;
}

/** Milliseconds per unit for a duration unit word, if it is one. */
export function durationUnitMs(word: string): number | undefined {
  return unitBySurface.get(word.toLowerCase());
}

/** Weight of a measure: higher is heavier. */
export function measureWeight(measure: Measure): number {
  return MEASURES.findIndex((m) => m.code === measure) + 1;
}

/** Chinese label of a measure. */
export function measureLabel(measure: Measure, lang: 'zh' | 'en'): string {
  const entry = MEASURES.find((m) => m.code === measure);
  return lang === 'zh' ? (entry?.zh ?? measure) : measure;
}

/** Chinese label of a target kind. */
export function targetLabel(target: TargetKind, lang: 'zh' | 'en'): string {
  const entry = TARGETS.find((t) => t.code === target);
  return lang === 'zh' ? (entry?.zh ?? target) : target;
}

/** Every name a measure or target can be written as (for "did you mean" hints). */
export const MEASURE_NAMES: readonly string[] = [...measureByName.keys()];
/** Every name a target can be written as. */
export const TARGET_NAMES: readonly string[] = [...targetByName.keys()];
