import type { StreamType } from '../../machines/registry';
import { ENUMS } from '../../rules/fact-enums';
import { MEASURES } from '../../rules/vocabulary';

/**
 * The Chinese (and English) labels the console endpoints attach to codes. One adapter: item states and
 * campaign phases come from the rules vocabulary (`ENUMS`), measures from `MEASURES`; the labels of
 * machine events and escalation states have no table elsewhere yet and live here until the shared
 * vocabulary module (issue 13, `src/vocabulary/labels.ts`) takes them over.
 */
export interface Label {
  zh: string;
  en: string;
}

const humanise = (code: string): string =>
  code
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

const fromEnum = (values: ReadonlyArray<{ code: string; zh: string }>): Record<string, string> =>
  Object.fromEntries(values.map((v) => [v.code, v.zh]));

const stateLabels: Record<StreamType, Record<string, string>> = {
  item: fromEnum(ENUMS.itemState.values),
  campaign: { ...fromEnum(ENUMS.campaignPhase.values), finished: '已结束' },
  escalation: {
    issued: '已下达',
    acknowledged: '已签收',
    responded: '已反馈',
    steppedUp: '已升级',
    lifted: '已解除',
  },
};

const eventLabels: Record<StreamType, Record<string, string>> = {
  item: {
    REGISTER: '线索登记',
    ASSIGN_VERIFICATION: '交办核查',
    CONFIRM: '查实',
    PROPOSE_DISMISSAL: '提请查否',
    APPROVE_DISMISSAL: '查否签批',
    WITHDRAW_DISMISSAL: '撤回查否',
    TRANSFER: '移送',
    START_RECTIFICATION: '启动整改',
    UPDATE_LEDGER: '更新台账',
    RECORD_PROGRESS: '记录整改进展',
    RECORD_ACCOUNTABILITY: '记录问责情况',
    MARK_LONG_TERM: '转入长期推进',
    EXTEND_DEADLINE: '延长整改时限',
    SUBMIT_FOR_ACCEPTANCE: '提请验收',
    ACCEPT: '验收销号',
    REJECT: '验收退回',
    START_LOOK_BACK: '开展回头看',
    PASS_LOOK_BACK: '回头看通过',
    REBOUND: '问题反弹',
    RESUME_RECTIFICATION: '恢复整改',
    ADD_TAG: '添加标记',
    RECORD_COMPLAINT: '记录投诉',
    VERIFICATION_OVERDUE: '核查超期',
    RECTIFICATION_OVERDUE: '整改超期',
  },
  campaign: {
    CREATE: '创建行动',
    SET_PHASE_DEADLINE: '设定阶段时限',
    SET_CATEGORIES: '设定问题类别',
    SET_CHECKLIST: '设定检查清单',
    ADD_OBLIGATION: '增加阶段任务',
    FULFIL_OBLIGATION: '完成阶段任务',
    PHASE_DEADLINE_PASSED: '阶段超期',
    SET_REPORTING: '设定报送频次',
    SUBMIT_REPORT: '报送进展',
    REPORT_DUE: '报送到期',
    ADVANCE_PHASE: '进入下一阶段',
    FINISH: '结束行动',
  },
  escalation: {
    ISSUE: '下达',
    ACKNOWLEDGE: '签收',
    RESPOND: '反馈',
    RECORD_FOLLOW_UP: '记录督办跟进',
    RECORD_OUTCOME: '记录处理结果',
    RESPONSE_OVERDUE: '反馈超期',
    LIFT: '解除',
    STEP_UP: '升级',
  },
};

/** A state's label (an unknown state shows its code). */
export function stateLabel(streamType: StreamType, state: string): Label {
  return { zh: stateLabels[streamType][state] ?? state, en: humanise(state) };
}

/** A machine event's label. */
export function eventLabel(streamType: StreamType, eventType: string): Label {
  return { zh: eventLabels[streamType][eventType] ?? eventType, en: humanise(eventType) };
}

/** An escalation measure's label. */
export function measureLabel(measure: string): Label {
  return { zh: MEASURES.find((m) => m.code === measure)?.zh ?? measure, en: humanise(measure) };
}

/** A campaign phase's label. */
export function phaseLabel(phase: string): Label {
  return stateLabel('campaign', phase);
}
