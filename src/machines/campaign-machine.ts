import { assign, setup } from 'xstate';
import {
  blockingChildren,
  campaignGuardReasons,
  categoryProblem,
  checklistProblem,
  deadlineOrderProblem,
} from './campaign-guards';
import type { CampaignContext, CampaignEvent, CampaignInput, Phase } from './campaign-types';
import { firstFailure, requireInstant, requireText, toXStateGuards } from './guard-reasons';
import { defaultObligations } from './campaign-templates';

/** Bump when states, guards or the reducer change meaning; stored streams keep the version they ran on. */
export const CAMPAIGN_MACHINE_VERSION = 1;

/** Why a campaign cannot be created with this input, or null. */
export function campaignInputProblem(input: CampaignInput): string | null {
  return firstFailure(
    requireText(input.campaignId, 'campaignId'),
    requireText(input.name, 'name'),
    requireText(input.unitId, 'unitId'),
    requireInstant(input.at, 'at'),
    categoryProblem(input.categories),
    input.checklist === undefined ? null : checklistProblem(input.checklist),
    deadlineOrderProblem(input.deadlines ?? {}),
  );
}

export function initialCampaignContext(input: CampaignInput): CampaignContext {
  return {
    campaignId: input.campaignId,
    name: input.name,
    unitId: input.unitId,
    parentCampaignId: input.parentCampaignId ?? null,
    template: input.template ?? null,
    categories: input.categories,
    checklist: input.checklist ?? [],
    deadlines: input.deadlines ?? {},
    obligations: (input.obligations ?? defaultObligations).map((o) => ({ ...o, doneAt: null, note: null })),
    phaseHistory: [{ phase: 'mobilize', enteredAt: input.at }],
    overduePhases: [],
    createdAt: input.at,
    stateEnteredAt: input.at,
    lastEventAt: input.at,
    finishedAt: null,
    ...(input.kind === 'standing' ? { kind: 'standing' as const, lookBackRounds: [] } : {}),
    reporting: null,
    reports: [],
    reportDues: [],
    missedReports: {},
  };
}

/** What an accepted event records in the campaign's context. */
export function applyCampaignEvent(context: CampaignContext, event: CampaignEvent): CampaignContext {
  const next = { ...context, lastEventAt: event.at };
  switch (event.type) {
    case 'SET_PHASE_DEADLINE':
      return {
        ...next,
        deadlines: { ...context.deadlines, [event.phase]: event.deadline },
        overduePhases: context.overduePhases.filter((p) => p !== event.phase),
      };
    case 'SET_CATEGORIES':
      return { ...next, categories: event.categories };
    case 'SET_CHECKLIST':
      return { ...next, checklist: event.checklist };
    case 'ADD_OBLIGATION':
      return {
        ...next,
        obligations: [
          ...context.obligations,
          { code: event.code, label: event.label, phase: event.phase, doneAt: null, note: null },
        ],
      };
    case 'FULFIL_OBLIGATION':
      return {
        ...next,
        obligations: context.obligations.map((o) =>
          o.code === event.code ? { ...o, doneAt: event.at, note: event.note ?? null } : o,
        ),
      };
    case 'ADVANCE_PHASE': {
      // The phase entry records the new phase; a change over lagging children records its reason here.
      const from = context.phaseHistory[context.phaseHistory.length - 1]!.phase;
      return withOverride(
        next,
        event.at,
        from,
        blockingChildren(event.children, from, false),
        event.overrideReason,
      );
    }
    case 'PHASE_DEADLINE_PASSED':
      return { ...next, overduePhases: [...context.overduePhases, event.phase] };
    case 'FINISH':
      return withOverride(
        { ...next, finishedAt: event.at },
        event.at,
        'consolidate',
        blockingChildren(event.children, 'consolidate', true),
        event.overrideReason,
      );
    case 'SET_REPORTING':
      return {
        ...next,
        reporting: {
          cadence: event.cadence,
          unitIds: event.unitIds,
          since: event.at,
          // Only when given, so that snapshots of earlier SET_REPORTING events replay unchanged.
          ...(event.until ? { until: event.until } : {}),
        },
      };
    case 'SUBMIT_REPORT':
      return {
        ...next,
        reports: [...context.reports, { unitId: event.unitId, dueAt: event.dueAt, at: event.at }],
      };
    case 'START_LOOK_BACK_ROUND': {
      const rounds = context.lookBackRounds ?? [];
      return {
        ...next,
        lookBackRounds: [
          ...rounds,
          { number: rounds.length + 1, startedAt: event.at, note: event.note ?? '' },
        ],
      };
    }
    case 'REPORT_DUE': {
      // A report counts if it names this due instant and arrived by then; the rest of the units missed it.
      const onTime = new Set(
        context.reports
          .filter((r) => r.dueAt === event.dueAt && Date.parse(r.at) <= Date.parse(event.dueAt))
          .map((r) => r.unitId),
      );
      const missedReports = { ...context.missedReports };
      for (const unitId of context.reporting?.unitIds ?? []) {
        if (!onTime.has(unitId)) missedReports[unitId] = (missedReports[unitId] ?? 0) + 1;
      }
      return { ...next, reportDues: [...context.reportDues, event.dueAt], missedReports };
    }
  }
}

