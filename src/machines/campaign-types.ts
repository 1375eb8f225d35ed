import type { Timed } from './common';
import type { ReportingCadence } from './reporting-cadence';

/** The five phases every seed campaign runs through (DOMAIN.md, "A campaign and its phases"). */
export const Phase = {
  mobilize: 'mobilize',
  identify: 'identify',
  rectify: 'rectify',
  summarize: 'summarize',
  consolidate: 'consolidate',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
export const PHASE_ORDER: readonly Phase[] = ['mobilize', 'identify', 'rectify', 'summarize', 'consolidate'];

/** A problem category of this campaign; the engine hard-codes none (2023 six, 2021 five, or the campaign's own). */
export interface Category {
  code: string;
  label: string;
}

/** One entry of a checklist such as Xining's 36-item 对照检查清单. */
export interface ChecklistItem {
  number: number;
  area: string;
  heading: string;
  text: string;
}

/** Something that must be done before a phase may close (e.g. 成立工作专班, 制定工作方案). */
export interface Obligation {
  code: string;
  label: string;
  phase: Phase;
  doneAt: string | null;
  note: string | null;
}

export interface CampaignInput extends Timed {
  campaignId: string;
  name: string;
  /** The unit that runs the campaign; officers and supervisors of its subtree take part. */
  unitId: string;
  parentCampaignId?: string | null;
  categories: Category[];
  checklist?: ChecklistItem[];
  /** ISO instants by phase; consolidate is open-ended and may have none. */
  deadlines: Partial<Record<Phase, string>>;
  obligations?: Array<Pick<Obligation, 'code' | 'label' | 'phase'>>;
  template?: string | null;
  /**
   * `standing`: a long-term mechanism (长效机制, seed 001) — no five-phase march to finished; it stands and
   * runs periodic look-back rounds (回头看) instead. Default: a campaign.
   */
  kind?: 'campaign' | 'standing';
}

/** One look-back round (回头看) of a standing mechanism: every closed item is looked at again. */
export interface LookBackRound {
  number: number;
  startedAt: string;
  note: string;
}

export interface CampaignContext {
  campaignId: string;
  name: string;
  unitId: string;
  parentCampaignId: string | null;
  template: string | null;
  categories: Category[];
  checklist: ChecklistItem[];
  deadlines: Partial<Record<Phase, string>>;
  obligations: Obligation[];
  phaseHistory: Array<{ phase: Phase; enteredAt: string }>;
  overduePhases: Phase[];
  createdAt: string;
  stateEnteredAt: string;
  lastEventAt: string;
  finishedAt: string | null;
  /** Who must report and when (null: the campaign has no reporting cadence). */
  reporting: {
    cadence: ReportingCadence;
    unitIds: string[];
    since: string;
    /** The last instant a report can fall due (e.g. the end of the 集中整治 phase); absent: open-ended. */
    until?: string;
  } | null;
  reports: Array<{ unitId: string; dueAt: string; at: string }>;
  /** Due instants already passed, newest last. */
  reportDues: string[];
  /** Reports each unit missed (漏报): a fact the rules read. */
  missedReports: Record<string, number>;
  /** `standing` for a long-term mechanism (absent: a campaign with phases). */
  kind?: 'standing';
  /** Look-back rounds of a standing mechanism, oldest first. */
  lookBackRounds?: LookBackRound[];
  /** Phase changes recorded over lagging children (absent on campaigns created before). */
  treeOverrides?: TreeOverride[];
}

/**
 * Facts from other streams that a phase change depends on. The engine counts them in the same transaction
 * and stamps them on the event, so replay sees exactly what the decision saw.
 */
export interface PhaseExitFacts {
  /** Confirmed items of this campaign that are neither closed nor carried into long-term rectification. */
  unresolvedItems: number;
  /** Every campaign below this one (absent on events recorded before campaign trees were checked). */
  children?: ChildCampaignFacts[];
  /** Proceed although children lag or have open items: the reason is recorded with the event. */
  overrideReason?: string;
}

/** A descendant campaign as a phase change of its parent saw it. */
export interface ChildCampaignFacts {
  campaignId: string;
  state: string;
  unresolvedItems: number;
  openLongTermItems: number;
}

/** A phase change that went ahead over lagging children, with the supervisor's reason. */
export interface TreeOverride {
  at: string;
  from: string;
  reason: string;
  /** The children that would have refused it. */
  blocking: string[];
}

export type CampaignEvent =
  | ({ type: 'SET_PHASE_DEADLINE' } & Timed & { phase: Phase; deadline: string })
  | ({ type: 'SET_CATEGORIES' } & Timed & { categories: Category[] })
  | ({ type: 'SET_CHECKLIST' } & Timed & { checklist: ChecklistItem[] })
  | ({ type: 'ADD_OBLIGATION' } & Timed & { code: string; label: string; phase: Phase })
  | ({ type: 'FULFIL_OBLIGATION' } & Timed & { code: string; note?: string })
  | ({ type: 'ADVANCE_PHASE' } & Timed & PhaseExitFacts)
  | ({ type: 'PHASE_DEADLINE_PASSED' } & Timed & { phase: Phase; deadline: string })
  | ({ type: 'FINISH' } & Timed & {
        openLongTermItems: number;
        children?: ChildCampaignFacts[];
        overrideReason?: string;
      })
  | ({ type: 'SET_REPORTING' } & Timed & { cadence: ReportingCadence; unitIds: string[]; until?: string })
  | ({ type: 'SUBMIT_REPORT' } & Timed & { unitId: string; dueAt: string })
  | ({ type: 'REPORT_DUE' } & Timed & { dueAt: string })
  | ({ type: 'START_LOOK_BACK_ROUND' } & Timed & { note?: string });

export type CampaignEventType = CampaignEvent['type'];
