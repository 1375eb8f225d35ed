import { firstFailure, requireInstant, requireText, type GuardReasonTable } from './guard-reasons';
import { Severity, type ItemContext } from './item-types';

/**
 * Audited corrections (item machine version 2). A wrong transition is never rewritten: a
 * REQUEST_CORRECTION names the event it corrects, the state and fields it should have led to and why;
 * only an APPROVE_CORRECTION by someone else moves the item there (the engine and API check that the
 * approver has the right: the handling unit's principal or a supervisor above). Everything recorded in
 * between — progress, evidence, complaints — stays in the context; the correction is one more event.
 */

/**
 * States a correction may lead to: every active state. A correction may leave 已查否 or 已移送 (version 3)
 * but never lead there: those need the dismissal's two signatures or a transfer of their own.
 */
export const CORRECTABLE_STATES = [
  'registered',
  'verifying',
  'dismissalPending',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'lookBack',
  'reopened',
] as const;
export type CorrectableState = (typeof CORRECTABLE_STATES)[number];

/** The fields a correction may set (a wrong category confirmed, a typo in a deadline, the wrong unit). */
export interface CorrectionFields {
  category?: string;
  severity?: Severity;
  /** The rectification deadline (整改时限), or the verification deadline when the target is `verifying`. */
  deadline?: string;
  responsibleUnitId?: string;
  verificationUnitId?: string;
}

const FIELD_NAMES = ['category', 'severity', 'deadline', 'responsibleUnitId', 'verificationUnitId'];

export interface CorrectionRequest {
  /** The sequence number of the event being corrected, and its type (stamped by the engine). */
  corrects: number;
  correctsType: string;
  targetState: CorrectableState;
  fields: CorrectionFields;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  /** Escalation streams the corrected event produced that the approval voids (VOID, with the reason). */
  voidEscalations: string[];
}

export interface CorrectionRecord extends CorrectionRequest {
  outcome: 'approved' | 'refused';
  decidedBy: string;
  decidedAt: string;
  fromState: string | null;
  note: string | null;
}

export type CorrectionEvent =
  | {
      type: 'REQUEST_CORRECTION';
      at: string;
      corrects: number;
      correctsType: string;
      targetState: string;
      fields?: CorrectionFields;
      reason: string;
      requestedBy: string;
      voidEscalations?: string[];
    }
  | { type: 'APPROVE_CORRECTION'; at: string; approvedBy: string; fromState?: string; note?: string }
  | { type: 'REFUSE_CORRECTION'; at: string; refusedBy: string; reason: string };

/** A version-2 item context: version 1's plus the corrections. */
export type CorrectableContext = ItemContext & {
  corrections: CorrectionRecord[];
  pendingCorrection: CorrectionRequest | null;
};

const severities = Object.values(Severity) as string[];

function fieldsProblem(fields: unknown): string | null {
  if (fields === undefined) return null;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    return 'fields must be an object';
  const f = fields as Record<string, unknown>;
  const unknown = Object.keys(f).filter((k) => !FIELD_NAMES.includes(k));
  if (unknown.length > 0) return `fields may set only ${FIELD_NAMES.join(', ')}; not ${unknown.join(', ')}`;
  return firstFailure(
    f.category === undefined ? null : requireText(f.category, 'fields.category'),
    f.severity === undefined || severities.includes(f.severity as string)
      ? null
      : `fields.severity must be one of ${severities.join(', ')}`,
    f.deadline === undefined ? null : requireInstant(f.deadline, 'fields.deadline'),
    f.responsibleUnitId === undefined ? null : requireText(f.responsibleUnitId, 'fields.responsibleUnitId'),
    f.verificationUnitId === undefined
      ? null
      : requireText(f.verificationUnitId, 'fields.verificationUnitId'),
  );
}

/** What the target state needs the item to have on record (a correction cannot invent a ledger row). */
function targetProblem(
  c: CorrectableContext,
  target: CorrectableState,
  fields: CorrectionFields,
): string | null {
  const needs: Partial<Record<CorrectableState, () => string | null>> = {
    verifying: () => (c.verification ? null : 'the item was never assigned for verification'),
    dismissalPending: () => (c.dismissal ? null : 'no dismissal was ever proposed'),
    confirmed: () => (c.confirmation || fields.category ? null : 'the item was never confirmed'),
  };
  if (['rectifying', 'awaitingAcceptance', 'closed', 'lookBack', 'reopened'].includes(target))
    return c.ledger ? null : `the item has no ledger row, so it cannot be put in ${target}`;
  return needs[target]?.() ?? null;
}

const approveGuardName = (state: CorrectableState): string => `correctionLeadsTo_${state}`;

/** Why an approval is refused whatever the target (null: it can be approved). */
function approvalProblem(c: CorrectableContext, approvedBy: unknown): string | null {
  const pending = c.pendingCorrection;
  if (!pending) return 'there is no correction waiting for approval';
  if (typeof approvedBy !== 'string' || approvedBy.trim() === '') return 'approvedBy is required';
  if (approvedBy === pending.requestedBy)
    return 'a correction needs a second person: the requester cannot approve it';
  return null;
}

