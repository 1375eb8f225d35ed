import { assign, setup } from 'xstate';
import { CONCLUDED_TAG } from './common';
import { firstFailure, requireInstant, requireText, toXStateGuards } from './guard-reasons';
import { itemGuardReasons } from './item-guards';
import {
  applyCorrectionEvent,
  correctionGuardReasons,
  correctionTransitions,
  type CorrectableContext,
  type CorrectionEvent,
} from './item-corrections';
import { applyItemEvent, initialItemContext } from './item-reducer';
import { ClueSource, type ItemContext, type ItemEvent, type ItemInput } from './item-types';

/** Bump when states, guards or the reducer change meaning; stored streams keep the version they ran on. */
export const ITEM_MACHINE_VERSION = 1;
/** Version 2: version 1 plus audited corrections (item-corrections.ts). */
export const ITEM_MACHINE_V2 = 2;
/**
 * Version 3: version 2, and a wrong 查否 or 移送 can be corrected too. `dismissed` and `transferred` stay
 * concluded (tagged, they accept nothing but the correction events) instead of XState-final, because a final
 * state accepts no event at all. New items start on it. It also takes a supervisor's CHANGE_DEADLINE in
 * 整改中 (earlier or later, with a reason; issue 10 point 4) — an event no version-1/2 stream ever holds.
 */
export const ITEM_MACHINE_V3 = 3;

const CORRECTION_EVENTS = new Set(['REQUEST_CORRECTION', 'APPROVE_CORRECTION', 'REFUSE_CORRECTION']);

const apply = { actions: 'apply' } as const;

/**
 * The life of one problem item (问题事项), DOMAIN.md "A problem item and its life":
 * registered → verifying → confirmed / dismissed (two sign-offs) / transferred → rectifying →
 * awaitingAcceptance → closed (销号) or rejected back → lookBack → closed again or reopened (反弹).
 * Deadlines arrive as events (VERIFICATION_OVERDUE, RECTIFICATION_OVERDUE) from the durable scheduler;
 * the machine has no timers and reads no clock.
 */
