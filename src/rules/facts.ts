import { type CampaignPhase, type Channel, type EnumName, type ItemState, type Severity } from './fact-enums';
import { DAY_MS, type Measure, type TargetKind } from './vocabulary';

/**
 * The declared fact schema: what rule conditions can read. Facts are plain data handed to `evaluate`; rules
 * reach them only through the `read` closures of this table (never `object[userString]`), so a name that
 * is not in the table — `__proto__`, `constructor`, `process` — cannot be read at all.
 */

/** Facts about one problem item (线索 / 问题事项). */
export interface ItemFacts {
  readonly id: string;
  readonly state: ItemState;
  /** Campaign-defined category code, e.g. `rent_seeking` (执法"寻租"). */
  readonly category: string;
  /** Checklist item number (Xining's 36-item 对照检查清单), or null when not linked. */
  readonly checklistItem: number | null;
  readonly severity: Severity;
  /** Tag codes (`abuse_of_power`, `negative_public_opinion`, `first_minor`, …; see TAGS). */
  readonly tags: readonly string[];
  readonly daysOverdue: number;
  readonly daysInState: number;
  /** Times the evidence was rejected at acceptance (验收退回). */
  readonly rejectedCount: number;
  /** ISO instants of complaints about this item, for windowed counts. */
  readonly complaintTimes: readonly string[];
  /** Carried into long-term rectification (长期推进). */
  readonly longTerm: boolean;
  readonly channel: Channel;
  /** Id of the responsible person (责任人), the target of person-directed measures. */
  readonly responsiblePerson: string;
}

/** Facts about the unit responsible for the item. */
export interface UnitFacts {
  readonly id: string;
  readonly openCount: number;
  readonly overdueCount: number;
  readonly rectifiedCount: number;
  /** Reports missed in the current campaign (漏报, from the reporting cadences). */
  readonly missedReports: number;
  /**
   * ISO instants of the complaints about every item of the unit in the campaign (投诉举报高频事项 per 大队),
   * for windowed counts; absent (none) where a caller does not count them.
   */
  readonly complaintTimes?: readonly string[];
}

/** Facts about the campaign. */
export interface CampaignFacts {
  readonly id: string;
  readonly phase: CampaignPhase;
  /** Whole days until the current phase's deadline (negative when past). */
  readonly daysToPhaseDeadline: number;
}

/** An escalation already issued on this item (any target), from the escalation records. */
export interface IssuedEscalation {
  readonly measure: Measure;
  readonly target: TargetKind;
  readonly ruleId: string;
  readonly issuedAt: string;
}

/** Everything one evaluation reads. */
export interface RuleFacts {
  readonly item: ItemFacts;
  readonly unit: UnitFacts;
  readonly campaign: CampaignFacts;
  readonly history: readonly IssuedEscalation[];
}

/** Types a fact can have. `timestamps` is only usable through a windowed count. */
export type FactType =
  | { readonly kind: 'number' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'set' }
  | { readonly kind: 'timestamps' }
  | { readonly kind: 'enum'; readonly enum: EnumName };

/** Fact scopes as written in rules. */
export type FactScope = 'item' | 'unit' | 'campaign';

/** Mutable facts a given-block writes into. */
export type DraftFacts = {
  -readonly [K in keyof RuleFacts]: { -readonly [P in keyof RuleFacts[K]]: RuleFacts[K][P] };
};

/** One schema field. Numbers read as NaN when absent, so every comparison with them is false. */
export interface FieldSpec {
  readonly scope: FactScope;
  /** English name in rules (snake_case); the camelCase property is accepted too. */
  readonly en: string;
  readonly camel: string;
  readonly zh: string;
  readonly aliases?: readonly string[];
  readonly type: FactType;
  readonly doc: string;
  readonly read: (facts: RuleFacts) => unknown;
  /** Present for base facts that given-blocks may set; derived fields name their inputs instead. */
  readonly write?: (draft: DraftFacts, value: unknown) => void;
  readonly derivedFrom?: string;
  /** A windowed count over this timestamps field: `事项.投诉数(30 天)`. */
  readonly window?: { readonly times: (facts: RuleFacts) => readonly string[] };
}

