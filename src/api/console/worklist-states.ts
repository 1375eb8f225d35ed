import type { AuthUser } from '../context';

/**
 * Which item states wait for which role (我的待办). Officers carry an item from registration through
 * verification and rectification; supervisors decide at acceptance and look-back; a principal leader
 * (主要负责人) also signs the dismissals of their own unit. Auditors act on no item. Every state listed
 * here has a forward transition that the role's permissions allow (checked by test against the machine
 * and the command table).
 */
export const WORKLIST_STATES = {
  officer: ['registered', 'verifying', 'confirmed', 'rectifying', 'reopened'],
  supervisor: ['awaitingAcceptance', 'lookBack'],
  auditor: [],
} as const satisfies Record<AuthUser['role'], readonly string[]>;

/** The state in which a principal leader signs (only items their unit handles). */
export const PRINCIPAL_STATE = 'dismissalPending';

/** How far ahead a deadline counts as "due soon" (≤ 3 days). */
export const DUE_SOON_MS = 3 * 86_400_000;
