import type { AnyStateMachine } from 'xstate';
import { CAMPAIGN_MACHINE_VERSION, campaignInputProblem, campaignMachine } from './campaign-machine';
import { campaignGuardReasons } from './campaign-guards';
import type { CampaignContext, CampaignInput } from './campaign-types';
import {
  ESCALATION_MACHINE_VERSION,
  escalationGuardReasons,
  escalationInputProblem,
  escalationMachine,
} from './escalation-machine';
import type { EscalationContext, EscalationInput } from './escalation-types';
import type { GuardReasonTable } from './guard-reasons';
import {
  ITEM_MACHINE_V2,
  ITEM_MACHINE_V3,
  ITEM_MACHINE_VERSION,
  itemInputProblem,
  itemMachine,
  itemMachineV2,
  itemMachineV3,
} from './item-machine';
import { itemV1ToV2, itemV1ToV3, itemV2ToV3, type MachineMigration } from './item-migration';
import { correctionGuardReasons } from './item-corrections';
import { itemGuardReasons } from './item-guards';
import type { ItemContext, ItemInput } from './item-types';

/** The kinds of stream the engine runs. Escalations and schedules add theirs in later modules. */
export const StreamType = { item: 'item', campaign: 'campaign', escalation: 'escalation' } as const;
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

/**
 * Everything the engine needs to run one version of one machine: the XState definition, the reasons
 * behind its guards, the check of its creation input, and the columns it projects for queries.
 */
export interface MachineDefinition<TContext = unknown, TInput = unknown> {
  streamType: StreamType;
  version: number;
  machine: AnyStateMachine;
  guardReasons: GuardReasonTable<TContext, never>;
  /** The field of the creation input that carries the stream id. */
  idField: string;
  /** The event type stored as sequence 1 of every stream of this kind. */
  creationEventType: string;
  inputProblem(input: TInput): string | null;
  /** Query columns kept beside the snapshot (for escalations `category` holds the measure) (same transaction), derived only from the context. */
  project(state: string, context: TContext): StreamProjection;
}

/** Denormalised columns of the `streams` table, for lists and filters. */
export interface StreamProjection {
  campaignId: string | null;
  unitId: string;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
}

const itemV1: MachineDefinition<ItemContext, ItemInput> = {
  streamType: 'item',
  version: ITEM_MACHINE_VERSION,
  machine: itemMachine,
  guardReasons: itemGuardReasons as GuardReasonTable<ItemContext, never>,
  idField: 'itemId',
  creationEventType: 'REGISTER',
  inputProblem: itemInputProblem,
  project: (state, c) => ({
    campaignId: c.campaignId,
    unitId: c.ledger?.responsibleUnitId ?? c.verification?.unitId ?? c.reportedUnitId,
    category: c.confirmation?.category ?? null,
    deadline:
      state === 'verifying'
        ? (c.verification?.deadline ?? null)
        : state === 'rectifying'
          ? (c.ledger?.deadline ?? null)
          : null,
    overdue:
      (state === 'verifying' && c.verification?.overdue === true) ||
      (state === 'rectifying' && c.ledger?.overdue === true),
  }),
};

/** Version 2: the same states and projection, plus audited corrections (see item-corrections.ts). */
const itemV2: MachineDefinition<ItemContext, ItemInput> = {
  ...itemV1,
  version: ITEM_MACHINE_V2,
  machine: itemMachineV2,
  guardReasons: { ...itemGuardReasons, ...correctionGuardReasons } as GuardReasonTable<ItemContext, never>,
};

/** Version 3: version 2, and 已查否 / 已移送 can be corrected (item-machine.ts). */
const itemV3: MachineDefinition<ItemContext, ItemInput> = {
  ...itemV2,
  version: ITEM_MACHINE_V3,
  machine: itemMachineV3,
};

const campaignV1: MachineDefinition<CampaignContext, CampaignInput> = {
  streamType: 'campaign',
  version: CAMPAIGN_MACHINE_VERSION,
  machine: campaignMachine,
  guardReasons: campaignGuardReasons as GuardReasonTable<CampaignContext, never>,
  idField: 'campaignId',
  creationEventType: 'CREATE',
  inputProblem: campaignInputProblem,
  project: (state, c) => ({
    campaignId: c.campaignId,
    unitId: c.unitId,
    category: null,
    deadline: (c.deadlines as Record<string, string | undefined>)[state] ?? null,
    overdue: c.overduePhases.includes(state as never),
  }),
};

const escalationV1: MachineDefinition<EscalationContext, EscalationInput> = {
  streamType: 'escalation',
  version: ESCALATION_MACHINE_VERSION,
  machine: escalationMachine,
  guardReasons: escalationGuardReasons as GuardReasonTable<EscalationContext, never>,
  idField: 'escalationId',
  creationEventType: 'ISSUE',
  inputProblem: escalationInputProblem,
  project: (state, c) => ({
    campaignId: c.campaignId,
    unitId: c.unitId,
    category: c.measure,
    deadline: state === 'lifted' || state === 'steppedUp' || state === 'voided' ? null : c.respondBy,
    overdue: c.responseOverdue && state !== 'lifted' && state !== 'steppedUp' && state !== 'voided',
  }),
};

/** Every machine version ever released, so that old streams replay on the definition they ran on. */
const definitions: Record<StreamType, Record<number, MachineDefinition<never, never>>> = {
  item: {
    [itemV1.version]: itemV1 as MachineDefinition<never, never>,
    [itemV2.version]: itemV2 as MachineDefinition<never, never>,
    [itemV3.version]: itemV3 as MachineDefinition<never, never>,
  },
  campaign: { [campaignV1.version]: campaignV1 as MachineDefinition<never, never> },
  escalation: { [escalationV1.version]: escalationV1 as MachineDefinition<never, never> },
};

/** The definition a new stream of this kind starts on. */
export function currentDefinition(streamType: StreamType): MachineDefinition<never, never> {
  const versions = definitions[streamType];
  if (!versions) throw new Error(`unknown stream type ${streamType}`);
  return versions[Math.max(...Object.keys(versions).map(Number))]!;
}

/** The definition a stored stream runs on; throws if that version is no longer shipped. */
export function definitionFor(streamType: string, version: number): MachineDefinition<never, never> {
  const definition = definitions[streamType as StreamType]?.[version];
  if (!definition)
    throw new Error(`no ${streamType} machine version ${version} is installed; a migration is needed`);
  return definition;
}

/** Every installed definition, by stream type then version (oldest first). */
export function allDefinitions(): Array<MachineDefinition<never, never>> {
  return Object.values(definitions).flatMap((versions) =>
    Object.keys(versions)
      .map(Number)
      .sort((a, b) => a - b)
      .map((version) => versions[version]!),
  );
}

export function isStreamType(value: string): value is StreamType {
  return Object.hasOwn(definitions, value);
}

/** The declared, tested migrations between installed versions (state and context mapping). */
const migrations: readonly MachineMigration[] = [itemV1ToV2, itemV2ToV3, itemV1ToV3];

/** The migration from one installed version to another, or null when none is declared. */
export function migrationFor(streamType: string, from: number, to: number): MachineMigration | null {
  return migrations.find((m) => m.streamType === streamType && m.from === from && m.to === to) ?? null;
}

/** The installed versions of one stream type, oldest first. */
export function installedVersions(streamType: string): number[] {
  const versions = definitions[streamType as StreamType];
  return versions
    ? Object.keys(versions)
        .map(Number)
        .sort((a, b) => a - b)
    : [];
}

export type { MachineMigration } from './item-migration';
