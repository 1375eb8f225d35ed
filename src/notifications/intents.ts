import { ESCALATION_MEASURES, type EscalationContext } from '../machines/escalation-types';
import type { ItemContext } from '../machines/item-types';
import { labelOf } from '../vocabulary/labels';
import { NotificationKind } from './kinds';

/**
 * Who should hear of something, named from the record before anyone is looked up: the resolver
 * (recipients.ts) turns these into user ids inside the event's transaction.
 */
export type RecipientRule =
  /** A person the record names: a user id, or a display name within `unitId` (ledger 责任人). */
  | { role: 'person'; ref: string; unitId: string | null; as?: 'handler' | 'responsible' }
  /** The unit's principal leaders (单位主要负责人). */
  | { role: 'principal'; unitId: string }
  /** Supervisors of the unit one level up (上级督导). */
  | { role: 'supervisorAbove'; unitId: string }
  /** The handler and the responsible person of an item (read from the item's current state). */
  | { role: 'itemPeople'; itemId: string };

/** One notification to create: its kind, who gets it, and the template variables known from the event. */
export interface NotificationIntent {
  kind: NotificationKind;
  streamId: string;
  recipients: RecipientRule[];
  /** Template variables; `unitId` is turned into `unitName` by the resolver. */
  variables: Record<string, unknown>;
  unitId: string;
  /** Never told about their own act. */
  exceptUserId?: string;
}

/** The part of an appended event this module reads (engine's AppendedEvent without its transaction). */
export interface EventFacts {
  streamType: string;
  created: boolean;
  streamId: string;
  type: string;
  actorId: string;
  payload: Record<string, unknown>;
  unitId: string;
  state: string;
  context: unknown;
}

/** Event types that ask for a correction's approval (issue 11's audited corrections). */
export const CORRECTION_REQUEST_TYPES: readonly string[] = ['REQUEST_CORRECTION'];

/** Measures from which the supervisors above are told as well (挂牌督办 and heavier). */
const SUPERVISOR_COPY_FROM = ESCALATION_MEASURES.indexOf('listed_supervision');

const handlerOf = (item: ItemContext): RecipientRule[] =>
  item.verification
    ? [{ role: 'person', ref: item.verification.officerId, unitId: item.verification.unitId, as: 'handler' }]
    : [];
const responsibleOf = (item: ItemContext): RecipientRule[] =>
  item.ledger
    ? [
        {
          role: 'person',
          ref: item.ledger.responsiblePerson,
          unitId: item.ledger.responsibleUnitId,
          as: 'responsible',
        },
      ]
    : [];

function itemVariables(item: ItemContext, state: string): Record<string, unknown> {
  return { itemId: item.itemId, itemTitle: itemTitleOf(item), description: item.clue.description, state };
}

const TITLE_LENGTH = 24;

/**
 * What a person recognises an item by in a subject line: the ledger's 具体表现 when there is one, else the
 * clue's description, on one line and cut at 24 characters (an item id is a UUID for registered clues).
 */
export function itemTitleOf(
  item: Pick<ItemContext, 'clue'> & { ledger?: { manifestation?: string } | null },
): string {
  const text = (item.ledger?.manifestation || item.clue?.description || '').replace(/\s+/g, ' ').trim();
  const characters = [...text];
  return characters.length > TITLE_LENGTH ? `${characters.slice(0, TITLE_LENGTH).join('')}…` : text;
}

/** Who an escalation concerns, by its target kind (the rules vocabulary: 事项, 责任人, 单位负责人, 单位). */
export function escalationRecipients(escalation: EscalationContext): RecipientRule[] {
  const unitId = escalation.unitId;
  const rules: RecipientRule[] = [];
  switch (escalation.target.kind) {
    case 'item':
      rules.push(
        escalation.itemId ? { role: 'itemPeople', itemId: escalation.itemId } : { role: 'principal', unitId },
      );
      break;
    case 'responsible_person':
      rules.push({ role: 'person', ref: escalation.target.id, unitId });
      break;
    case 'unit':
      rules.push({ role: 'principal', unitId });
      break;
    case 'unit_leader':
      rules.push({ role: 'principal', unitId }, { role: 'supervisorAbove', unitId });
      break;
  }
  if (ESCALATION_MEASURES.indexOf(escalation.measure) >= SUPERVISOR_COPY_FROM)
    rules.push({ role: 'supervisorAbove', unitId });
  return rules;
}