function withOverride(
  context: CampaignContext,
  at: string,
  from: string,
  blocking: string[],
  reason: string | undefined,
): CampaignContext {
  if (blocking.length === 0 || reason === undefined) return context;
  return { ...context, treeOverrides: [...(context.treeOverrides ?? []), { at, from, reason, blocking }] };
}

const common = {
  SET_PHASE_DEADLINE: { guard: 'validPhaseDeadline', actions: 'apply' },
  ADD_OBLIGATION: { guard: 'validNewObligation', actions: 'apply' },
  FULFIL_OBLIGATION: { guard: 'openObligationExists', actions: 'apply' },
  PHASE_DEADLINE_PASSED: { guard: 'phaseDeadlineMatches', actions: 'apply' },
  SET_REPORTING: { guard: 'validReporting', actions: 'apply' },
  SUBMIT_REPORT: { guard: 'reportExpected', actions: 'apply' },
  REPORT_DUE: { guard: 'reportDueMatches', actions: 'apply' },
} as const;

const configurable = {
  SET_CATEGORIES: { guard: 'validCategories', actions: 'apply' },
  SET_CHECKLIST: { guard: 'validChecklist', actions: 'apply' },
} as const;

const advanceTo = (target: Phase) =>
  ({ ADVANCE_PHASE: { target, guard: 'phaseObligationsMet', actions: 'apply' } }) as const;

/**
 * A campaign (专项整治行动): 动员部署 mobilize → 查摆问题 identify → 集中整治 rectify → 总结 summarize →
 * 巩固提升 consolidate → finished. A phase closes only when its obligations are fulfilled; rectify also
 * needs every confirmed item closed or carried into long-term rectification (counted by the engine).
 * Categories and the checklist may change until problems are being rectified. A standing mechanism
 * (长效机制, `kind: standing`) goes straight to `standing`: no phases, periodic look-back rounds (回头看).
 */
export const campaignMachine = setup({
  types: {} as { context: CampaignContext; events: CampaignEvent; input: CampaignInput },
  guards: toXStateGuards(campaignGuardReasons),
  actions: {
    apply: assign(({ context, event }) => applyCampaignEvent(context, event)),
    enterPhase: assign(({ context, event }, params: { phase: Phase }) => {
      const at = 'at' in event ? event.at : context.createdAt;
      const alreadyRecorded = context.phaseHistory[context.phaseHistory.length - 1]?.phase === params.phase;
      return {
        stateEnteredAt: at,
        phaseHistory: alreadyRecorded
          ? context.phaseHistory
          : [...context.phaseHistory, { phase: params.phase, enteredAt: at }],
      };
    }),
  },
}).createMachine({
  id: 'campaign',
  context: ({ input }) => initialCampaignContext(input),
  initial: 'mobilize',
  states: {
    mobilize: {
      entry: { type: 'enterPhase', params: { phase: 'mobilize' } },
      // A standing mechanism (长效机制) leaves the phase march at once: it stands.
      always: { target: 'standing', guard: 'isStanding' },
      on: { ...common, ...configurable, ...advanceTo('identify') },
    },
    standing: {
      on: {
        ...common,
        ...configurable,
        START_LOOK_BACK_ROUND: { guard: 'standingMechanism', actions: 'apply' },
      },
    },
    identify: {
      entry: { type: 'enterPhase', params: { phase: 'identify' } },
      on: { ...common, ...configurable, ...advanceTo('rectify') },
    },
    rectify: {
      entry: { type: 'enterPhase', params: { phase: 'rectify' } },
      on: { ...common, ...advanceTo('summarize') },
    },
    summarize: {
      entry: { type: 'enterPhase', params: { phase: 'summarize' } },
      on: { ...common, ...advanceTo('consolidate') },
    },
    consolidate: {
      entry: { type: 'enterPhase', params: { phase: 'consolidate' } },
      on: { ...common, FINISH: { target: 'finished', guard: 'noOpenLongTermItems', actions: 'apply' } },
    },
    finished: { type: 'final' },
  },
});

export type CampaignMachine = typeof campaignMachine;
