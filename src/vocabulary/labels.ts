/**
 * The one vocabulary of zhengzhi: every code a person reads (states, events, measures, targets, categories,
 * channels, roles, phases, campaign kinds) with its Chinese and English label and the other spellings
 * people write for it. Ledgers, bulletins, rules, the API and the console all read their labels here.
 *
 * Pure data and a few lookups, with no imports: the browser console bundles this file directly, and the
 * pure core (machines, rules) may import it.
 *
 * Chinese labels follow the seeds' own wording (查实, 查否 … 签字背书, 问题反弹, 销号); spellings used before
 * this table existed stay accepted as aliases where a seed rule file writes them (已查实, 待审批查否, 已查否, 已重启).
 */

/** A display language. */
export type Lang = 'zh' | 'en';

/** One code's labels and the other spellings it is recognised by (never produced, only read). */
export interface Term {
  readonly zh: string;
  readonly en: string;
  readonly aliases?: readonly string[];
}

/** A table of terms keyed by code. Key order is meaningful (measures light → heavy, states in life order). */
export type Terms = Readonly<Record<string, Term>>;

/** Problem-item states (DOMAIN.md "A problem item and its life"). */
const itemState = {
  registered: { zh: '已登记', en: 'registered', aliases: ['登记'] },
  verifying: { zh: '核查中', en: 'verifying' },
  dismissalPending: {
    zh: '查否待签批',
    en: 'dismissal awaiting sign-off',
    aliases: ['待审批查否', 'dismissal_pending'],
  },
  confirmed: { zh: '查实', en: 'confirmed', aliases: ['已查实'] },
  dismissed: { zh: '查否', en: 'dismissed', aliases: ['已查否'] },
  transferred: { zh: '已移送', en: 'transferred', aliases: ['移送'] },
  rectifying: { zh: '整改中', en: 'rectifying' },
  awaitingAcceptance: { zh: '待验收', en: 'awaiting acceptance', aliases: ['awaiting_acceptance'] },
  closed: { zh: '已销号', en: 'closed', aliases: ['销号'] },
  lookBack: { zh: '回头看', en: 'look-back', aliases: ['look_back'] },
  reopened: { zh: '反弹重启', en: 'reopened', aliases: ['已重启', '重启', '反弹'] },
} as const satisfies Terms;

/** Campaign states: its five phases and the end (DOMAIN.md "A campaign and its phases"). */
const phase = {
  mobilize: { zh: '动员部署', en: 'mobilise' },
  identify: { zh: '查摆问题', en: 'identify', aliases: ['自查自纠'] },
  rectify: { zh: '集中整治', en: 'rectify', aliases: ['查纠整改', '深入整改'] },
  summarize: { zh: '总结', en: 'summarise', aliases: ['总结报告', '总结提升'] },
  consolidate: { zh: '巩固提升', en: 'consolidate' },
} as const satisfies Terms;

const campaignState = {
  ...phase,
  standing: { zh: '长效机制运行中', en: 'standing' },
  finished: { zh: '已结束', en: 'finished' },
} as const satisfies Terms;

/** Escalation states. */
const escalationState = {
  issued: { zh: '已下达', en: 'issued' },
  acknowledged: { zh: '已签收', en: 'acknowledged' },
  responded: { zh: '已反馈', en: 'responded' },
  lifted: { zh: '已解除', en: 'lifted' },
  steppedUp: { zh: '已升级', en: 'stepped up' },
  voided: { zh: '已作废', en: 'voided' },
} as const satisfies Terms;

