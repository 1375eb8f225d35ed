import type { LedgerLayout } from './layout';

// Chinese labels of states, channels and measures come from the one project vocabulary
// (src/vocabulary/labels.ts: labelOf('itemState' | 'channel' | 'measure', code)); this file keeps only the
// ledgers' own layouts.

/** The text a long-term item (长期推进) shows in the 整改时限 column instead of a date. */
export const LONG_TERM_LABEL = '长期推进';

/** Xining annex 2, 道路交通安全和运输执法领域突出问题整改工作台账 (seed 002). */
export const xiningLedgerLayout: LedgerLayout<
  | 'number'
  | 'category'
  | 'manifestation'
  | 'measures'
  | 'unit'
  | 'deadline'
  | 'progress'
  | 'accountability'
  | 'person'
  | 'remarks'
  | 'evidenceFiles'
> = {
  sheetName: '整改工作台账',
  title: '道路交通安全和运输执法领域突出问题整改工作台账',
  columns: [
    { key: 'number', header: '序号', width: 6 },
    { key: 'category', header: '问题类别', width: 14, aliases: ['问题类型', '类别'] },
    { key: 'manifestation', header: '具体表现', width: 30, aliases: ['具体问题', '问题描述'] },
    { key: 'measures', header: '整改措施', width: 36 },
    { key: 'unit', header: '责任单位', width: 18, aliases: ['牵头单位', '责任单位（牵头）'] },
    { key: 'deadline', header: '整改时限', width: 16, date: true, aliases: ['完成时限', '整改期限'] },
    {
      key: 'progress',
      header: '整改进度及可验证成果',
      width: 40,
      aliases: ['完成情况', '整改进度', '整改进度及可验证成果（附佐证）', '整改情况'],
    },
    { key: 'accountability', header: '问责情况', width: 28 },
    // The plan asks for 责任单位和责任人; clerks add 备注. Optional on import, written on export.
    { key: 'person', header: '责任人', width: 12, optional: true, aliases: ['责任领导'] },
    { key: 'remarks', header: '备注', width: 20, optional: true },
    // Written on export (stored evidence files the item's steps cite); ignored on import.
    { key: 'evidenceFiles', header: '佐证文件数', width: 10, optional: true },
  ],
};

/**
 * Jiangyuan annex 3, 交通运输执法领域突出问题线索台账 (seed 003). The annex itself is a .docx the seed does
 * not reproduce; the columns follow what the plan says the ledger records: channel, reported unit, the
 * clue, when it arrived, who verifies it and the outcome.
 */
export const clueLedgerLayout: LedgerLayout<
  'number' | 'source' | 'channel' | 'unit' | 'description' | 'receivedAt' | 'verifier' | 'outcome' | 'state'
> = {
  sheetName: '线索台账',
  title: '交通运输执法领域突出问题线索台账',
  columns: [
    { key: 'number', header: '序号', width: 6 },
    { key: 'source', header: '线索来源', width: 14 },
    { key: 'channel', header: '反映渠道', width: 16 },
    { key: 'unit', header: '被反映单位', width: 20 },
    { key: 'description', header: '问题线索', width: 40 },
    { key: 'receivedAt', header: '收到时间', width: 16, date: true },
    { key: 'verifier', header: '核查单位', width: 20 },
    { key: 'outcome', header: '核查情况', width: 36 },
    { key: 'state', header: '办理状态', width: 12 },
  ],
};

/** 督办台账 (seed 001 §5): escalations with the measure 挂牌督办. */
export const supervisionLedgerLayout: LedgerLayout<
  'number' | 'subject' | 'unit' | 'reason' | 'rule' | 'issuedAt' | 'deadline' | 'handling' | 'state'
> = {
  sheetName: '督办台账',
  title: '交通运输执法领域突出问题挂牌督办台账',
  columns: [
    { key: 'number', header: '序号', width: 6 },
    { key: 'subject', header: '督办事项', width: 36 },
    { key: 'unit', header: '被督办单位', width: 20 },
    { key: 'reason', header: '督办原因', width: 36 },
    { key: 'rule', header: '依据规则', width: 20 },
    { key: 'issuedAt', header: '下达时间', width: 16, date: true },
    { key: 'deadline', header: '办结时限', width: 16, date: true },
    { key: 'handling', header: '办理情况', width: 36 },
    { key: 'state', header: '督办状态', width: 12 },
  ],
};
