/**
 * Enumerations the fact schema uses, each value with its stable code and its Chinese label (DOMAIN.md).
 * Rules may write either form; facts always carry the code. The codes and labels come from the one project
 * vocabulary; this module only shapes them for the rules language.
 */
import { codesOf, termOf, type CodeOf, type VocabularyName } from '../vocabulary/labels';

/** One enum value: stable code, Chinese label, extra accepted spellings. */
export interface EnumValue {
  readonly code: string;
  readonly zh: string;
  readonly aliases?: readonly string[];
}

/** An enumeration with its bilingual name. */
export interface EnumSpec {
  readonly name: string;
  readonly zh: string;
  readonly values: readonly EnumValue[];
}

/** An enumeration's values as the rules language reads them, from the project vocabulary. */
function valuesOf(name: VocabularyName): EnumValue[] {
  return codesOf(name).map((code) => {
    const term = termOf(name, code)!;
    return { code, zh: term.zh, ...(term.aliases ? { aliases: term.aliases } : {}) };
  });
}

/** Problem-item states (DOMAIN.md "A problem item and its life"). */
export const ITEM_STATES = Object.freeze(codesOf('itemState'));
/** A problem-item state code. */
export type ItemState = CodeOf<'itemState'>;

/** Severity grades used for graded warnings (乳山 4: 按照性质情节轻重进行分级预警). */
export const SEVERITIES = Object.freeze(codesOf('severity'));
/** A severity code. */
export type Severity = CodeOf<'severity'>;

/** Campaign phases (DOMAIN.md "A campaign and its phases"). */
export const CAMPAIGN_PHASES = Object.freeze(codesOf('phase'));
/** A campaign phase code. */
export type CampaignPhase = CodeOf<'phase'>;

/** Clue channels (线索来源, 江源 三(二)1): the same codes as the API's clue `source`. */
export const CHANNELS = Object.freeze(codesOf('channel'));
/** A clue-channel code. */
export type Channel = CodeOf<'channel'>;

/** The enumerations, with labels, in the vocabulary's order (src/vocabulary/labels.ts). */
export const ENUMS = Object.freeze({
  itemState: { name: 'item state', zh: '事项状态', values: valuesOf('itemState') },
  severity: { name: 'severity', zh: '严重程度', values: valuesOf('severity') },
  campaignPhase: { name: 'campaign phase', zh: '行动阶段', values: valuesOf('phase') },
  channel: { name: 'clue channel', zh: '线索来源', values: valuesOf('channel') },
} satisfies Record<string, EnumSpec>);

/** The name of an enumeration in {@link ENUMS}. */
export type EnumName = keyof typeof ENUMS;

/** Known item tags. Tags are open (campaigns add their own); known ones are normalised to their code. */
export const TAGS: readonly EnumValue[] = Object.freeze(valuesOf('tag'));

const tagCodes = new Map<string, string>();
for (const tag of TAGS) {
  tagCodes.set(tag.code, tag.code);
  tagCodes.set(tag.zh, tag.code);
}

/** The code for a tag written in Chinese or English; unknown tags are kept as written. */
export function normalizeTag(tag: string): string {
  return tagCodes.get(tag) ?? tag;
}

/** Chinese label for a tag code (or the code itself when unknown). */
export function tagLabel(code: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return code;
  return TAGS.find((t) => t.code === code)?.zh ?? code;
}

/** Resolves an enum value written as code, Chinese label or alias. */
export function enumValueOf(name: EnumName, word: string): string | undefined {
  const lower = word.toLowerCase();
  for (const value of ENUMS[name].values as readonly EnumValue[]) {
    if (value.code.toLowerCase() === lower || value.zh === word || value.aliases?.includes(word))
      return value.code;
  }
  return undefined;
}

/** Label of an enum value in the requested language. */
export function enumLabel(name: EnumName, code: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return code;
  return (ENUMS[name].values as readonly EnumValue[]).find((v) => v.code === code)?.zh ?? code;
}

/** Every spelling of an enum's values, for "did you mean" hints. */
export function enumSpellings(name: EnumName): string[] {
  return (ENUMS[name].values as readonly EnumValue[]).flatMap((v) => [v.code, v.zh, ...(v.aliases ?? [])]);
}