/** Event types of all three streams (item, campaign, escalation). */
const eventType = {
  REGISTER: { zh: '登记线索', en: 'register clue' },
  ASSIGN_VERIFICATION: { zh: '交办核查', en: 'assign verification' },
  VERIFICATION_OVERDUE: { zh: '核查超期', en: 'verification overdue' },
  CONFIRM: { zh: '查实', en: 'confirm' },
  PROPOSE_DISMISSAL: { zh: '拟查否', en: 'propose dismissal' },
  APPROVE_DISMISSAL: { zh: '主要领导签批查否', en: 'approve dismissal' },
  WITHDRAW_DISMISSAL: { zh: '撤回查否', en: 'withdraw dismissal' },
  TRANSFER: { zh: '移送', en: 'transfer' },
  START_RECTIFICATION: { zh: '启动整改', en: 'start rectification' },
  UPDATE_LEDGER: { zh: '修改台账', en: 'update ledger' },
  RECORD_PROGRESS: { zh: '登记整改进度', en: 'record progress' },
  RECORD_ACCOUNTABILITY: { zh: '登记问责情况', en: 'record accountability' },
  MARK_LONG_TERM: { zh: '转为长期推进', en: 'mark long-term' },
  EXTEND_DEADLINE: { zh: '延长整改时限', en: 'extend deadline' },
  CHANGE_DEADLINE: { zh: '调整整改时限', en: 'change deadline' },
  RECTIFICATION_OVERDUE: { zh: '整改超期', en: 'rectification overdue' },
  SUBMIT_FOR_ACCEPTANCE: { zh: '提请验收', en: 'submit for acceptance' },
  ACCEPT: { zh: '验收销号', en: 'accept' },
  REJECT: { zh: '验收退回', en: 'reject' },
  START_LOOK_BACK: { zh: '开展回头看', en: 'start look-back' },
  PASS_LOOK_BACK: { zh: '回头看通过', en: 'pass look-back' },
  REBOUND: { zh: '问题反弹', en: 'rebound' },
  RESUME_RECTIFICATION: { zh: '重新整改', en: 'resume rectification' },
  ADD_TAG: { zh: '添加标记', en: 'add tag' },
  RECORD_COMPLAINT: { zh: '登记投诉', en: 'record complaint' },
  RECORD_SUPPRESSION: { zh: '容错免责记录', en: 'record suppression' },
  REQUEST_CORRECTION: { zh: '申请更正', en: 'request correction' },
  APPROVE_CORRECTION: { zh: '批准更正', en: 'approve correction' },
  REFUSE_CORRECTION: { zh: '驳回更正', en: 'refuse correction' },
  MIGRATED: { zh: '迁移流程版本', en: 'migrated to a new machine version' },
  CREATE: { zh: '创建专项行动', en: 'create campaign' },
  SET_PHASE_DEADLINE: { zh: '设置阶段时限', en: 'set phase deadline' },
  SET_CATEGORIES: { zh: '设置问题类别', en: 'set categories' },
  SET_CHECKLIST: { zh: '设置检查清单', en: 'set checklist' },
  ADD_OBLIGATION: { zh: '添加阶段任务', en: 'add obligation' },
  FULFIL_OBLIGATION: { zh: '完成阶段任务', en: 'fulfil obligation' },
  ADVANCE_PHASE: { zh: '进入下一阶段', en: 'advance phase' },
  PHASE_DEADLINE_PASSED: { zh: '阶段时限已过', en: 'phase deadline passed' },
  FINISH: { zh: '结束专项行动', en: 'finish campaign' },
  SET_REPORTING: { zh: '设置报送要求', en: 'set reporting' },
  SUBMIT_REPORT: { zh: '报送', en: 'submit report' },
  REPORT_DUE: { zh: '报送时点已到', en: 'report due' },
  START_LOOK_BACK_ROUND: { zh: '开展一轮回头看', en: 'start look-back round' },
  ISSUE: { zh: '下达', en: 'issue' },
  ACKNOWLEDGE: { zh: '签收', en: 'acknowledge' },
  RESPOND: { zh: '反馈', en: 'respond' },
  RECORD_FOLLOW_UP: { zh: '登记督办跟进', en: 'record follow-up' },
  RECORD_OUTCOME: { zh: '登记处理结果', en: 'record outcome' },
  RESPONSE_OVERDUE: { zh: '反馈超期', en: 'response overdue' },
  LIFT: { zh: '解除', en: 'lift' },
  STEP_UP: { zh: '升级', en: 'step up' },
  RECORD_OCCURRENCE: { zh: '记录同类情形', en: 'record occurrence' },
  FLAG_FOR_REVIEW: { zh: '提请复核', en: 'flag for review' },
  KEEP_AFTER_REVIEW: { zh: '复核后维持', en: 'keep after review' },
  VOID: { zh: '作废', en: 'void' },
} as const satisfies Terms;

