import { itemMachine } from '../machines/item-machine';
import { ITEM_STATES_WITH_DEADLINE } from '../persistence/overdue';

type TransitionNode = { transitions: Map<string, Array<{ target?: Array<{ key: string }> }>> };

/**
 * The state an item is in after an event of each type, read from the item machine itself (every
 * transition with a target), so that "state as of an instant" follows the machine when it changes.
 * An event type that could lead to two different states would make this ambiguous: that is refused here.
 * Events without a target (self-transitions such as RECORD_PROGRESS) leave the state as it was.
 */
export function stateAfterEventType(): ReadonlyMap<string, string> {
  const targets = new Map<string, string>([['REGISTER', String(itemMachine.config.initial)]]);
  for (const node of Object.values(itemMachine.states) as unknown as TransitionNode[]) {
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const target = transition.target?.[0]?.key;
        if (!target) continue;
        const known = targets.get(eventType);
        if (known && known !== target)
          throw new Error(`event ${eventType} leads to both ${known} and ${target}: state-as-of needs one`);
        targets.set(eventType, target);
      }
    }
  }
  return targets;
}

/** How the bulletin groups item states (documented in README "ledgers"). */
export const BulletinStates = {
  /** 核查中: registered, being verified, or awaiting the dismissal sign-off. */
  verifying: ['registered', 'verifying', 'dismissalPending'],
  /** 整改中: confirmed and not yet closed (including awaiting acceptance and reopened). */
  rectifying: ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'],
  /** 已销号: accepted (including those under look-back). */
  closed: ['closed', 'lookBack'],
  dismissed: ['dismissed'],
  transferred: ['transferred'],
  /** States in which a deadline runs (the projected `deadline` column is set only in these). */
  withDeadline: ITEM_STATES_WITH_DEADLINE,
} as const;

/** Event types that set the running deadline, and the field holding it. */
export const DEADLINE_EVENT_TYPES = [
  'ASSIGN_VERIFICATION',
  'START_RECTIFICATION',
  'EXTEND_DEADLINE',
  'CHANGE_DEADLINE',
  'RESUME_RECTIFICATION',
] as const;
