import type { CodeOf } from '../vocabulary/labels';
import type { Timed } from './common';

/**
 * Where a clue came from (线索来源), from the Jiangyuan and Zhanjiang plans: hotlines, petitions, media,
 * mail, website messages, reconsideration and litigation, inspections, case-file review, self-inspection,
 * meetings.
 */
/**
 * A stored file an event cites (佐证材料): its SHA-256, size, media type and name enter the event's canonical
 * body, so the hash chain covers the file itself. Plain strings are names of evidence recorded before
 * files were stored (and descriptions beside them); they remain valid history.
 */
export interface EvidenceFileRef {
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
}
export type Evidence = string | EvidenceFileRef;

/** Whether a piece of evidence is a stored file rather than a name. */
export const isEvidenceFile = (e: unknown): e is EvidenceFileRef =>
  typeof e === 'object' && e !== null && typeof (e as EvidenceFileRef).sha256 === 'string';

export const ClueSource = {
  hotline12328: 'hotline12328',
  hotline12345: 'hotline12345',
  petition: 'petition',
  media: 'media',
  email: 'email',
  website: 'website',
  reconsiderationOrLitigation: 'reconsiderationOrLitigation',
  inspection: 'inspection',
  caseFileReview: 'caseFileReview',
  selfInspection: 'selfInspection',
  meeting: 'meeting',
  other: 'other',
} as const satisfies { [K in CodeOf<'channel'>]: K };
/** A clue source: the vocabulary's channel codes (src/vocabulary/labels.ts), the same in the API and the rules. */
export type ClueSource = CodeOf<'channel'>;

