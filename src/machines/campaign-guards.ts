import {
  PHASE_ORDER,
  type ChildCampaignFacts,
  type CampaignContext,
  type CampaignEvent,
  type Category,
  type ChecklistItem,
  type Phase,
} from './campaign-types';
import { firstFailure, requireInstant, requireText, type GuardReasonTable } from './guard-reasons';
import { cadenceProblem, nextDueOf } from './reporting-cadence';

type Of<T extends CampaignEvent['type']> = Extract<CampaignEvent, { type: T }>;

const isPhase = (value: unknown): value is Phase => PHASE_ORDER.includes(value as Phase);

/** Category codes are stable identifiers: unique, non-empty, each with a label. */
export function categoryProblem(categories: unknown): string | null {
  if (!Array.isArray(categories) || categories.length === 0)
    return 'a campaign needs at least one problem category';
  const codes = new Set<string>();
  for (const c of categories as Category[]) {
    if (requireText(c?.code, 'category code') || requireText(c?.label, 'category label'))
      return 'every category needs a code and a label';
    if (!/^[a-z][a-z0-9_]*$/.test(c.code))
      return `category code ${c.code} must be lower-case letters, digits and _`;
    if (codes.has(c.code)) return `category code ${c.code} appears twice`;
    codes.add(c.code);
  }
  return null;
}

export function checklistProblem(checklist: unknown): string | null {
  if (!Array.isArray(checklist)) return 'checklist must be a list';
  const numbers = new Set<number>();
  for (const item of checklist as ChecklistItem[]) {
    if (!Number.isInteger(item?.number) || item.number <= 0)
      return 'every checklist item needs a positive number';
    if (numbers.has(item.number)) return `checklist item ${item.number} appears twice`;
    if (requireText(item.text, 'text')) return `checklist item ${item.number} needs a text`;
    numbers.add(item.number);
  }
  return null;
}

/** Deadlines must follow the phase order: no phase may end after the next one. */
export function deadlineOrderProblem(deadlines: Partial<Record<Phase, string>>): string | null {
  let previous: { phase: Phase; at: string } | null = null;
  for (const phase of PHASE_ORDER) {
    const at = deadlines[phase];
    if (at === undefined) continue;
    const invalid = requireInstant(at, `deadline of ${phase}`);
    if (invalid) return invalid;
    if (previous && Date.parse(at) < Date.parse(previous.at)) {
      return `the ${phase} deadline (${at}) is before the ${previous.phase} deadline (${previous.at})`;
    }
    previous = { phase, at };
  }
  return null;
}

function openObligations(context: CampaignContext, phase: Phase): string[] {
  return context.obligations
    .filter((o) => o.phase === phase && o.doneAt === null)
    .map((o) => `${o.label} (${o.code})`);
}

/** How far a campaign has come: 0…4 for the five phases, 5 when finished. */
export function phaseRank(state: string): number {
  if (state === 'finished') return PHASE_ORDER.length;
  const index = PHASE_ORDER.indexOf(state as Phase);
  return index < 0 ? PHASE_ORDER.length : index;
}

/**
 * The sub-campaigns that hold a parent back when it leaves `from` (a phase, or 'consolidate' when finishing):
 * those still in that phase or before it, and — from 集中整治 on — those with confirmed items still open.
 * Finishing also waits for every child to finish and for their long-term items.
 */
export function blockingChildren(
  children: readonly ChildCampaignFacts[] | undefined,
  from: Phase,
  finishing: boolean,
): string[] {
  const rank = PHASE_ORDER.indexOf(from);
  return (children ?? []).flatMap((child) => {
    const reasons: string[] = [];
    if (finishing ? child.state !== 'finished' : phaseRank(child.state) <= rank)
      reasons.push(`still in ${child.state}`);
    if (rank >= PHASE_ORDER.indexOf('rectify') && child.unresolvedItems > 0)
      reasons.push(`${child.unresolvedItems} confirmed item(s) open`);
    if (finishing && child.openLongTermItems > 0)
      reasons.push(`${child.openLongTermItems} long-term item(s) open`);
    return reasons.length > 0 ? [`${child.campaignId} (${reasons.join(', ')})`] : [];
  });
}

/** Why the tree refuses a parent's phase change, or null (no blocking child, or a recorded reason). */
function treeProblem(
  children: readonly ChildCampaignFacts[] | undefined,
  from: Phase,
  finishing: boolean,
  overrideReason: string | undefined,
): string | null {
  if (overrideReason !== undefined && requireText(overrideReason, 'overrideReason'))
    return 'overrideReason, when given, must say why the campaign proceeds over its sub-campaigns';
  const blocking = blockingChildren(children, from, finishing);
  if (blocking.length === 0 || overrideReason !== undefined) return null;
  return `sub-campaigns lag behind or have open items: ${blocking.join('; ')} — finish them first, or give overrideReason to proceed with a recorded reason`;
}

function currentPhase(context: CampaignContext): Phase {
  return context.phaseHistory[context.phaseHistory.length - 1]!.phase;
}

