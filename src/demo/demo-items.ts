import type { ClueSource } from '../machines/item-types';

/** Where a demo item ends up; the loader drives it there through the engine, event by event. */
export type DemoFate =
  | 'registered'
  | 'verifying'
  | 'dismissalPending'
  | 'dismissed'
  | 'transferred'
  | 'confirmed'
  | 'rectifying'
  | 'overdue'
  | 'rejectedTwice'
  | 'faked'
  | 'awaitingAcceptance'
  | 'closed'
  | 'lookBack';

export interface DemoItem {
  unit: 'xn-hz' | 'xn-dt' | 'xn-hy' | 'xn-hz-det' | 'xn-dt-det' | 'xn-hy-det';
  source: ClueSource;
  description: string;
  category: string;
  checklistItem: number;
  fate: DemoFate;
  /**
   * The category the officer confirmed by mistake: the demo then corrects it (更正: REQUEST_CORRECTION by the
   * officer, APPROVE_CORRECTION by the unit's principal) to `category` before rectification starts.
   */
  misfiledAs?: string;
}

/** A few dozen clues of the Xining campaign, spread over the three counties and every state. */
export const demoItems: DemoItem[] = [
  {
    unit: 'xn-hz',
    source: 'hotline12328',
    description: '路政人员在收费站前随意拦截货车检查',
    category: 'non_standard',
    checklistItem: 9,
    fate: 'closed',
  },
  {
    unit: 'xn-hz-det',
    source: 'petition',
    description: '暂扣车辆停放社会停车场，当事人被收取高额停车费',
    category: 'non_standard',
    checklistItem: 10,
    fate: 'rejectedTwice',
  },
  {
    unit: 'xn-hz',
    source: 'media',
    description: '对私家车同乘行为一律认定为非法营运',
    category: 'rigid',
    checklistItem: 15,
    fate: 'rectifying',
    misfiledAs: 'non_standard',
  },
  {
    unit: 'xn-hz-det',
    source: 'hotline12345',
    description: '执法人员态度生硬，辱骂当事人',
    category: 'rough',
    checklistItem: 21,
    fate: 'overdue',
  },
  {
    unit: 'xn-hz',
    source: 'selfInspection',
    description: '轻微违法免罚清单公布后仍对轻微违法处罚',
    category: 'profit_driven',
    checklistItem: 4,
    fate: 'awaitingAcceptance',
  },
  {
    unit: 'xn-hz',
    source: 'website',
    description: '未亮证执法',
    category: 'rough',
    checklistItem: 23,
    fate: 'dismissed',
  },
  {
    unit: 'xn-hz-det',
    source: 'inspection',
    description: '超载货车只罚款不卸载即放行',
    category: 'rough',
    checklistItem: 26,
    fate: 'faked',
  },
  {
    unit: 'xn-hz',
    source: 'caseFileReview',
    description: '同类违法行为处罚金额相差较大',
    category: 'non_standard',
    checklistItem: 7,
    fate: 'closed',
  },
  {
    unit: 'xn-hz',
    source: 'email',
    description: '执法人员向车主索要财物后放行',
    category: 'rent_seeking',
    checklistItem: 31,
    fate: 'transferred',
  },
  {
    unit: 'xn-hz',
    source: 'meeting',
    description: '内部制度文件与上位法不一致',
    category: 'regulatory_docs',
    checklistItem: 36,
    fate: 'lookBack',
  },
  {
    unit: 'xn-hz',
    source: 'hotline12328',
    description: '节假日期间处罚力度明显加大',
    category: 'rigid',
    checklistItem: 17,
    fate: 'verifying',
  },
  {
    unit: 'xn-hz-det',
    source: 'hotline12345',
    description: '辅助人员单独上路执法',
    category: 'rent_seeking',
    checklistItem: 34,
    fate: 'dismissalPending',
  },
  {
    unit: 'xn-hz',
    source: 'petition',
    description: '升降限高设施未设警示标志',
    category: 'non_standard',
    checklistItem: 14,
    fate: 'registered',
  },
  {
    unit: 'xn-dt',
    source: 'hotline12328',
    description: '治超站违规收取月票',
    category: 'profit_driven',
    checklistItem: 5,
    fate: 'closed',
  },
  {
    unit: 'xn-dt-det',
    source: 'media',
    description: '钓鱼执法查扣涉嫌非法营运车辆',
    category: 'rigid',
    checklistItem: 20,
    fate: 'overdue',
  },
  {
    unit: 'xn-dt',
    source: 'selfInspection',
    description: '先行强制后改为证据登记保存，随意性大',
    category: 'non_standard',
    checklistItem: 12,
    fate: 'rectifying',
  },
  {
    unit: 'xn-dt',
    source: 'caseFileReview',
    description: '危险品运输案件擅自降低处罚标准',
    category: 'non_standard',
    checklistItem: 8,
    fate: 'awaitingAcceptance',
  },
  {
    unit: 'xn-dt-det',
    source: 'inspection',
    description: '对同一当事人同一地点连续多次处罚',
    category: 'rigid',
    checklistItem: 19,
    fate: 'rejectedTwice',
  },
  {
    unit: 'xn-dt',
    source: 'website',
    description: '接听咨询电话态度消极',
    category: 'rough',
    checklistItem: 22,
    fate: 'confirmed',
  },
  {
    unit: 'xn-dt',
    source: 'hotline12345',
    description: '路面检查多、普法服务少',
    category: 'rough',
    checklistItem: 27,
    fate: 'verifying',
  },
  {
    unit: 'xn-dt',
    source: 'email',
    description: '货车通行证只能线下办理，黄牛丛生',
    category: 'rent_seeking',
    checklistItem: 33,
    fate: 'registered',
  },
  {
    unit: 'xn-dt-det',
    source: 'petition',
    description: '对无证经营仅处罚未责令停止经营',
    category: 'rough',
    checklistItem: 25,
    fate: 'rectifying',
  },
  {
    unit: 'xn-hy',
    source: 'hotline12328',
    description: '违规设置电子监控，错误处罚多',
    category: 'profit_driven',
    checklistItem: 6,
    fate: 'closed',
  },
  {
    unit: 'xn-hy-det',
    source: 'media',
    description: '执法中拖拉当事人致伤',
    category: 'rough',
    checklistItem: 28,
    fate: 'rectifying',
  },
  {
    unit: 'xn-hy',
    source: 'selfInspection',
    description: '专项行动紧、日常检查松',
    category: 'rigid',
    checklistItem: 18,
    fate: 'awaitingAcceptance',
  },
  {
    unit: 'xn-hy',
    source: 'caseFileReview',
    description: '应移送治安处罚的案件直接作交通处罚',
    category: 'rent_seeking',
    checklistItem: 30,
    fate: 'confirmed',
  },
  {
    unit: 'xn-hy-det',
    source: 'hotline12345',
    description: '对查扣的超限车辆违规放行',
    category: 'non_standard',
    checklistItem: 11,
    fate: 'overdue',
  },
  {
    unit: 'xn-hy',
    source: 'website',
    description: '桥梁违规设立限高设施阻断货车通行',
    category: 'non_standard',
    checklistItem: 13,
    fate: 'verifying',
  },
  {
    unit: 'xn-hy',
    source: 'meeting',
    description: '对执法单位设置罚没数量考核指标',
    category: 'profit_driven',
    checklistItem: 2,
    fate: 'closed',
  },
  {
    unit: 'xn-hy-det',
    source: 'inspection',
    description: '执法外包缺少监管',
    category: 'rough',
    checklistItem: 29,
    fate: 'registered',
  },
];