const num = { kind: 'number' } as const;
const duration = { kind: 'duration' } as const;
const str = { kind: 'string' } as const;
const bool = { kind: 'boolean' } as const;
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Scope names (zh / en). */
export const SCOPES: Readonly<Record<string, FactScope>> = Object.freeze({
  事项: 'item',
  问题: 'item',
  item: 'item',
  单位: 'unit',
  unit: 'unit',
  行动: 'campaign',
  专项行动: 'campaign',
  campaign: 'campaign',
});

/** The fact table. Chinese and English names of a field are synonyms. */
export const FACT_FIELDS: readonly FieldSpec[] = Object.freeze([
  {
    scope: 'item',
    en: 'id',
    camel: 'id',
    zh: '编号',
    type: str,
    doc: 'item id',
    read: (f) => f.item.id,
    write: (d, v) => void (d.item.id = v as string),
  },
  {
    scope: 'item',
    en: 'state',
    camel: 'state',
    zh: '状态',
    type: { kind: 'enum', enum: 'itemState' },
    doc: 'item state',
    read: (f) => f.item.state,
    write: (d, v) => void (d.item.state = v as ItemState),
  },
  {
    scope: 'item',
    en: 'category',
    camel: 'category',
    zh: '类别',
    aliases: ['问题类别'],
    type: str,
    doc: 'problem category code',
    read: (f) => f.item.category,
    write: (d, v) => void (d.item.category = v as string),
  },
  {
    scope: 'item',
    en: 'checklist_item',
    camel: 'checklistItem',
    zh: '清单条目',
    aliases: ['检查清单条目'],
    type: num,
    doc: 'checklist item number (NaN if none)',
    read: (f) => f.item.checklistItem ?? NaN,
    write: (d, v) => void (d.item.checklistItem = v as number),
  },
  {
    scope: 'item',
    en: 'severity',
    camel: 'severity',
    zh: '严重程度',
    aliases: ['情节'],
    type: { kind: 'enum', enum: 'severity' },
    doc: 'severity grade',
    read: (f) => f.item.severity,
    write: (d, v) => void (d.item.severity = v as Severity),
  },
  {
    scope: 'item',
    en: 'tags',
    camel: 'tags',
    zh: '标签',
    type: { kind: 'set' },
    doc: 'tag codes',
    read: (f) => f.item.tags,
    write: (d, v) => void (d.item.tags = v as string[]),
  },
  {
    scope: 'item',
    en: 'days_overdue',
    camel: 'daysOverdue',
    zh: '超期天数',
    type: num,
    doc: 'days past the rectification deadline',
    read: (f) => f.item.daysOverdue,
    write: (d, v) => void (d.item.daysOverdue = v as number),
  },
  {
    scope: 'item',
    en: 'overdue',
    camel: 'overdue',
    zh: '超期',
    aliases: ['超期时长'],
    type: duration,
    doc: 'time past the rectification deadline',
    read: (f) => f.item.daysOverdue * DAY_MS,
    derivedFrom: '事项.超期天数',
  },
  {
    scope: 'item',
    en: 'days_in_state',
    camel: 'daysInState',
    zh: '停留天数',
    aliases: ['状态天数'],
    type: num,
    doc: 'days in the current state',
    read: (f) => f.item.daysInState,
    write: (d, v) => void (d.item.daysInState = v as number),
  },
  {
    scope: 'item',
    en: 'time_in_state',
    camel: 'timeInState',
    zh: '停留时长',
    type: duration,
    doc: 'time in the current state',
    read: (f) => f.item.daysInState * DAY_MS,
    derivedFrom: '事项.停留天数',
  },
  {
    scope: 'item',
    en: 'times_rejected',
    camel: 'rejectedCount',
    zh: '验收退回次数',
    aliases: ['退回次数'],
    type: num,
    doc: 'times rejected at acceptance',
    read: (f) => f.item.rejectedCount,
    write: (d, v) => void (d.item.rejectedCount = v as number),
  },
  {
    scope: 'item',
    en: 'complaint_times',
    camel: 'complaintTimes',
    zh: '投诉时间',
    type: { kind: 'timestamps' },
    doc: 'complaint instants',
    read: (f) => f.item.complaintTimes,
    write: (d, v) => void (d.item.complaintTimes = v as string[]),
  },
  {
    scope: 'item',
    en: 'complaints',
    camel: 'complaints',
    zh: '投诉数',
    type: num,
    doc: 'complaints in a window: 事项.投诉数(30 天)',
    read: (f) => f.item.complaintTimes.length,
    derivedFrom: '事项.投诉时间',
    window: { times: (f) => f.item.complaintTimes },
  },
  {
    scope: 'item',
    en: 'long_term',
    camel: 'longTerm',
    zh: '长期推进',
    type: bool,
    doc: 'carried into long-term rectification',
    read: (f) => f.item.longTerm,
    write: (d, v) => void (d.item.longTerm = v as boolean),
  },
  {
    scope: 'item',
    en: 'channel',
    camel: 'channel',
    zh: '线索来源',
    aliases: ['来源'],
    type: { kind: 'enum', enum: 'channel' },
    doc: 'clue channel',
    read: (f) => f.item.channel,
    write: (d, v) => void (d.item.channel = v as Channel),
  },
  {
    scope: 'item',
    en: 'responsible_person',
    camel: 'responsiblePerson',
    zh: '责任人',
    type: str,
    doc: 'responsible person id',
    read: (f) => f.item.responsiblePerson,
    write: (d, v) => void (d.item.responsiblePerson = v as string),
  },
  {
    scope: 'unit',
    en: 'id',
    camel: 'id',
    zh: '编号',
    type: str,
    doc: 'unit id',
    read: (f) => f.unit.id,
    write: (d, v) => void (d.unit.id = v as string),
  },
  {
    scope: 'unit',
    en: 'open',
    camel: 'openCount',
    zh: '在办数',
    aliases: ['未销号数'],
    type: num,
    doc: 'open items',
    read: (f) => f.unit.openCount,
    write: (d, v) => void (d.unit.openCount = v as number),
  },
  {
    scope: 'unit',
    en: 'overdue',
    camel: 'overdueCount',
    zh: '超期数',
    type: num,
    doc: 'overdue open items',
    read: (f) => f.unit.overdueCount,
    write: (d, v) => void (d.unit.overdueCount = v as number),
  },
  {
    scope: 'unit',
    en: 'rectified',
    camel: 'rectifiedCount',
    zh: '已整改数',
    aliases: ['销号数'],
    type: num,
    doc: 'closed items',
    read: (f) => f.unit.rectifiedCount,
    write: (d, v) => void (d.unit.rectifiedCount = v as number),
  },
  {
    scope: 'unit',
    en: 'overdue_ratio',
    camel: 'overdueRatio',
    zh: '超期率',
    type: num,
    doc: 'overdue / open (0 when none open)',
    read: (f) => ratio(f.unit.overdueCount, f.unit.openCount),
    derivedFrom: '单位.超期数 and 单位.在办数',
  },
  {
    scope: 'unit',
    en: 'rectified_ratio',
    camel: 'rectifiedRatio',
    zh: '整改率',
    aliases: ['销号率'],
    type: num,
    doc: 'rectified / (rectified + open)',
    read: (f) => ratio(f.unit.rectifiedCount, f.unit.rectifiedCount + f.unit.openCount),
    derivedFrom: '单位.已整改数 and 单位.在办数',
  },
  {
    scope: 'unit',
    en: 'missed_reports',
    camel: 'missedReports',
    zh: '漏报次数',
    aliases: ['漏报数'],
    type: num,
    doc: 'missed reports',
    read: (f) => f.unit.missedReports,
    write: (d, v) => void (d.unit.missedReports = v as number),
  },
  {
    scope: 'unit',
    en: 'complaint_times',
    camel: 'complaintTimes',
    zh: '投诉时间',
    type: { kind: 'timestamps' },
    doc: 'complaint instants over all the unit’s items',
    read: (f) => f.unit.complaintTimes ?? [],
    write: (d, v) => void (d.unit.complaintTimes = v as string[]),
  },
  {
    scope: 'unit',
    en: 'complaints',
    camel: 'complaints',
    zh: '投诉数',
    type: num,
    doc: 'complaints about all the unit’s items in a window: 单位.投诉数(30 天)',
    read: (f) => (f.unit.complaintTimes ?? []).length,
    derivedFrom: '单位.投诉时间',
    window: { times: (f) => f.unit.complaintTimes ?? [] },
  },
  {
    scope: 'campaign',
    en: 'id',
    camel: 'id',
    zh: '编号',
    type: str,
    doc: 'campaign id',
    read: (f) => f.campaign.id,
    write: (d, v) => void (d.campaign.id = v as string),
  },
  {
    scope: 'campaign',
    en: 'phase',
    camel: 'phase',
    zh: '阶段',
    type: { kind: 'enum', enum: 'campaignPhase' },
    doc: 'current phase',
    read: (f) => f.campaign.phase,
    write: (d, v) => void (d.campaign.phase = v as CampaignPhase),
  },
  {
    scope: 'campaign',
    en: 'days_to_phase_deadline',
    camel: 'daysToPhaseDeadline',
    zh: '距阶段截止天数',
    type: num,
    doc: 'days to the phase deadline',
    read: (f) => f.campaign.daysToPhaseDeadline,
    write: (d, v) => void (d.campaign.daysToPhaseDeadline = v as number),
  },
  {
    scope: 'campaign',
    en: 'time_to_phase_deadline',
    camel: 'timeToPhaseDeadline',
    zh: '距阶段截止',
    type: duration,
    doc: 'time to the phase deadline',
    read: (f) => f.campaign.daysToPhaseDeadline * DAY_MS,
    derivedFrom: '行动.距阶段截止天数',
  },
] satisfies FieldSpec[]);