/** Escalation measures, light → heavy (DOMAIN.md "Escalation measures"). */
const measure = {
  remind: { zh: '提醒', en: 'reminder', aliases: ['reminder'] },
  inquiry_letter: { zh: '函询', en: 'letter of inquiry', aliases: ['inquiry'] },
  admonish: { zh: '约谈', en: 'admonishment talk', aliases: ['admonishment'] },
  circulate_criticism: { zh: '通报批评', en: 'circulated criticism', aliases: ['通报'] },
  rectification_notice: {
    zh: '整改建议书',
    en: 'rectification notice',
    aliases: ['下发整改建议书', '限期整改'],
  },
  listed_supervision: { zh: '挂牌督办', en: 'listed supervision', aliases: ['督办'] },
  refer_to_discipline: {
    zh: '移交纪检监察',
    en: 'referral to discipline inspection',
    aliases: ['移交纪检监察机关', 'referral'],
  },
  hold_accountable: { zh: '追责问责', en: 'accountability', aliases: ['问责', 'accountability'] },
} as const satisfies Terms;

/** Who an escalation is addressed to. */
const target = {
  item: { zh: '事项', en: 'item', aliases: ['问题'] },
  responsible_person: { zh: '责任人', en: 'responsible person', aliases: ['person'] },
  unit_leader: { zh: '单位负责人', en: 'unit leader', aliases: ['单位领导', 'leader'] },
  unit: { zh: '单位', en: 'unit', aliases: ['责任单位'] },
} as const satisfies Terms;

/**
 * Clue channels (线索来源, 江源 三(二)1). One code in the API, the machines and the rules. The spellings
 * `hotline_12328` … the rules language used before are not accepted: no seed rule file writes them.
 */
const channel = {
  hotline12328: { zh: '12328热线', en: '12328 hotline', aliases: ['12328', '12328交通运输服务监督热线'] },
  hotline12345: { zh: '12345热线', en: '12345 hotline', aliases: ['12345', '12345政务服务热线'] },
  petition: { zh: '信访', en: 'petition', aliases: ['信访投诉'] },
  media: { zh: '新闻媒体', en: 'news media', aliases: ['媒体'] },
  email: { zh: '电子邮箱', en: 'e-mail', aliases: ['邮箱'] },
  website: { zh: '网站留言', en: 'website message' },
  reconsiderationOrLitigation: {
    zh: '行政复议和诉讼',
    en: 'reconsideration or litigation',
    aliases: ['复议诉讼', '行政复议', '诉讼'],
  },
  inspection: { zh: '明查暗访', en: 'inspection', aliases: ['暗访'] },
  caseFileReview: { zh: '案卷评查', en: 'case-file review' },
  selfInspection: { zh: '自查自纠', en: 'self-inspection', aliases: ['自查'] },
  meeting: { zh: '座谈会', en: 'meeting' },
  other: { zh: '其他', en: 'other' },
} as const satisfies Terms;

/** Severity grades (乳山 4: 按照性质情节轻重进行分级预警). */
const severity = {
  minor: { zh: '轻微', en: 'minor' },
  general: { zh: '一般', en: 'general' },
  serious: { zh: '严重', en: 'serious' },
} as const satisfies Terms;

/** Roles of the API's users. */
const role = {
  supervisor: { zh: '督导人员', en: 'supervisor', aliases: ['督导'] },
  officer: { zh: '执法人员', en: 'officer', aliases: ['承办人员'] },
  auditor: { zh: '审计人员', en: 'auditor', aliases: ['审计'] },
} as const satisfies Terms;

/**
 * Problem categories the seed campaigns use (2023: Xining, Jiangyuan; 2021: Zhanjiang). A campaign may
 * define its own: these are labels for the known codes, not a closed list.
 */
const category = {
  profit_driven: { zh: '逐利执法', en: 'profit-driven enforcement' },
  non_standard: { zh: '执法不规范', en: 'non-standard enforcement' },
  rigid: { zh: '执法方式简单僵化', en: 'rigid enforcement' },
  rough: { zh: '执法粗暴', en: 'rough enforcement' },
  rent_seeking: { zh: '执法"寻租"', en: 'rent-seeking', aliases: ['执法“寻租”', '执法寻租'] },
  regulatory_docs: { zh: '制度文件管理', en: 'regulatory documents' },
  weak_purpose: { zh: '宗旨不牢', en: 'weak sense of purpose' },
  poor_style: { zh: '作风不优', en: 'poor work style' },
  low_competence: { zh: '本领不强', en: 'low competence' },
  weak_responsibility: { zh: '担当不力', en: 'weak responsibility' },
  not_clean: { zh: '执法不廉', en: 'unclean enforcement' },
} as const satisfies Terms;

