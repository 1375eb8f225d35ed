import { labelOf } from '../vocabulary/labels';

/**
 * What a person can be told, the placeholders each kind's template may use, and the default Chinese
 * templates a supervisor can replace (`notification_templates`; see templates.ts).
 */
export const NotificationKind = {
  escalationIssued: 'escalation_issued',
  itemAssigned: 'item_assigned',
  deadlineApproaching: 'deadline_approaching',
  deadlinePassed: 'deadline_passed',
  acceptanceRejected: 'acceptance_rejected',
  dismissalAwaitingApproval: 'dismissal_awaiting_approval',
  correctionAwaitingApproval: 'correction_awaiting_approval',
  dailyDigest: 'daily_digest',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];
export const NOTIFICATION_KINDS = Object.values(NotificationKind) as readonly NotificationKind[];

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** A kind's template: `{{placeholder}}` marks are replaced by the notification's variables. */
export interface Template {
  subject: string;
  body: string;
}

interface KindSpec {
  /** 中文名 shown in the console and CLI. */
  label: string;
  /** The placeholders its templates may use, with what each holds. */
  variables: Record<string, string>;
  defaults: Template;
}

const itemVariables = {
  itemId: '事项编号',
  itemTitle: '事项（问题表现或线索内容的前 24 个字）',
  description: '线索内容',
  unitName: '责任单位',
  stateLabel: '事项状态',
};

/** Every kind: label, placeholders and default template. */
export const KIND_SPECS: Readonly<Record<NotificationKind, KindSpec>> = Object.freeze({
  escalation_issued: {
    label: labelOf('notificationKind', 'escalation_issued'),
    variables: {
      escalationId: '处置编号',
      measureLabel: '处置措施',
      targetLabel: '处置对象',
      unitName: '责任单位',
      itemId: '事项编号',
      ruleTitle: '规则名称',
      reason: '理由',
      respondBy: '回复期限',
    },
    defaults: {
      subject: '【{{measureLabel}}】{{unitName}}：{{ruleTitle}}',
      body:
        '{{unitName}}：\n根据规则“{{ruleTitle}}”，对{{targetLabel}}采取“{{measureLabel}}”措施（编号 {{escalationId}}，' +
        '涉及事项 {{itemId}}）。\n理由：{{reason}}\n请于 {{respondBy}} 前回复。',
    },
  },
  item_assigned: {
    label: labelOf('notificationKind', 'item_assigned'),
    variables: { ...itemVariables, task: '交办任务', deadline: '办理期限' },
    defaults: {
      subject: '【交办】{{task}}：{{itemTitle}}',
      body: '您有一项新的{{task}}任务。\n事项：{{itemId}}（{{unitName}}）\n内容：{{description}}\n期限：{{deadline}}',
    },
  },
  deadline_approaching: {
    label: labelOf('notificationKind', 'deadline_approaching'),
    variables: { ...itemVariables, deadline: '期限', daysLeft: '剩余天数' },
    defaults: {
      subject: '【临期提醒】{{itemTitle}} 还有 {{daysLeft}} 天到期',
      body: '事项 {{itemId}}（{{stateLabel}}，{{unitName}}）将于 {{deadline}} 到期，还有 {{daysLeft}} 天。\n内容：{{description}}',
    },
  },
  deadline_passed: {
    label: labelOf('notificationKind', 'deadline_passed'),
    variables: { ...itemVariables, deadline: '期限', what: '逾期事项' },
    defaults: {
      subject: '【逾期】{{what}}：{{itemTitle}}',
      body: '{{what}}已超过期限 {{deadline}}。\n事项：{{itemId}}（{{unitName}}）\n内容：{{description}}',
    },
  },
  acceptance_rejected: {
    label: labelOf('notificationKind', 'acceptance_rejected'),
    variables: { ...itemVariables, reason: '退回理由', deadline: '整改期限' },
    defaults: {
      subject: '【验收退回】{{itemTitle}}',
      body: '事项 {{itemId}}（{{unitName}}）的整改未通过验收，已退回继续整改。\n理由：{{reason}}\n整改期限：{{deadline}}',
    },
  },
  dismissal_awaiting_approval: {
    label: labelOf('notificationKind', 'dismissal_awaiting_approval'),
    variables: { ...itemVariables, reason: '了结理由', handlerName: '经办人' },
    defaults: {
      subject: '【待签批】线索了结：{{itemTitle}}',
      body: '{{handlerName}} 提请了结线索 {{itemId}}（{{unitName}}），请单位主要负责人签批。\n理由：{{reason}}',
    },
  },
  correction_awaiting_approval: {
    label: labelOf('notificationKind', 'correction_awaiting_approval'),
    variables: { streamId: '记录编号', eventType: '更正类型', reason: '更正理由', requestedBy: '提请人' },
    defaults: {
      subject: '【待审批】记录更正：{{streamId}}',
      body: '{{requestedBy}} 提请更正记录 {{streamId}}（{{eventType}}），请审批。\n理由：{{reason}}',
    },
  },
  daily_digest: {
    label: labelOf('notificationKind', 'daily_digest'),
    variables: { day: '日期', dueSoonCount: '临期数', overdueCount: '逾期数', list: '清单' },
    defaults: {
      subject: '【每日汇总】{{day}}：临期 {{dueSoonCount}} 项，逾期 {{overdueCount}} 项',
      body: '{{day}} 您负责的事项：临期 {{dueSoonCount}} 项，逾期 {{overdueCount}} 项。\n{{list}}',
    },
  },
});