export const Severity = { minor: 'minor', general: 'general', serious: 'serious' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** What the registration of a clue records (线索登记). It is the machine's input and the stream's first event. */
export interface ItemInput extends Timed {
  itemId: string;
  campaignId: string;
  /** The unit the clue is about; the item belongs to its subtree. */
  reportedUnitId: string;
  source: ClueSource;
  channel?: string;
  description: string;
  /** When the clue reached the bureau (may precede registration). */
  receivedAt: string;
  reporter?: string;
  /** Ledger row number (序号) when the item came from an imported sheet. */
  ledgerNumber?: number;
}

export interface Verification {
  unitId: string;
  officerId: string;
  deadline: string;
  assignedAt: string;
  overdue: boolean;
  findings: string | null;
}

export interface Dismissal {
  reason: string;
  handlerId: string;
  handlerSignedAt: string;
  principalId: string | null;
  principalSignedAt: string | null;
  /** 澄清正名: when a clue is dismissed the officer it named is publicly cleared. */
  officerNameCleared: boolean;
}

export interface Confirmation {
  category: string;
  checklistItem: number | null;
  severity: Severity;
  findings: string;
  confirmedAt: string;
}

/** One row of the 整改工作台账 (Xining annex 2) while the problem is being rectified. */
export interface LedgerRow {
  manifestation: string;
  measures: string;
  responsibleUnitId: string;
  responsiblePerson: string;
  deadline: string;
  progress: Array<{ at: string; note: string; evidence: Evidence[] }>;
  accountability: string | null;
  /** 长期推进: items that cannot be finished within the campaign state their current result and long-term measures. */
  longTerm: { currentResult: string; longTermMeasures: string; since: string } | null;
  overdue: boolean;
  deadlineExtensions: Array<{ from: string; to: string; reason: string; at: string }>;
  /** Co-operating units (配合单位) beside the lead unit, when a ledger names several (湟中区交通运输局（牵头）、…). */
  coUnitIds?: string[];
  /** 备注 as the clerk wrote it. */
  remarks?: string;
  /** 整改时限 as the clerk wrote it (9月30日前, 立行立改, 2023年9月30日前完成，长期推进) while the deadline is unchanged. */
  deadlineText?: string;
}

export interface ItemContext {
  itemId: string;
  campaignId: string;
  reportedUnitId: string;
  clue: {
    source: ClueSource;
    channel: string | null;
    description: string;
    receivedAt: string;
    reporter: string | null;
  };
  ledgerNumber: number | null;
  registeredAt: string;
  verification: Verification | null;
  dismissal: Dismissal | null;
  transfer: { to: string; reason: string; at: string } | null;
  confirmation: Confirmation | null;
  ledger: LedgerRow | null;
  submissions: Array<{ at: string; result: string; evidence: Evidence[] }>;
  rejections: Array<{ at: string; reason: string }>;
  closedAt: string | null;
  lookBacks: Array<{ at: string; outcome: 'started' | 'passed' | 'rebound'; note: string }>;
  reopenCount: number;
  tags: string[];
  /** Instants of complaints received about this problem, for "complaints within a window" rule facts. */
  complaints: string[];
  stateEnteredAt: string;
  lastEventAt: string;
  /** 容错免责 / 免罚清单 decisions the rules took on this item (absent until the first one). */
  suppressions?: SuppressionRecord[];
}

/** A suppression rule that fired on the item: which rule, on which facts, what it kept from being issued. */
export interface SuppressionRecord {
  at: string;
  ruleId: string;
  ruleSetId: string;
  ruleSetVersion: number;
  /** `all` or a target kind (unit, unit_leader, person …). */
  target: string;
  reason: string;
  /** The escalations it kept from being issued on this evaluation. */
  suppressed: Array<{ ruleId: string; measure: string; target: { kind: string; id: string } }>;
  /** Open escalations on the item it flagged for a supervisor's decision (issued before it). */
  flagged: string[];
  provenance: unknown;
}

export type LedgerFields = Pick<
  LedgerRow,
  'manifestation' | 'measures' | 'responsibleUnitId' | 'responsiblePerson' | 'deadline'
> &
  Pick<LedgerRow, 'coUnitIds' | 'remarks' | 'deadlineText'>;

/** Every event a problem item accepts after registration. */
export type ItemEvent =
  | ({ type: 'ASSIGN_VERIFICATION' } & Timed & { unitId: string; officerId: string; deadline: string })
  | ({ type: 'VERIFICATION_OVERDUE' } & Timed & { deadline: string })
  | ({ type: 'CONFIRM' } & Timed & {
        category: string;
        checklistItem?: number | null;
        severity: Severity;
        findings: string;
      })
  | ({ type: 'PROPOSE_DISMISSAL' } & Timed & { reason: string; handlerId: string })
  | ({ type: 'APPROVE_DISMISSAL' } & Timed & { principalId: string; principalOfUnitId: string })
  | ({ type: 'WITHDRAW_DISMISSAL' } & Timed & { reason: string })
  | ({ type: 'TRANSFER' } & Timed & { to: string; reason: string })
  | ({ type: 'START_RECTIFICATION' } & Timed & LedgerFields)
  | ({ type: 'UPDATE_LEDGER' } & Timed & Partial<LedgerFields>)
  | ({ type: 'RECORD_PROGRESS' } & Timed & { note: string; evidence?: Evidence[] })
  | ({ type: 'RECORD_ACCOUNTABILITY' } & Timed & { accountability: string })
  | ({ type: 'MARK_LONG_TERM' } & Timed & { currentResult: string; longTermMeasures: string })
  | ({ type: 'EXTEND_DEADLINE' } & Timed & { deadline: string; reason: string })
  /** A supervisor moves the rectification deadline either way (machine version 3). */
  | ({ type: 'CHANGE_DEADLINE' } & Timed & { deadline: string; reason: string })
  | ({ type: 'RECTIFICATION_OVERDUE' } & Timed & { deadline: string })
  | ({ type: 'SUBMIT_FOR_ACCEPTANCE' } & Timed & { result: string; evidence: Evidence[] })
  | ({ type: 'ACCEPT' } & Timed & { note?: string })
  | ({ type: 'REJECT' } & Timed & { reason: string })
  | ({ type: 'START_LOOK_BACK' } & Timed & { note?: string })
  | ({ type: 'PASS_LOOK_BACK' } & Timed & { note: string })
  | ({ type: 'REBOUND' } & Timed & { note: string })
  | ({ type: 'RESUME_RECTIFICATION' } & Timed & { deadline: string; measures?: string })
  | ({ type: 'ADD_TAG' } & Timed & { tag: string })
  | ({ type: 'RECORD_COMPLAINT' } & Timed & { receivedAt: string; note?: string })
  | ({ type: 'RECORD_SUPPRESSION' } & Timed & Omit<SuppressionRecord, 'at'>);

export type ItemEventType = ItemEvent['type'];
