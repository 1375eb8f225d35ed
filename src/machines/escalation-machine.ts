import { assign, setup } from 'xstate';
import {
  ESCALATION_MEASURES,
  type EscalationContext,
  type EscalationEvent,
  type EscalationInput,
} from './escalation-types';
import {
  firstFailure,
  requireInstant,
  requireText,
  toXStateGuards,
  type GuardReasonTable,
} from './guard-reasons';

/** Bump when states, guards or the reducer change meaning. */
export const ESCALATION_MACHINE_VERSION = 1;

type Of<T extends EscalationEvent['type']> = Extract<EscalationEvent, { type: T }>;
const weight = (measure: string): number => ESCALATION_MEASURES.indexOf(measure as never);

/** Why an escalation record cannot be created with this input, or null. */
export function escalationInputProblem(input: EscalationInput): string | null {
  return firstFailure(
    requireText(input.escalationId, 'escalationId'),
    requireText(input.campaignId, 'campaignId'),
    requireText(input.unitId, 'unitId'),
    weight(input.measure) >= 0 ? null : `measure must be one of ${ESCALATION_MEASURES.join(', ')}`,
    requireText(input.target?.kind, 'target.kind') ?? requireText(input.target?.id, 'target.id'),
    requireText(input.ruleId, 'ruleId'),
    Number.isInteger(input.ruleSetVersion) ? null : 'ruleSetVersion must be a whole number',
    input.respondBy === null ? null : requireInstant(input.respondBy, 'respondBy'),
    requireInstant(input.at, 'at'),
  );
}

/** One place that explains every refusal of the escalation machine. */
export const escalationGuardReasons: GuardReasonTable<EscalationContext, EscalationEvent> = {
  hasResponse: (_c, e) => requireText((e as Of<'RESPOND'>).response, 'response'),
  hasNote: (_c, e) => requireText((e as Of<'RECORD_FOLLOW_UP'>).note, 'note'),
  hasOutcome: (_c, e) => requireText((e as Of<'RECORD_OUTCOME'>).outcome, 'outcome (处理结果)'),
  responseDeadlineMatches: (c, e) => {
    const event = e as Of<'RESPONSE_OVERDUE'>;
    if (c.responseOverdue) return 'the response is already marked overdue';
    if (c.respondBy !== event.deadline)
      return 'the response deadline has changed since this deadline event was scheduled';
    return Date.parse(event.at) >= Date.parse(event.deadline)
      ? null
      : 'the response deadline has not passed yet';
  },
  mayLift: (c, e) => {
    const reason = requireText((e as Of<'LIFT'>).reason, 'reason');
    if (reason) return reason;
    // 纪法衔接闭环 (Jiangyuan): a referral to discipline inspection is followed until it is handled.
    if (c.measure === 'refer_to_discipline' && c.outcome === null) {
      return 'a referral to discipline inspection stays open until its outcome is recorded (RECORD_OUTCOME)';
    }
    if (c.measure === 'listed_supervision' && c.followUps.length === 0) {
      return 'listed supervision (挂牌督办) is lifted only after at least one follow-up is recorded in the 督办台账';
    }
    return null;
  },
  validOccurrence: (_c, e) => {
    const event = e as Of<'RECORD_OCCURRENCE'>;
    return firstFailure(
      requireText(event.itemId, 'itemId'),
      requireText(event.ruleId, 'ruleId'),
      weight(event.measure) >= 0 ? null : `measure must be one of ${ESCALATION_MEASURES.join(', ')}`,
      ['already_open', 'lighter_than_open'].includes(event.cause)
        ? null
        : 'cause must be already_open or lighter_than_open',
    );
  },
  validReviewFlag: (_c, e) => {
    const event = e as Of<'FLAG_FOR_REVIEW'>;
    return firstFailure(requireText(event.itemId, 'itemId'), requireText(event.ruleId, 'ruleId'));
  },
  reviewPending: (c, e) => {
    const note = requireText((e as Of<'KEEP_AFTER_REVIEW'>).note, 'note');
    if (note) return note;
    const flags = c.reviewFlags?.length ?? 0;
    return flags > (c.reviewDecisions?.length ?? 0)
      ? null
      : 'no review flag awaits a decision on this escalation';
  },
  voidedByCorrection: (_c, e) => {
    const event = e as Of<'VOID'>;
    return firstFailure(
      requireText(event.reason, 'reason (作废理由)'),
      requireText(event.correction?.itemId, 'correction.itemId'),
      Number.isInteger(event.correction?.sequence) ? null : 'correction.sequence must be a whole number',
    );
  },
  heavierMeasure: (c, e) => {
    const event = e as Of<'STEP_UP'>;
    if (weight(event.measure) < 0) return `measure must be one of ${ESCALATION_MEASURES.join(', ')}`;
    if (weight(event.measure) <= weight(c.measure))
      return `stepping up needs a heavier measure than ${c.measure}`;
    return requireText(event.escalationId, 'escalationId');
  },
};