/** The guards of the correction events, with their reasons. */
export const correctionGuardReasons: GuardReasonTable<CorrectableContext, CorrectionEvent> = {
  validCorrectionRequest: (c, event) => {
    const e = event as Extract<CorrectionEvent, { type: 'REQUEST_CORRECTION' }>;
    if (c.pendingCorrection)
      return `a correction of event ${c.pendingCorrection.corrects} is already waiting for approval`;
    return (
      firstFailure(
        Number.isInteger(e.corrects) && e.corrects >= 1
          ? null
          : 'corrects must be the sequence number of an event',
        requireText(e.correctsType, 'correctsType'),
        (CORRECTABLE_STATES as readonly string[]).includes(e.targetState)
          ? null
          : `targetState must be one of ${CORRECTABLE_STATES.join(', ')}`,
        requireText(e.reason, 'reason (更正理由)'),
        requireText(e.requestedBy, 'requestedBy'),
        fieldsProblem(e.fields),
        Array.isArray(e.voidEscalations ?? []) ? null : 'voidEscalations must be a list of escalation ids',
      ) ?? targetProblem(c, e.targetState as CorrectableState, e.fields ?? {})
    );
  },
  pendingCorrectionRefusal: (c, event) => {
    const e = event as Extract<CorrectionEvent, { type: 'REFUSE_CORRECTION' }>;
    if (!c.pendingCorrection) return 'there is no correction waiting for approval';
    return firstFailure(requireText(e.reason, 'reason'), requireText(e.refusedBy, 'refusedBy'));
  },
  ...Object.fromEntries(
    CORRECTABLE_STATES.map((state) => [
      approveGuardName(state),
      (c: CorrectableContext, event: CorrectionEvent) => {
        const e = event as Extract<CorrectionEvent, { type: 'APPROVE_CORRECTION' }>;
        // Every target candidate answers the same reason, so the refusal reads as one sentence.
        return (
          approvalProblem(c, e.approvedBy) ??
          (c.pendingCorrection!.targetState === state
            ? null
            : `the correction leads to ${c.pendingCorrection!.targetState}`)
        );
      },
    ]),
  ),
};

/** The root transitions version 2 adds: request, refuse, and one approval candidate per target state. */
export const correctionTransitions = {
  REQUEST_CORRECTION: { guard: 'validCorrectionRequest', actions: 'apply' },
  REFUSE_CORRECTION: { guard: 'pendingCorrectionRefusal', actions: 'apply' },
  APPROVE_CORRECTION: CORRECTABLE_STATES.map((state) => ({
    target: `.${state}`,
    guard: approveGuardName(state),
    actions: 'apply',
    reenter: true,
  })),
};

const BEFORE_CONFIRMED = new Set(['registered', 'verifying', 'dismissalPending']);
const CLOSED = new Set(['closed', 'lookBack']);

/** The context after an approved correction: the fields set, and what the target state does not hold cleared. */
function corrected(c: CorrectableContext, request: CorrectionRequest, at: string): CorrectableContext {
  const f = request.fields;
  const target = request.targetState;
  let next: CorrectableContext = { ...c };
  if (f.verificationUnitId && c.verification)
    next.verification = { ...c.verification, unitId: f.verificationUnitId };
  if (f.deadline && target === 'verifying' && next.verification)
    next.verification = { ...next.verification, deadline: f.deadline, overdue: false };
  if ((f.category || f.severity) && !BEFORE_CONFIRMED.has(target)) {
    next.confirmation = {
      category: f.category ?? c.confirmation?.category ?? '',
      severity: f.severity ?? c.confirmation?.severity ?? 'general',
      checklistItem: c.confirmation?.checklistItem ?? null,
      findings: c.confirmation?.findings ?? request.reason,
      confirmedAt: c.confirmation?.confirmedAt ?? at,
    };
  }
  if (c.ledger && (f.responsibleUnitId || (f.deadline && target !== 'verifying'))) {
    next.ledger = {
      ...c.ledger,
      responsibleUnitId: f.responsibleUnitId ?? c.ledger.responsibleUnitId,
      deadline: f.deadline && target !== 'verifying' ? f.deadline : c.ledger.deadline,
      overdue: f.deadline && target !== 'verifying' ? false : c.ledger.overdue,
    };
  }
  if (BEFORE_CONFIRMED.has(target)) next = { ...next, confirmation: null };
  if (!CLOSED.has(target)) next = { ...next, closedAt: null };
  // Out of 已查否 / 已移送 (version 3): the signed dismissal or the transfer no longer holds; the events that
  // recorded them stay in the log, and the correction record names the state it left. (In versions 1–2
  // both only exist in final states, which no correction leaves, so this changes nothing there.)
  if (next.dismissal?.principalSignedAt) next = { ...next, dismissal: null };
  if (next.transfer) next = { ...next, transfer: null };
  return next;
}

/** What a correction event records. The progress, evidence and complaints already on record are kept. */
export function applyCorrectionEvent(c: CorrectableContext, event: CorrectionEvent): CorrectableContext {
  const base = { ...c, lastEventAt: event.at, corrections: c.corrections ?? [] };
  switch (event.type) {
    case 'REQUEST_CORRECTION':
      return {
        ...base,
        pendingCorrection: {
          corrects: event.corrects,
          correctsType: event.correctsType,
          targetState: event.targetState as CorrectableState,
          fields: event.fields ?? {},
          reason: event.reason,
          requestedBy: event.requestedBy,
          requestedAt: event.at,
          voidEscalations: event.voidEscalations ?? [],
        },
      };
    case 'APPROVE_CORRECTION': {
      const request = c.pendingCorrection!;
      const record: CorrectionRecord = {
        ...request,
        outcome: 'approved',
        decidedBy: event.approvedBy,
        decidedAt: event.at,
        fromState: event.fromState ?? null,
        note: event.note ?? null,
      };
      return {
        ...corrected(base, request, event.at),
        corrections: [...base.corrections, record],
        pendingCorrection: null,
      };
    }
    case 'REFUSE_CORRECTION': {
      const record: CorrectionRecord = {
        ...c.pendingCorrection!,
        outcome: 'refused',
        decidedBy: event.refusedBy,
        decidedAt: event.at,
        fromState: null,
        note: event.reason,
      };
      return { ...base, corrections: [...base.corrections, record], pendingCorrection: null };
    }
  }
}