/** One place that explains every refusal of the campaign machine. */
export const campaignGuardReasons: GuardReasonTable<CampaignContext, CampaignEvent> = {
  validPhaseDeadline: (context, event) => {
    const e = event as Of<'SET_PHASE_DEADLINE'>;
    if (!isPhase(e.phase)) return `phase must be one of ${PHASE_ORDER.join(', ')}`;
    const passed = PHASE_ORDER.indexOf(e.phase) < PHASE_ORDER.indexOf(currentPhase(context));
    if (passed) return `the ${e.phase} phase is over; its deadline is history`;
    return deadlineOrderProblem({ ...context.deadlines, [e.phase]: e.deadline });
  },
  validCategories: (_context, event) => categoryProblem((event as Of<'SET_CATEGORIES'>).categories),
  validChecklist: (_context, event) => checklistProblem((event as Of<'SET_CHECKLIST'>).checklist),
  validNewObligation: (context, event) => {
    const e = event as Of<'ADD_OBLIGATION'>;
    return firstFailure(
      requireText(e.code, 'code'),
      requireText(e.label, 'label'),
      isPhase(e.phase) ? null : `phase must be one of ${PHASE_ORDER.join(', ')}`,
      context.obligations.some((o) => o.code === e.code) ? `obligation ${e.code} already exists` : null,
      PHASE_ORDER.indexOf(e.phase) < PHASE_ORDER.indexOf(currentPhase(context))
        ? `the ${e.phase} phase is over`
        : null,
    );
  },
  openObligationExists: (context, event) => {
    const e = event as Of<'FULFIL_OBLIGATION'>;
    const obligation = context.obligations.find((o) => o.code === e.code);
    if (!obligation)
      return `no obligation ${e.code}; known: ${context.obligations.map((o) => o.code).join(', ') || 'none'}`;
    return obligation.doneAt ? `obligation ${e.code} was already fulfilled at ${obligation.doneAt}` : null;
  },
  phaseObligationsMet: (context, event) => {
    const e = event as Of<'ADVANCE_PHASE'>;
    const phase = currentPhase(context);
    const open = openObligations(context, phase);
    if (open.length > 0)
      return `the ${phase} phase cannot close while obligations are open: ${open.join('; ')}`;
    if (phase === 'rectify') {
      if (!Number.isInteger(e.unresolvedItems) || e.unresolvedItems < 0)
        return 'unresolvedItems must be counted by the engine';
      if (e.unresolvedItems > 0) {
        return `集中整治 cannot close: ${e.unresolvedItems} confirmed item(s) are neither closed nor carried into long-term rectification (长期推进)`;
      }
    }
    return treeProblem(e.children, phase, false, e.overrideReason);
  },
  phaseDeadlineMatches: (context, event) => {
    const e = event as Of<'PHASE_DEADLINE_PASSED'>;
    if (e.phase !== currentPhase(context)) return `the campaign is no longer in the ${e.phase} phase`;
    if (context.deadlines[e.phase] !== e.deadline)
      return 'the phase deadline has changed since this deadline event was scheduled';
    if (context.overduePhases.includes(e.phase)) return `the ${e.phase} phase is already marked overdue`;
    return Date.parse(e.at) >= Date.parse(e.deadline) ? null : 'the phase deadline has not passed yet';
  },
  validReporting: (_context, event) => {
    const e = event as Of<'SET_REPORTING'>;
    if (
      !Array.isArray(e.unitIds) ||
      e.unitIds.length === 0 ||
      e.unitIds.some((u) => requireText(u, 'unitId'))
    ) {
      return 'unitIds must name the units that report';
    }
    if (e.until !== undefined) {
      const invalid = requireInstant(e.until, 'until');
      if (invalid) return invalid;
      if (Date.parse(e.until) <= Date.parse(e.at)) return 'until must be later than the time it is set';
    }
    return cadenceProblem(e.cadence);
  },
  reportExpected: (context, event) => {
    const e = event as Of<'SUBMIT_REPORT'>;
    if (!context.reporting) return 'this campaign has no reporting cadence';
    if (!context.reporting.unitIds.includes(e.unitId))
      return `unit ${e.unitId} is not required to report in this campaign`;
    const invalid = requireInstant(e.dueAt, 'dueAt');
    if (invalid) return invalid;
    if (context.reports.some((r) => r.unitId === e.unitId && r.dueAt === e.dueAt))
      return `unit ${e.unitId} already reported for ${e.dueAt}`;
    return null;
  },
  reportDueMatches: (context, event) => {
    const e = event as Of<'REPORT_DUE'>;
    if (!context.reporting) return 'this campaign has no reporting cadence';
    const last = context.reportDues[context.reportDues.length - 1] ?? context.reporting.since;
    const next = nextDueOf(context.reporting, last);
    if (next === null) return `the reporting cadence ended at ${context.reporting.until}`;
    if (e.dueAt !== next) return `the next report is due at ${next}, not ${e.dueAt}`;
    return Date.parse(e.at) >= Date.parse(e.dueAt) ? null : 'the report is not due yet';
  },
  isStanding: (context) => (context.kind === 'standing' ? null : 'not a standing mechanism'),
  standingMechanism: (context, event) => {
    if (context.kind !== 'standing') return 'look-back rounds belong to standing mechanisms (长效机制)';
    const note = (event as Of<'START_LOOK_BACK_ROUND'>).note;
    return note === undefined || typeof note === 'string' ? null : 'note must be text';
  },
  noOpenLongTermItems: (_context, event) => {
    const e = event as Of<'FINISH'>;
    const open = e.openLongTermItems;
    if (!Number.isInteger(open) || open < 0) return 'openLongTermItems must be counted by the engine';
    if (open > 0)
      return `the campaign cannot finish while ${open} long-term item(s) (长期推进) are still open`;
    return treeProblem(e.children, 'consolidate', true, e.overrideReason);
  },
};