function buildItemMachine(version: 1 | 2 | 3) {
  const corrections = version >= 2;
  const correctableConclusions = version >= 3;
  // Accepted in every state that is not over. From version 3 on they are listed per state instead of on the
  // root, so that the concluded states (which must stay non-final to accept a correction) refuse them.
  const everywhere = {
    RECORD_COMPLAINT: { guard: 'validComplaint', ...apply },
    RECORD_SUPPRESSION: { guard: 'validSuppression', ...apply },
  };
  const rootEverywhere = correctableConclusions ? {} : everywhere;
  const own = correctableConclusions ? everywhere : {};
  const concluded = correctableConclusions
    ? ({ entry: 'enterState', tags: [CONCLUDED_TAG] } as const)
    : ({ entry: 'enterState', type: 'final' } as const);
  const reasons = corrections
    ? { ...itemGuardReasons, ...(correctionGuardReasons as unknown as typeof itemGuardReasons) }
    : itemGuardReasons;
  return setup({
    types: {} as { context: ItemContext; events: ItemEvent; input: ItemInput },
    guards: toXStateGuards(reasons),
    actions: {
      apply: assign(({ context, event }) =>
        CORRECTION_EVENTS.has(event.type)
          ? applyCorrectionEvent(context as CorrectableContext, event as unknown as CorrectionEvent)
          : applyItemEvent(context, event),
      ),
      enterState: assign(({ context, event }) => ({
        stateEnteredAt: 'at' in event ? (event as { at: string }).at : context.registeredAt,
      })),
    },
  }).createMachine({
    id: 'item',
    context: ({ input }) =>
      corrections
        ? ({ ...initialItemContext(input), corrections: [], pendingCorrection: null } as ItemContext)
        : initialItemContext(input),
    initial: 'registered',
    on: {
      ...rootEverywhere,
      ...((corrections ? correctionTransitions : {}) as object),
    },
    states: {
      registered: {
        entry: 'enterState',
        on: {
          ...own,
          ASSIGN_VERIFICATION: { target: 'verifying', guard: 'validAssignment', ...apply },
          TRANSFER: { target: 'transferred', guard: 'validTransfer', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      verifying: {
        entry: 'enterState',
        on: {
          ...own,
          ASSIGN_VERIFICATION: { guard: 'validAssignment', ...apply },
          VERIFICATION_OVERDUE: { guard: 'verificationDeadlineMatches', ...apply },
          CONFIRM: { target: 'confirmed', guard: 'validConfirmation', ...apply },
          PROPOSE_DISMISSAL: { target: 'dismissalPending', guard: 'validDismissalProposal', ...apply },
          TRANSFER: { target: 'transferred', guard: 'validTransfer', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      dismissalPending: {
        entry: 'enterState',
        on: {
          ...own,
          APPROVE_DISMISSAL: { target: 'dismissed', guard: 'principalOfHandlingUnit', ...apply },
          WITHDRAW_DISMISSAL: { target: 'verifying', guard: 'hasReason', ...apply },
        },
      },
      dismissed: concluded,
      transferred: concluded,
      confirmed: {
        entry: 'enterState',
        on: {
          ...own,
          START_RECTIFICATION: { target: 'rectifying', guard: 'completeLedgerRow', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      rectifying: {
        entry: 'enterState',
        on: {
          ...own,
          UPDATE_LEDGER: { guard: 'validLedgerUpdate', ...apply },
          RECORD_PROGRESS: { guard: 'hasNote', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
          MARK_LONG_TERM: { guard: 'validLongTerm', ...apply },
          EXTEND_DEADLINE: { guard: 'laterDeadline', ...apply },
          ...(correctableConclusions ? { CHANGE_DEADLINE: { guard: 'validDeadlineChange', ...apply } } : {}),
          RECTIFICATION_OVERDUE: { guard: 'rectificationDeadlineMatches', ...apply },
          SUBMIT_FOR_ACCEPTANCE: { target: 'awaitingAcceptance', guard: 'evidenceSubmitted', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      awaitingAcceptance: {
        entry: 'enterState',
        on: {
          ...own,
          ACCEPT: { target: 'closed', ...apply },
          REJECT: { target: 'rectifying', guard: 'hasReason', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
        },
      },
      closed: {
        entry: 'enterState',
        on: {
          ...own,
          START_LOOK_BACK: { target: 'lookBack', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
        },
      },
      lookBack: {
        entry: 'enterState',
        on: {
          ...own,
          PASS_LOOK_BACK: { target: 'closed', guard: 'hasNote', ...apply },
          REBOUND: { target: 'reopened', guard: 'hasNote', ...apply },
        },
      },
      reopened: {
        entry: 'enterState',
        on: {
          ...own,
          RESUME_RECTIFICATION: { target: 'rectifying', guard: 'validResumption', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
    },
  });
}

/** Version 1, as released: streams created on it replay on it, up to a MIGRATED event. */
export const itemMachine = buildItemMachine(1);
/** Version 2: audited corrections (REQUEST_CORRECTION → APPROVE_CORRECTION by a second person). */
export const itemMachineV2 = buildItemMachine(2);
/** Version 3: version 2, with corrections out of 已查否 and 已移送. */
export const itemMachineV3 = buildItemMachine(3);

export type ItemMachine = typeof itemMachine;

const clueSources = new Set<string>(Object.values(ClueSource));

/** Why a clue cannot be registered with this input, or null. */
export function itemInputProblem(input: ItemInput): string | null {
  return firstFailure(
    requireText(input.itemId, 'itemId'),
    requireText(input.campaignId, 'campaignId'),
    requireText(input.reportedUnitId, 'reportedUnitId (被反映单位)'),
    clueSources.has(input.source) ? null : `source must be one of ${[...clueSources].join(', ')}`,
    requireText(input.description, 'description (问题描述)'),
    requireInstant(input.receivedAt, 'receivedAt'),
    requireInstant(input.at, 'at'),
    input.ledgerNumber === undefined || (Number.isInteger(input.ledgerNumber) && input.ledgerNumber > 0)
      ? null
      : 'ledgerNumber (序号) must be a positive whole number',
  );
}
