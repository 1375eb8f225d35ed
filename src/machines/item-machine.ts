import { assign, setup } from 'xstate';
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
/** Version 2: version 1 plus audited corrections (item-corrections.ts). New items start on it. */
export const ITEM_MACHINE_V2 = 2;

const CORRECTION_EVENTS = new Set(['REQUEST_CORRECTION', 'APPROVE_CORRECTION', 'REFUSE_CORRECTION']);

const apply = { actions: 'apply' } as const;

/**
 * The life of one problem item (问题事项), DOMAIN.md "A problem item and its life":
 * registered → verifying → confirmed / dismissed (two sign-offs) / transferred → rectifying →
 * awaitingAcceptance → closed (销号) or rejected back → lookBack → closed again or reopened (反弹).
 * Deadlines arrive as events (VERIFICATION_OVERDUE, RECTIFICATION_OVERDUE) from the durable scheduler;
 * the machine has no timers and reads no clock.
 */
function buildItemMachine(version: 1 | 2) {
  const corrections = version >= 2;
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
      RECORD_COMPLAINT: { guard: 'validComplaint', ...apply },
      RECORD_SUPPRESSION: { guard: 'validSuppression', ...apply },
      ...((corrections ? correctionTransitions : {}) as object),
    },
    states: {
      registered: {
        entry: 'enterState',
        on: {
          ASSIGN_VERIFICATION: { target: 'verifying', guard: 'validAssignment', ...apply },
          TRANSFER: { target: 'transferred', guard: 'validTransfer', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      verifying: {
        entry: 'enterState',
        on: {
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
          APPROVE_DISMISSAL: { target: 'dismissed', guard: 'principalOfHandlingUnit', ...apply },
          WITHDRAW_DISMISSAL: { target: 'verifying', guard: 'hasReason', ...apply },
        },
      },
      dismissed: { entry: 'enterState', type: 'final' },
      transferred: { entry: 'enterState', type: 'final' },
      confirmed: {
        entry: 'enterState',
        on: {
          START_RECTIFICATION: { target: 'rectifying', guard: 'completeLedgerRow', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      rectifying: {
        entry: 'enterState',
        on: {
          UPDATE_LEDGER: { guard: 'validLedgerUpdate', ...apply },
          RECORD_PROGRESS: { guard: 'hasNote', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
          MARK_LONG_TERM: { guard: 'validLongTerm', ...apply },
          EXTEND_DEADLINE: { guard: 'laterDeadline', ...apply },
          RECTIFICATION_OVERDUE: { guard: 'rectificationDeadlineMatches', ...apply },
          SUBMIT_FOR_ACCEPTANCE: { target: 'awaitingAcceptance', guard: 'evidenceSubmitted', ...apply },
          ADD_TAG: { guard: 'validTag', ...apply },
        },
      },
      awaitingAcceptance: {
        entry: 'enterState',
        on: {
          ACCEPT: { target: 'closed', ...apply },
          REJECT: { target: 'rectifying', guard: 'hasReason', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
        },
      },
      closed: {
        entry: 'enterState',
        on: {
          START_LOOK_BACK: { target: 'lookBack', ...apply },
          RECORD_ACCOUNTABILITY: { guard: 'hasAccountability', ...apply },
        },
      },
      lookBack: {
        entry: 'enterState',
        on: {
          PASS_LOOK_BACK: { target: 'closed', guard: 'hasNote', ...apply },
          REBOUND: { target: 'reopened', guard: 'hasNote', ...apply },
        },
      },
      reopened: {
        entry: 'enterState',
        on: {
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
