import { codesOf } from '../vocabulary/labels';
import type { Timed } from './common';

/** Measures, light → heavy (the vocabulary owns them and their labels; the machine only needs the codes). */
export const ESCALATION_MEASURES = Object.freeze(codesOf('measure'));
export type EscalationMeasure = (typeof ESCALATION_MEASURES)[number];

/** What triggered an escalation: an accepted event, or a clock sweep at an instant. */
export type EscalationTrigger =
  { kind: 'event'; streamId: string; sequence: number; eventType: string } | { kind: 'clock'; tick: string };

/** Creation input of an escalation record: the order and everything needed to explain it later. */
export interface EscalationInput extends Timed {
  escalationId: string;
  campaignId: string;
  itemId: string | null;
  /** The unit the escalation concerns (the item's responsible unit). */
  unitId: string;
  measure: EscalationMeasure;
  target: { kind: string; id: string };
  respondBy: string | null;
  reason: string;
  ruleId: string;
  ruleTitle: string;
  ruleSetId: string;
  ruleSetVersion: number;
  /** The fired rule's provenance: the facts it read with their values and which conditions held. */
  provenance: unknown;
  /** The whole decision's conflict resolution (what was overridden and why). */
  overridden: unknown;
  trigger: EscalationTrigger;
  /** The escalation this one steps up from, if any. */
  stepsUpFrom: string | null;
}

/**
 * Another occurrence an open escalation stands for instead of a new record: a second item for which the
 * same rule fired against the same target (`already_open`), or a lighter measure a rule ordered against a
 * target already under this heavier one (`lighter_than_open`). Nothing a rule decides leaves no trace.
 */
export interface EscalationOccurrence {
  at: string;
  itemId: string;
  ruleId: string;
  ruleSetVersion: number;
  measure: EscalationMeasure;
  cause: 'already_open' | 'lighter_than_open';
  /** The fired rule's provenance on that item: facts read and conditions that held. */
  provenance: unknown;
  trigger: EscalationTrigger;
}

/** A suppression (容错免责) that arrived after this escalation was issued: a supervisor decides. */
export interface ReviewFlag {
  at: string;
  itemId: string;
  /** The suppression rule. */
  ruleId: string;
  reason: string;
  provenance: unknown;
}

export interface EscalationContext extends Omit<EscalationInput, 'at'> {
  /** Absent on records created before occurrences were recorded. */
  occurrences?: EscalationOccurrence[];
  reviewFlags?: ReviewFlag[];
  /** The supervisor's decision to keep the measure after a review flag (lifting is the other answer). */
  reviewDecisions?: Array<{ at: string; note: string }>;
  issuedAt: string;
  acknowledgedAt: string | null;
  responses: Array<{ at: string; response: string }>;
  /** 督办台账: the follow-up log of a listed supervision. */
  followUps: Array<{ at: string; note: string }>;
  /** 纪法衔接闭环: a referral stays open until its outcome is recorded. */
  outcome: { at: string; outcome: string } | null;
  responseOverdue: boolean;
  liftedAt: string | null;
  liftReason: string | null;
  steppedUpTo: { measure: EscalationMeasure; escalationId: string } | null;
  lastEventAt: string;
}

export type EscalationEvent =
  | ({ type: 'ACKNOWLEDGE' } & Timed & { note?: string })
  | ({ type: 'RESPOND' } & Timed & { response: string })
  | ({ type: 'RECORD_FOLLOW_UP' } & Timed & { note: string })
  | ({ type: 'RECORD_OUTCOME' } & Timed & { outcome: string })
  | ({ type: 'RESPONSE_OVERDUE' } & Timed & { deadline: string })
  | ({ type: 'LIFT' } & Timed & { reason: string })
  | ({ type: 'STEP_UP' } & Timed & { measure: EscalationMeasure; escalationId: string })
  | ({ type: 'RECORD_OCCURRENCE' } & Timed & Omit<EscalationOccurrence, 'at'>)
  | ({ type: 'FLAG_FOR_REVIEW' } & Timed & Omit<ReviewFlag, 'at'>)
  | ({ type: 'KEEP_AFTER_REVIEW' } & Timed & { note: string })
  /** Voided by an approved correction of the item event that produced it (never deleted). */
  | ({ type: 'VOID' } & Timed & {
        reason: string;
        correction: { itemId: string; sequence: number; corrects: number };
      });
