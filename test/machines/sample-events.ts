/** One valid example of every item event, with payloads that satisfy the guards from the registration below. */
export const itemInput = {
  itemId: 'item-1',
  campaignId: 'campaign-1',
  reportedUnitId: 'unit-county',
  source: 'hotline12328' as const,
  description: '随意拦车',
  receivedAt: '2023-04-09T00:00:00.000Z',
  at: '2023-04-10T00:00:00.000Z',
};

const at = '2023-06-01T00:00:00.000Z';

export const validItemEvents = [
  {
    type: 'ASSIGN_VERIFICATION',
    at,
    unitId: 'unit-county',
    officerId: 'officer-1',
    deadline: '2023-06-10T00:00:00.000Z',
  },
  { type: 'VERIFICATION_OVERDUE', at: '2023-06-11T00:00:00.000Z', deadline: '2023-06-10T00:00:00.000Z' },
  { type: 'CONFIRM', at, category: 'rough', severity: 'general', findings: '查实', checklistItem: 3 },
  { type: 'PROPOSE_DISMISSAL', at, reason: '经核查不属实', handlerId: 'officer-1' },
  { type: 'APPROVE_DISMISSAL', at, principalId: 'leader-1', principalOfUnitId: 'unit-county' },
  { type: 'WITHDRAW_DISMISSAL', at, reason: '需补充核查' },
  { type: 'TRANSFER', at, to: '公安机关', reason: '不属本部门职责' },
  {
    type: 'START_RECTIFICATION',
    at,
    manifestation: '随意拦车',
    measures: '培训',
    responsibleUnitId: 'unit-county',
    responsiblePerson: '张三',
    deadline: '2023-08-01T00:00:00.000Z',
  },
  { type: 'UPDATE_LEDGER', at, measures: '培训并建立制度' },
  { type: 'RECORD_PROGRESS', at, note: '已培训' },
  { type: 'RECORD_ACCOUNTABILITY', at, accountability: '诫勉谈话 1 人' },
  { type: 'MARK_LONG_TERM', at, currentResult: '阶段成果', longTermMeasures: '长效机制' },
  { type: 'EXTEND_DEADLINE', at, deadline: '2023-09-01T00:00:00.000Z', reason: '涉及多部门' },
  { type: 'RECTIFICATION_OVERDUE', at: '2023-08-02T00:00:00.000Z', deadline: '2023-08-01T00:00:00.000Z' },
  { type: 'SUBMIT_FOR_ACCEPTANCE', at, result: '已完成', evidence: ['材料.pdf'] },
  { type: 'ACCEPT', at },
  { type: 'REJECT', at, reason: '证据不足' },
  { type: 'START_LOOK_BACK', at },
  { type: 'PASS_LOOK_BACK', at, note: '未反弹' },
  { type: 'REBOUND', at, note: '问题反弹' },
  { type: 'RESUME_RECTIFICATION', at, deadline: '2023-12-01T00:00:00.000Z' },
  { type: 'ADD_TAG', at, tag: '负面舆情' },
  { type: 'RECORD_COMPLAINT', at, receivedAt: '2023-05-30T00:00:00.000Z' },
  {
    type: 'RECORD_SUPPRESSION',
    at,
    ruleId: 'tolerate',
    ruleSetId: 'rules',
    ruleSetVersion: 1,
    target: 'all',
    reason: '容错免责',
    suppressed: [],
    flagged: [],
    provenance: null,
  },
];

export const campaignInputForMachine = {
  campaignId: 'campaign-1',
  name: '专项整治',
  unitId: 'unit-city',
  categories: [{ code: 'rough', label: '执法粗暴' }],
  deadlines: { mobilize: '2023-04-20T00:00:00.000Z', identify: '2023-05-10T00:00:00.000Z' },
  obligations: [{ code: 'work_plan', label: '制定工作方案', phase: 'mobilize' as const }],
  at: '2023-04-01T00:00:00.000Z',
};

export const validCampaignEvents = [
  {
    type: 'SET_PHASE_DEADLINE',
    at: '2023-04-02T00:00:00.000Z',
    phase: 'rectify',
    deadline: '2023-09-30T00:00:00.000Z',
  },
  {
    type: 'SET_CATEGORIES',
    at: '2023-04-02T00:00:00.000Z',
    categories: [
      { code: 'rough', label: '执法粗暴' },
      { code: 'rigid', label: '简单僵化' },
    ],
  },
  {
    type: 'SET_CHECKLIST',
    at: '2023-04-02T00:00:00.000Z',
    checklist: [{ number: 1, area: '一', heading: '(一)', text: '下达罚没指标' }],
  },
  { type: 'FULFIL_OBLIGATION', at: '2023-04-03T00:00:00.000Z', code: 'work_plan' },
  { type: 'ADVANCE_PHASE', at: '2023-04-04T00:00:00.000Z', unresolvedItems: 0 },
  { type: 'FINISH', at: '2024-01-01T00:00:00.000Z', openLongTermItems: 0 },
  {
    type: 'SET_REPORTING',
    at: '2023-04-02T00:00:00.000Z',
    cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
    unitIds: ['unit-city'],
  },
];
