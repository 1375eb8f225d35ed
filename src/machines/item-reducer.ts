import type { ItemContext, ItemEvent, ItemInput, LedgerRow } from './item-types';

/** The context of a freshly registered clue. Pure and cheap: XState runs it on every `transition()`. */
export function initialItemContext(input: ItemInput): ItemContext {
  return {
    itemId: input.itemId,
    campaignId: input.campaignId,
    reportedUnitId: input.reportedUnitId,
    clue: {
      source: input.source,
      channel: input.channel ?? null,
      description: input.description,
      receivedAt: input.receivedAt,
      reporter: input.reporter ?? null,
    },
    ledgerNumber: input.ledgerNumber ?? null,
    registeredAt: input.at,
    verification: null,
    dismissal: null,
    transfer: null,
    confirmation: null,
    ledger: null,
    submissions: [],
    rejections: [],
    closedAt: null,
    lookBacks: [],
    reopenCount: 0,
    tags: [],
    complaints: [],
    stateEnteredAt: input.at,
    lastEventAt: input.at,
  };
}

/**
 * What an accepted event changes in the item's context. The machine decides *whether* an event is
 * accepted (states and guards); this function only records *what* it says.
 */
export function applyItemEvent(context: ItemContext, event: ItemEvent): ItemContext {
  const next: ItemContext = { ...context, lastEventAt: event.at };
  const ledger = context.ledger;
  switch (event.type) {
    case 'ASSIGN_VERIFICATION':
      return {
        ...next,
        verification: {
          unitId: event.unitId,
          officerId: event.officerId,
          deadline: event.deadline,
          assignedAt: event.at,
          overdue: false,
          findings: null,
        },
      };
    case 'VERIFICATION_OVERDUE':
      return { ...next, verification: context.verification && { ...context.verification, overdue: true } };
    case 'CONFIRM':
      return {
        ...next,
        confirmation: {
          category: event.category,
          checklistItem: event.checklistItem ?? null,
          severity: event.severity,
          findings: event.findings,
          confirmedAt: event.at,
        },
        verification: context.verification && { ...context.verification, findings: event.findings },
      };
    case 'PROPOSE_DISMISSAL':
      return {
        ...next,
        dismissal: {
          reason: event.reason,
          handlerId: event.handlerId,
          handlerSignedAt: event.at,
          principalId: null,
          principalSignedAt: null,
          officerNameCleared: false,
        },
      };
    case 'APPROVE_DISMISSAL':
      return {
        ...next,
        dismissal: context.dismissal && {
          ...context.dismissal,
          principalId: event.principalId,
          principalSignedAt: event.at,
          officerNameCleared: true,
        },
      };
    case 'WITHDRAW_DISMISSAL':
      return { ...next, dismissal: null };
    case 'TRANSFER':
      return { ...next, transfer: { to: event.to, reason: event.reason, at: event.at } };
    case 'START_RECTIFICATION':
      return {
        ...next,
        ledger: {
          manifestation: event.manifestation,
          measures: event.measures,
          responsibleUnitId: event.responsibleUnitId,
          responsiblePerson: event.responsiblePerson,
          deadline: event.deadline,
          progress: [],
          accountability: null,
          longTerm: null,
          overdue: false,
          deadlineExtensions: [],
          // Optional clerk fields: absent from events before they existed, so old snapshots replay unchanged.
          ...(event.coUnitIds?.length ? { coUnitIds: event.coUnitIds } : {}),
          ...(event.remarks ? { remarks: event.remarks } : {}),
          ...(event.deadlineText ? { deadlineText: event.deadlineText } : {}),
        },
      };
    case 'UPDATE_LEDGER': {
      const { manifestation, measures, responsibleUnitId, responsiblePerson, coUnitIds, remarks } = event;
      const changes = Object.fromEntries(
        Object.entries({
          manifestation,
          measures,
          responsibleUnitId,
          responsiblePerson,
          coUnitIds,
          remarks,
        }).filter(([, v]) => v !== undefined),
      );
      return { ...next, ledger: ledger && { ...ledger, ...changes } };
    }
    case 'RECORD_PROGRESS':
      return {
        ...next,
        ledger: ledger && {
          ...ledger,
          progress: [...ledger.progress, { at: event.at, note: event.note, evidence: event.evidence ?? [] }],
        },
      };
    case 'RECORD_ACCOUNTABILITY':
      return { ...next, ledger: ledger && { ...ledger, accountability: event.accountability } };
    case 'MARK_LONG_TERM':
      return {
        ...next,
        ledger: ledger && {
          ...ledger,
          overdue: false,
          longTerm: {
            currentResult: event.currentResult,
            longTermMeasures: event.longTermMeasures,
            since: event.at,
          },
        },
      };
    case 'CHANGE_DEADLINE':
    case 'EXTEND_DEADLINE': {
      // The clerk's wording described the old deadline: an extended one is shown as a date.
      const { deadlineText: _replaced, ...kept } = ledger ?? ({} as LedgerRow);
      return {
        ...next,
        ledger: ledger && {
          ...kept,
          deadline: event.deadline,
          overdue: false,
          deadlineExtensions: [
            ...ledger.deadlineExtensions,
            { from: ledger.deadline, to: event.deadline, reason: event.reason, at: event.at },
          ],
        },
      };
    }
    case 'RECTIFICATION_OVERDUE':
      return { ...next, ledger: ledger && { ...ledger, overdue: true } };
    case 'SUBMIT_FOR_ACCEPTANCE':
      return {
        ...next,
        submissions: [
          ...context.submissions,
          { at: event.at, result: event.result, evidence: event.evidence },
        ],
      };
    case 'ACCEPT':
      return { ...next, closedAt: event.at };
    case 'REJECT':
      return { ...next, rejections: [...context.rejections, { at: event.at, reason: event.reason }] };
    case 'START_LOOK_BACK':
      return {
        ...next,
        lookBacks: [...context.lookBacks, { at: event.at, outcome: 'started', note: event.note ?? '' }],
      };
    case 'PASS_LOOK_BACK':
      return {
        ...next,
        lookBacks: [...context.lookBacks, { at: event.at, outcome: 'passed', note: event.note }],
      };
    case 'REBOUND':
      return {
        ...next,
        closedAt: null,
        reopenCount: context.reopenCount + 1,
        lookBacks: [...context.lookBacks, { at: event.at, outcome: 'rebound', note: event.note }],
      };
    case 'RESUME_RECTIFICATION':
      return {
        ...next,
        ledger: ledger && {
          ...ledger,
          measures: event.measures ?? ledger.measures,
          overdue: false,
          deadlineExtensions: [
            ...ledger.deadlineExtensions,
            { from: ledger.deadline, to: event.deadline, reason: 'reopened (反弹)', at: event.at },
          ],
          deadline: event.deadline,
        },
      };
    case 'ADD_TAG':
      return { ...next, tags: [...context.tags, event.tag] };
    case 'RECORD_COMPLAINT':
      return { ...next, complaints: [...context.complaints, event.receivedAt] };
    case 'RECORD_SUPPRESSION': {
      const { type: _type, ...record } = event;
      return { ...next, suppressions: [...(context.suppressions ?? []), record] };
    }
  }
}
