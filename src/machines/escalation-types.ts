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

export interface EscalationContext extends Omit<EscalationInput, 'at'> {
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
  | ({ type: 'STEP_UP' } & Timed & { measure: EscalationMeasure; escalationId: string });