const fieldIndex = new Map<string, FieldSpec>();
for (const field of FACT_FIELDS) {
  for (const name of [field.en, field.camel, field.zh, ...(field.aliases ?? [])]) {
    fieldIndex.set(`${field.scope}.${name}`, field);
  }
}

/** Looks a field up by scope and any of its names (a Map lookup: prototype names never match). */
export function fieldOf(scope: FactScope, name: string): FieldSpec | undefined {
  return fieldIndex.get(`${scope}.${name}`);
}

/** All names of the fields in a scope (for "did you mean" hints). */
export function fieldNames(scope: FactScope): string[] {
  return FACT_FIELDS.filter((f) => f.scope === scope).flatMap((f) => [f.zh, f.en, ...(f.aliases ?? [])]);
}

/** Resolves a scope word; a Map-like frozen record checked with hasOwnProperty. */
export function scopeOf(word: string): FactScope | undefined {
  return Object.prototype.hasOwnProperty.call(SCOPES, word) ? SCOPES[word] : undefined;
}

/** The facts an example starts from before its given-block applies. */
export function defaultFacts(): DraftFacts {
  return {
    item: {
      id: 'example-item',
      state: 'registered',
      category: '',
      checklistItem: null,
      severity: 'general',
      tags: [],
      daysOverdue: 0,
      daysInState: 0,
      rejectedCount: 0,
      complaintTimes: [],
      longTerm: false,
      channel: 'selfInspection',
      responsiblePerson: 'example-person',
    },
    unit: {
      id: 'example-unit',
      openCount: 0,
      overdueCount: 0,
      rectifiedCount: 0,
      missedReports: 0,
      complaintTimes: [],
    },
    campaign: { id: 'example-campaign', phase: 'rectify', daysToPhaseDeadline: 30 },
    history: [],
  };
}