function apply(context: EscalationContext, event: EscalationEvent): EscalationContext {
  const next = { ...context, lastEventAt: event.at };
  switch (event.type) {
    case 'ACKNOWLEDGE':
      return { ...next, acknowledgedAt: event.at };
    case 'RESPOND':
      return { ...next, responses: [...context.responses, { at: event.at, response: event.response }] };
    case 'RECORD_FOLLOW_UP':
      return { ...next, followUps: [...context.followUps, { at: event.at, note: event.note }] };
    case 'RECORD_OUTCOME':
      return { ...next, outcome: { at: event.at, outcome: event.outcome } };
    case 'RESPONSE_OVERDUE':
      return { ...next, responseOverdue: true };
    case 'LIFT':
      return { ...next, liftedAt: event.at, liftReason: event.reason };
    case 'STEP_UP':
      return { ...next, steppedUpTo: { measure: event.measure, escalationId: event.escalationId } };
    case 'RECORD_OCCURRENCE': {
      const { type: _type, ...occurrence } = event;
      return { ...next, occurrences: [...(context.occurrences ?? []), occurrence] };
    }
    case 'FLAG_FOR_REVIEW': {
      const { type: _type, ...flag } = event;
      return { ...next, reviewFlags: [...(context.reviewFlags ?? []), flag] };
    }
    case 'KEEP_AFTER_REVIEW':
      return {
        ...next,
        reviewDecisions: [...(context.reviewDecisions ?? []), { at: event.at, note: event.note }],
      };
    case 'VOID':
      // Only a voided record carries `voided`: older snapshots (and their replays) stay exactly as they were.
      return {
        ...next,
        voided: { at: event.at, reason: event.reason, correction: event.correction },
      } as EscalationContext;
  }
}

const open = {
  RECORD_FOLLOW_UP: { guard: 'hasNote', actions: 'apply' },
  RECORD_OUTCOME: { guard: 'hasOutcome', actions: 'apply' },
  RESPONSE_OVERDUE: { guard: 'responseDeadlineMatches', actions: 'apply' },
  LIFT: { target: 'lifted', guard: 'mayLift', actions: 'apply' },
  STEP_UP: { target: 'steppedUp', guard: 'heavierMeasure', actions: 'apply' },
  RECORD_OCCURRENCE: { guard: 'validOccurrence', actions: 'apply' },
  FLAG_FOR_REVIEW: { guard: 'validReviewFlag', actions: 'apply' },
  KEEP_AFTER_REVIEW: { guard: 'reviewPending', actions: 'apply' },
  VOID: { target: 'voided', guard: 'voidedByCorrection', actions: 'apply' },
} as const;

/**
 * An escalation record (处置记录): issued → acknowledged → responded → lifted, or stepped up to a heavier
 * measure (which issues a new record). Listed supervision keeps its follow-up ledger; a referral to
 * discipline inspection cannot be lifted before its outcome is recorded.
 */
export const escalationMachine = setup({
  types: {} as { context: EscalationContext; events: EscalationEvent; input: EscalationInput },
  guards: toXStateGuards(escalationGuardReasons),
  actions: { apply: assign(({ context, event }) => apply(context, event)) },
}).createMachine({
  id: 'escalation',
  context: ({ input }) => {
    const { at, ...rest } = input;
    return {
      ...rest,
      issuedAt: at,
      acknowledgedAt: null,
      responses: [],
      followUps: [],
      outcome: null,
      responseOverdue: false,
      liftedAt: null,
      liftReason: null,
      steppedUpTo: null,
      lastEventAt: at,
    };
  },
  initial: 'issued',
  states: {
    issued: {
      on: {
        ...open,
        ACKNOWLEDGE: { target: 'acknowledged', actions: 'apply' },
        RESPOND: { target: 'responded', guard: 'hasResponse', actions: 'apply' },
      },
    },
    acknowledged: {
      on: { ...open, RESPOND: { target: 'responded', guard: 'hasResponse', actions: 'apply' } },
    },
    responded: { on: { ...open, RESPOND: { guard: 'hasResponse', actions: 'apply' } } },
    lifted: { type: 'final' },
    steppedUp: { type: 'final' },
    /** Voided by an approved correction (an event added without changing what older records replay to). */
    voided: { type: 'final' },
  },
});