/** Campaign kinds: the templates a campaign starts from, and the stream kinds. */
const campaignKind = {
  'xining-2023': { zh: '西宁市2023年专项整治', en: 'Xining 2023 campaign' },
  'jiangyuan-2023': { zh: '江源区2023年专项整治', en: 'Jiangyuan 2023 campaign' },
  'zhanjiang-2021': { zh: '湛江市2021年专项整治', en: 'Zhanjiang 2021 campaign' },
  'rushan-long-term': { zh: '乳山市长效机制', en: 'Rushan long-term mechanism' },
} as const satisfies Terms;

/** The kinds of stream the event store holds. */
const streamKind = {
  item: { zh: '问题事项', en: 'problem item' },
  campaign: { zh: '专项行动', en: 'campaign' },
  escalation: { zh: '升级措施', en: 'escalation' },
} as const satisfies Terms;

/** Known item tags. Tags are open (campaigns add their own); known ones are normalised to their code. */
const tag = {
  abuse_of_power: { zh: '以权谋私', en: 'abuse of power' },
  power_for_money: { zh: '权钱交易', en: 'power for money' },
  dereliction_of_duty: { zh: '失职渎职', en: 'dereliction of duty' },
  perverting_justice: { zh: '徇私枉法', en: 'perverting justice' },
  taking_from_parties: { zh: '吃拿卡要', en: 'taking from parties' },
  negative_public_opinion: { zh: '负面舆情', en: 'negative public opinion' },
  strong_public_reaction: { zh: '群众反映强烈', en: 'strong public reaction' },
  frequent_complaints: { zh: '高频投诉', en: 'frequent complaints' },
  first_minor: { zh: '首次轻微', en: 'first minor violation' },
  exemption_list: { zh: '免罚清单', en: 'exemption list' },
  faked_rectification: { zh: '弄虚作假', en: 'faked rectification' },
  refused_rectification: { zh: '拒不整改', en: 'refused rectification' },
  lying_flat: { zh: '躺平', en: 'lying flat' },
} as const satisfies Terms;

/** What a person can be told (src/notifications/kinds.ts), as the inbox and the CLI name it. */
const notificationKind = {
  escalation_issued: { zh: '处置措施下达', en: 'escalation issued' },
  item_assigned: { zh: '事项交办', en: 'item assigned' },
  deadline_approaching: { zh: '期限临近', en: 'deadline approaching' },
  deadline_passed: { zh: '期限已过', en: 'deadline passed' },
  acceptance_rejected: { zh: '验收未通过', en: 'acceptance rejected' },
  dismissal_awaiting_approval: { zh: '了结待签批', en: 'dismissal awaiting approval' },
  correction_awaiting_approval: { zh: '更正待审批', en: 'correction awaiting approval' },
  daily_digest: { zh: '每日汇总', en: 'daily digest' },
} as const satisfies Terms;

