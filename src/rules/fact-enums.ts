/**
 * Enumerations the fact schema uses, each value with its stable code and its Chinese label (DOMAIN.md).
 * Rules may write either form; facts always carry the code.
 */

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

/** Problem-item states (DOMAIN.md "A problem item and its life"). */
export const ITEM_STATES = [
  'registered',
  'verifying',
  'dismissalPending',
  'confirmed',
  'dismissed',
  'transferred',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'lookBack',
  'reopened',
] as const;
/** A problem-item state code. */
export type ItemState = (typeof ITEM_STATES)[number];

/** Severity grades used for graded warnings (乳山 4: 按照性质情节轻重进行分级预警). */
export const SEVERITIES = ['minor', 'general', 'serious'] as const;
/** A severity code. */
export type Severity = (typeof SEVERITIES)[number];

/** Campaign phases (DOMAIN.md "A campaign and its phases"). */
export const CAMPAIGN_PHASES = ['mobilize', 'identify', 'rectify', 'summarize', 'consolidate'] as const;
/** A campaign phase code. */
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];

/** Clue channels (线索来源, 江源 三(二)1). */
export const CHANNELS = [
  'hotline_12328',
  'hotline_12345',
  'petition',
  'media',
  'email',
  'website',
  'review_litigation',
  'inspection',
  'case_review',
  'self_check',
  'meeting',
] as const;
/** A clue-channel code. */
export type Channel = (typeof CHANNELS)[number];

/** The enumerations, with labels. Order of values is the order of the `as const` arrays above. */
export const ENUMS = Object.freeze({
  itemState: {
    name: 'item state',
    zh: '事项状态',
    values: [
      { code: 'registered', zh: '已登记', aliases: ['登记'] },
      { code: 'verifying', zh: '核查中' },
      { code: 'dismissalPending', zh: '待审批查否', aliases: ['dismissal_pending'] },
      { code: 'confirmed', zh: '已查实', aliases: ['查实'] },
      { code: 'dismissed', zh: '已查否', aliases: ['查否'] },
      { code: 'transferred', zh: '已移送', aliases: ['移送'] },
      { code: 'rectifying', zh: '整改中' },
      { code: 'awaitingAcceptance', zh: '待验收', aliases: ['awaiting_acceptance'] },
      { code: 'closed', zh: '已销号', aliases: ['销号'] },
      { code: 'lookBack', zh: '回头看', aliases: ['look_back'] },
      { code: 'reopened', zh: '已重启', aliases: ['重启'] },
    ],
  },
  severity: {
    name: 'severity',
    zh: '严重程度',
    values: [
      { code: 'minor', zh: '轻微' },
      { code: 'general', zh: '一般' },
      { code: 'serious', zh: '严重' },
    ],
  },
  campaignPhase: {
    name: 'campaign phase',
    zh: '行动阶段',
    values: [
      { code: 'mobilize', zh: '动员部署' },
      { code: 'identify', zh: '查摆问题', aliases: ['自查自纠'] },
      { code: 'rectify', zh: '集中整治', aliases: ['查纠整改', '深入整改'] },
      { code: 'summarize', zh: '总结', aliases: ['总结报告', '总结提升'] },
      { code: 'consolidate', zh: '巩固提升' },
    ],
  },
  channel: {
    name: 'clue channel',
    zh: '线索来源',
    values: [
      { code: 'hotline_12328', zh: '12328热线' },
      { code: 'hotline_12345', zh: '12345热线' },
      { code: 'petition', zh: '信访' },
      { code: 'media', zh: '新闻媒体' },
      { code: 'email', zh: '电子邮箱' },
      { code: 'website', zh: '网站留言' },
      { code: 'review_litigation', zh: '复议诉讼' },
      { code: 'inspection', zh: '明查暗访' },
      { code: 'case_review', zh: '案卷评查' },
      { code: 'self_check', zh: '自查自纠' },
      { code: 'meeting', zh: '座谈会' },
    ],
  },
} satisfies Record<string, EnumSpec>);

/** The name of an enumeration in {@link ENUMS}. */
export type EnumName = keyof typeof ENUMS;

/** Known item tags. Tags are open (campaigns add their own); known ones are normalised to their code. */
export const TAGS: readonly EnumValue[] = Object.freeze([
  { code: 'abuse_of_power', zh: '以权谋私' },
  { code: 'power_for_money', zh: '权钱交易' },
  { code: 'dereliction_of_duty', zh: '失职渎职' },
  { code: 'perverting_justice', zh: '徇私枉法' },
  { code: 'taking_from_parties', zh: '吃拿卡要' },
  { code: 'negative_public_opinion', zh: '负面舆情' },
  { code: 'strong_public_reaction', zh: '群众反映强烈' },
  { code: 'frequent_complaints', zh: '高频投诉' },
  { code: 'first_minor', zh: '首次轻微' },
  { code: 'exemption_list', zh: '免罚清单' },
  { code: 'faked_rectification', zh: '弄虚作假' },
  { code: 'refused_rectification', zh: '拒不整改' },
  { code: 'lying_flat', zh: '躺平' },
]);

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
