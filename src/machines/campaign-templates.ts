import type { CampaignInput, Category, Obligation } from './campaign-types';
import { CADENCE_PRESETS, type ReportingCadence } from './reporting-cadence';

/** Phase obligations drawn from the Xining plan (seed 002, 五、步骤安排) and the Jiangyuan plan (seed 003). */
export const defaultObligations: Array<Pick<Obligation, 'code' | 'label' | 'phase'>> = [
  { code: 'task_force', label: '成立领导小组和工作专班', phase: 'mobilize' },
  { code: 'work_plan', label: '制定印发工作方案', phase: 'mobilize' },
  { code: 'deployment', label: '动员部署、传达整治要求', phase: 'mobilize' },
  { code: 'public_notice', label: '公布举报渠道、征集问题线索', phase: 'identify' },
  { code: 'self_check', label: '对照检查清单自查自纠', phase: 'identify' },
  { code: 'case_file_review', label: '案卷评查', phase: 'identify' },
  { code: 'rectification_ledger', label: '建立整改工作台账', phase: 'rectify' },
  { code: 'regulation_cleanup', label: '规范性文件专项清理', phase: 'rectify' },
  { code: 'summary_report', label: '报送总结报告', phase: 'summarize' },
  { code: 'typical_cases', label: '报送正反面典型案例各3个', phase: 'summarize' },
];

/** The six categories of the Xining 2023 plan (five shared with Jiangyuan, plus 制度文件管理). */
export const categories2023: Category[] = [
  { code: 'profit_driven', label: '逐利执法' },
  { code: 'non_standard', label: '执法不规范' },
  { code: 'rigid', label: '执法方式简单僵化' },
  { code: 'rough', label: '执法粗暴' },
  { code: 'rent_seeking', label: '执法"寻租"' },
  { code: 'regulatory_docs', label: '制度文件管理' },
];

/** The five categories of the Zhanjiang 2021 plan (seed 000). */
export const categories2021: Category[] = [
  { code: 'weak_purpose', label: '宗旨不牢' },
  { code: 'poor_style', label: '作风不优' },
  { code: 'low_competence', label: '本领不强' },
  { code: 'weak_responsibility', label: '担当不力' },
  { code: 'not_clean', label: '执法不廉' },
];

export type CampaignTemplate = Omit<CampaignInput, 'campaignId' | 'unitId' | 'at' | 'parentCampaignId'>;

/** Campaign templates a supervisor can start from; deadlines are editable afterwards. */
export const campaignTemplates: Record<string, CampaignTemplate> = {
  'xining-2023': {
    name: '西宁市交通运输执法领域突出问题专项整治',
    template: 'xining-2023',
    categories: categories2023,
    deadlines: {
      mobilize: '2023-04-20T23:59:59+08:00',
      identify: '2023-05-10T23:59:59+08:00',
      rectify: '2023-09-30T23:59:59+08:00',
      summarize: '2023-09-30T23:59:59+08:00',
    },
  },
  'jiangyuan-2023': {
    name: '江源区交通运输执法领域突出问题专项整治',
    template: 'jiangyuan-2023',
    categories: categories2023.slice(0, 5),
    deadlines: { mobilize: '2023-03-31T23:59:59+08:00', rectify: '2023-10-31T23:59:59+08:00' },
  },
  /** Seed 001: a standing mechanism, not a campaign — no phases or deadlines, periodic 回头看 rounds. */
  'rushan-long-term': {
    name: '乳山市交通运输行政执法规范化长效机制',
    template: 'rushan-long-term',
    kind: 'standing',
    categories: categories2023.slice(0, 5),
    deadlines: {},
    obligations: [],
  },
  'zhanjiang-2021': {
    name: '湛江市交通运输执法领域专项整治',
    template: 'zhanjiang-2021',
    categories: categories2021,
    deadlines: { identify: '2021-06-30T23:59:59+08:00', summarize: '2021-10-31T23:59:59+08:00' },
  },
};

/**
 * The reporting cadence each template's seed prescribes, used by `set-reporting` when no cadence is given:
 * 江源 reports on the 8th, 18th and 28th at 18:00 (seed 003, 三(二)5); 湛江 every Monday and Wednesday before
 * 09:00 (seed 000). Kept beside, not inside, the templates: a campaign's creation input has no cadence (who
 * reports is only known once the units are chosen).
 */
export const templateReportingCadences: Readonly<Record<string, ReportingCadence>> = Object.freeze({
  'jiangyuan-2023': CADENCE_PRESETS.jiangyuan!,
  'zhanjiang-2021': CADENCE_PRESETS.zhanjiang!,
});

/** The seed cadence of a campaign's template, or null when its seed sets none. */
export function seedCadenceOf(template: string | null | undefined): ReportingCadence | null {
  return (template && templateReportingCadences[template]) || null;
}