/** Field names of clues, ledgers and command payloads, as a person reads them beside the values (console). */
const field = {
  itemId: { zh: '事项编号', en: 'item' },
  campaignId: { zh: '专项行动', en: 'campaign' },
  reportedUnitId: { zh: '被反映单位', en: 'unit reported' },
  source: { zh: '线索来源', en: 'source' },
  channel: { zh: '反映渠道', en: 'channel' },
  description: { zh: '问题描述', en: 'description' },
  receivedAt: { zh: '收到时间', en: 'received' },
  reporter: { zh: '反映人', en: 'reporter' },
  ledgerNumber: { zh: '台账序号', en: 'ledger number' },
  unitId: { zh: '单位', en: 'unit' },
  officerId: { zh: '承办人', en: 'officer' },
  handlerId: { zh: '经办人', en: 'handler' },
  principalId: { zh: '主要负责人', en: 'principal' },
  deadline: { zh: '时限', en: 'deadline' },
  category: { zh: '问题类别', en: 'category' },
  checklistItem: { zh: '清单条目', en: 'checklist item' },
  severity: { zh: '严重程度', en: 'severity' },
  findings: { zh: '核查情况', en: 'findings' },
  reason: { zh: '理由', en: 'reason' },
  note: { zh: '说明', en: 'note' },
  manifestation: { zh: '具体表现', en: 'manifestation' },
  measures: { zh: '整改措施', en: 'measures' },
  responsibleUnitId: { zh: '责任单位', en: 'responsible unit' },
  responsiblePerson: { zh: '责任人', en: 'responsible person' },
  coUnitIds: { zh: '协办单位', en: 'co-operating units' },
  progress: { zh: '整改进度', en: 'progress' },
  accountability: { zh: '问责情况', en: 'accountability' },
  longTermMeasures: { zh: '长效机制', en: 'long-term measures' },
  result: { zh: '整改结果', en: 'result' },
  currentResult: { zh: '当前成效', en: 'current result' },
  evidence: { zh: '佐证材料', en: 'evidence' },
  tag: { zh: '标签', en: 'tag' },
  outcome: { zh: '结果', en: 'outcome' },
  response: { zh: '回复', en: 'response' },
  measure: { zh: '措施', en: 'measure' },
  targetState: { zh: '目标状态', en: 'target state' },
  corrects: { zh: '更正事件', en: 'corrects event' },
  fields: { zh: '更正内容', en: 'corrected fields' },
  voidEscalations: { zh: '撤销的处置', en: 'escalations voided' },
  remark: { zh: '备注', en: 'remark' },
  title: { zh: '标题', en: 'title' },
  overdue: { zh: '是否逾期', en: 'overdue' },
} as const satisfies Terms;

/** Every table, by name. */
export const VOCABULARY = Object.freeze({
  itemState,
  campaignState,
  escalationState,
  phase,
  eventType,
  measure,
  target,
  channel,
  severity,
  role,
  category,
  campaignKind,
  streamKind,
  tag,
  notificationKind,
  field,
});

/** The name of a vocabulary table. */
export type VocabularyName = keyof typeof VOCABULARY;
/** The codes of one table. */
export type CodeOf<N extends VocabularyName> = keyof (typeof VOCABULARY)[N] & string;

/** The codes of a table, in its order. */
export function codesOf<N extends VocabularyName>(name: N): CodeOf<N>[] {
  return Object.keys(VOCABULARY[name]) as CodeOf<N>[];
}

/** The term for a code, if the table has it. */
export function termOf(name: VocabularyName, code: string): Term | undefined {
  const table: Terms = VOCABULARY[name];
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}

/** The label of a code in a language; an unknown code is its own label (campaign-defined categories, tags). */
export function labelOf(name: VocabularyName, code: string, lang: Lang = 'zh'): string {
  return termOf(name, code)?.[lang] ?? code;
}

/** The code a word spells (code, either label or an alias; English case-insensitive), if any. */
export function codeFor(name: VocabularyName, word: string): string | undefined {
  const lower = word.trim().toLowerCase();
  for (const [code, term] of Object.entries(VOCABULARY[name] as Terms)) {
    if (code.toLowerCase() === lower || term.zh === word.trim() || term.en.toLowerCase() === lower)
      return code;
    if (term.aliases?.some((a) => a.toLowerCase() === lower)) return code;
  }
  return undefined;
}

/** Every spelling of a table's codes (for "did you mean" hints). */
export function spellingsOf(name: VocabularyName): string[] {
  return Object.entries(VOCABULARY[name] as Terms).flatMap(([code, t]) => [code, t.zh, ...(t.aliases ?? [])]);
}

/** The language a request or a shell asks for: `zh…` (zh-CN, zh_CN.UTF-8) is Chinese, anything else English. */
export function langOf(preference: string | undefined | null): Lang {
  if (!preference) return 'en';
  // Accept-Language lists preferences in order (q-values aside): the first that is zh or en decides.
  for (const part of preference.split(',')) {
    const tagText = part.split(';')[0]!.trim().toLowerCase();
    if (tagText.startsWith('zh')) return 'zh';
    if (tagText.startsWith('en')) return 'en';
  }
  return 'en';
}
