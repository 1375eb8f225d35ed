/**
 * Thin adapter over the project's label tables until the shared vocabulary (src/vocabulary/labels.ts,
 * issue 13) lands: the console reads every Chinese label through these functions and nowhere else.
 * Item states, phases, channels and measures come from the rules' pure tables (one source with the DSL).
 */
import { ENUMS } from '../../src/rules/fact-enums';
import { MEASURES } from '../../src/rules/vocabulary';

export type Lang = 'zh' | 'en';

function table(values: readonly { code: string; zh: string }[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v.code, v.zh]));
}

const itemStates = table(ENUMS.itemState.values);
const phases = { ...table(ENUMS.campaignPhase.values), finished: '已结束' };
const channels = table(ENUMS.channel.values);
const measures = table(MEASURES);

const events: Record<string, string> = {
  CREATED: '登记',
  REGISTER: '线索登记',
  ASSIGN_VERIFICATION: '交办核查',
  VERIFICATION_OVERDUE: '核查超期',
  CONFIRM: '查实',
  PROPOSE_DISMISSAL: '提请查否',
  APPROVE_DISMISSAL: '批准查否',
  WITHDRAW_DISMISSAL: '撤回查否',
  TRANSFER: '移送',
  START_RECTIFICATION: '开始整改',
  UPDATE_LEDGER: '更新台账',
  RECORD_PROGRESS: '记录整改进展',
  RECORD_ACCOUNTABILITY: '记录问责',
  MARK_LONG_TERM: '转入长期推进',
  EXTEND_DEADLINE: '延长整改时限',
  RECTIFICATION_OVERDUE: '整改超期',
  SUBMIT_FOR_ACCEPTANCE: '提请验收',
  ACCEPT: '验收销号',
  REJECT: '验收退回',
  START_LOOK_BACK: '开展回头看',
  PASS_LOOK_BACK: '回头看通过',
  REBOUND: '问题反弹',
  RESUME_RECTIFICATION: '恢复整改',
  ADD_TAG: '添加标记',
  RECORD_COMPLAINT: '记录投诉',
  SET_PHASE_DEADLINE: '设置阶段时限',
  SET_CATEGORIES: '设置问题类别',
  SET_CHECKLIST: '设置检查清单',
  ADD_OBLIGATION: '添加阶段任务',
  FULFIL_OBLIGATION: '完成阶段任务',
  ADVANCE_PHASE: '进入下一阶段',
  PHASE_DEADLINE_PASSED: '阶段时限届满',
  SET_REPORTING: '设置报送频次',
  REPORT_DUE: '报送到期',
  FINISH: '结束行动',
  ISSUE: '下发',
  ACKNOWLEDGE: '签收',
  RESPOND: '反馈',
  RECORD_FOLLOW_UP: '记录督办跟进',
  RECORD_OUTCOME: '记录处理结果',
  LIFT: '解除',
  STEP_UP: '升级',
  RESPONSE_OVERDUE: '反馈超期',
  CORRECT: '更正',
};

const escalationStates: Record<string, string> = {
  issued: '已下发',
  acknowledged: '已签收',
  responded: '已反馈',
  lifted: '已解除',
  steppedUp: '已升级',
};

const roles: Record<string, string> = { supervisor: '督导', officer: '执法人员', auditor: '审计监督' };

const targets: Record<string, string> = {
  item: '事项',
  responsible_person: '责任人',
  unit_leader: '单位负责人',
  unit: '单位',
};

function pick(map: Record<string, string>, code: string | null | undefined, lang: Lang): string {
  if (code === null || code === undefined || code === '') return '—';
  return lang === 'zh' ? (map[code] ?? code) : code;
}

export const stateLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick({ ...itemStates, ...escalationStates }, code, lang);
export const itemStateLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(itemStates, code, lang);
export const phaseLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(phases, code, lang);
export const channelLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(channels, code, lang);
export const measureLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(measures, code, lang);
export const eventLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(events, code, lang);
export const roleLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(roles, code, lang);
export const targetLabel = (code: string | null | undefined, lang: Lang = 'zh'): string =>
  pick(targets, code, lang);

export const ITEM_STATE_CODES: readonly string[] = ENUMS.itemState.values.map((v) => v.code);
export const CHANNEL_CODES: readonly string[] = ENUMS.channel.values.map((v) => v.code);
export const MEASURE_CODES: readonly string[] = MEASURES.map((m) => m.code);

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