function escalationIntent(
  kind: NotificationKind,
  streamId: string,
  escalation: EscalationContext,
  extra: Record<string, unknown> = {},
): NotificationIntent {
  return {
    kind,
    streamId,
    unitId: escalation.unitId,
    recipients: escalationRecipients(escalation),
    variables: {
      escalationId: streamId,
      measureLabel: labelOf('measure', escalation.measure),
      targetLabel: labelOf('target', escalation.target.kind),
      itemId: escalation.itemId,
      ruleTitle: escalation.ruleTitle,
      reason: escalation.reason,
      respondBy: escalation.respondBy,
      ...extra,
    },
  };
}

function itemIntents(e: EventFacts): NotificationIntent[] {
  const item = e.context as ItemContext;
  const base = { streamId: e.streamId, exceptUserId: e.actorId };
  const vars = itemVariables(item, e.state);
  switch (e.type) {
    case 'ASSIGN_VERIFICATION':
      return [
        {
          ...base,
          kind: NotificationKind.itemAssigned,
          unitId: item.verification!.unitId,
          recipients: handlerOf(item),
          variables: { ...vars, task: '线索核查', deadline: item.verification!.deadline },
        },
      ];
    case 'START_RECTIFICATION':
    case 'RESUME_RECTIFICATION':
      return [
        {
          ...base,
          kind: NotificationKind.itemAssigned,
          unitId: item.ledger!.responsibleUnitId,
          recipients: responsibleOf(item),
          variables: { ...vars, task: '问题整改', deadline: item.ledger!.deadline },
        },
      ];
    case 'VERIFICATION_OVERDUE':
      return [
        {
          ...base,
          kind: NotificationKind.deadlinePassed,
          unitId: item.verification!.unitId,
          recipients: [...handlerOf(item), { role: 'principal', unitId: item.verification!.unitId }],
          variables: { ...vars, what: '线索核查', deadline: item.verification!.deadline },
        },
      ];
    case 'RECTIFICATION_OVERDUE':
      return [
        {
          ...base,
          kind: NotificationKind.deadlinePassed,
          unitId: item.ledger!.responsibleUnitId,
          recipients: [
            ...responsibleOf(item),
            ...handlerOf(item),
            { role: 'principal', unitId: item.ledger!.responsibleUnitId },
          ],
          variables: { ...vars, what: '问题整改', deadline: item.ledger!.deadline },
        },
      ];
    case 'REJECT':
      return [
        {
          ...base,
          kind: NotificationKind.acceptanceRejected,
          unitId: item.ledger?.responsibleUnitId ?? e.unitId,
          recipients: [
            ...responsibleOf(item),
            ...handlerOf(item),
            { role: 'principal', unitId: item.ledger?.responsibleUnitId ?? e.unitId },
          ],
          variables: { ...vars, reason: e.payload.reason, deadline: item.ledger?.deadline },
        },
      ];
    case 'PROPOSE_DISMISSAL': {
      const unitId = item.verification?.unitId ?? e.unitId;
      return [
        {
          ...base,
          kind: NotificationKind.dismissalAwaitingApproval,
          unitId,
          recipients: [{ role: 'principal', unitId }],
          variables: { ...vars, reason: e.payload.reason, handlerName: e.payload.handlerId },
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * The notifications an appended event calls for (issue 14 §1): escalations issued, items assigned,
 * deadlines passed, refusals at acceptance, dismissals and corrections awaiting approval. Pure: it reads
 * only the event and the stream's new state. Deadlines approaching come from the clock (clock-jobs.ts).
 */
export function intentsFor(e: EventFacts): NotificationIntent[] {
  if (CORRECTION_REQUEST_TYPES.includes(e.type)) {
    // The requester may never approve their own correction (issue 11), so they are not asked to.
    const requester = String(e.payload.requestedBy ?? e.actorId);
    return [
      {
        kind: NotificationKind.correctionAwaitingApproval,
        streamId: e.streamId,
        unitId: e.unitId,
        exceptUserId: requester,
        recipients: [
          { role: 'principal', unitId: e.unitId },
          { role: 'supervisorAbove', unitId: e.unitId },
        ],
        variables: {
          streamId: e.streamId,
          eventType: labelOf('eventType', String(e.payload.correctsType ?? e.payload.eventType ?? e.type)),
          reason: e.payload.reason,
          requestedBy: requester,
        },
      },
    ];
  }
  if (e.streamType === 'item') return itemIntents(e);
  if (e.streamType === 'escalation') {
    const escalation = e.context as EscalationContext;
    if (e.created) return [escalationIntent(NotificationKind.escalationIssued, e.streamId, escalation)];
    if (e.type === 'RESPONSE_OVERDUE')
      return [
        escalationIntent(NotificationKind.deadlinePassed, e.streamId, escalation, {
          what: `${labelOf('measure', escalation.measure)}回复`,
          deadline: escalation.respondBy,
          description: escalation.reason,
          itemTitle: escalation.ruleTitle,
        }),
      ];
  }
  return [];
}
