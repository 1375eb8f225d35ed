import { isOver } from '../machines/describe';
import { MIGRATED } from '../machines/item-migration';
import {
  currentDefinition,
  definitionFor,
  installedVersions,
  isStreamType,
  migrationFor,
  type MachineMigration,
} from '../machines/registry';
import type { EventStore } from '../persistence/event-store';
import { countStreamsByMachineState } from '../persistence/machine-usage';
import type { Clock } from '../shared/clock';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import type { Actor } from './engine';

/** One line of a migration plan: how many streams of a version are in a state, and where they go. */
export interface MigrationPlanLine {
  fromVersion: number;
  state: string;
  count: number;
  /** The state in the target version, or null when the stream cannot be migrated (see `reason`). */
  mapsTo: string | null;
  reason: string | null;
}

export interface MigrationPlan {
  streamType: string;
  toVersion: number;
  migration: string | null;
  context: string | null;
  lines: MigrationPlanLine[];
  migratable: number;
  unmappable: number;
  alreadyOnTarget: number;
}

export interface MigrationReport extends MigrationPlan {
  dryRun: boolean;
  migrated: number;
  /** Streams that changed while the migration ran and were left for the next run. */
  skipped: number;
}

/** The installed versions of every stream type with how many streams run on each. */
export async function machineVersions(
  store: EventStore,
): Promise<Array<{ streamType: string; version: number; current: boolean; streams: number; live: number }>> {
  const counts = await countStreamsByMachineState((sql, p) => store.database.dataSource.query(sql, p), '%');
  const rows: Array<{
    streamType: string;
    version: number;
    current: boolean;
    streams: number;
    live: number;
  }> = [];
  for (const streamType of ['campaign', 'item', 'escalation'] as const) {
    const current = currentDefinition(streamType).version;
    for (const version of installedVersions(streamType)) {
      const mine = counts.filter((c) => c.streamType === streamType && c.machineVersion === version);
      const machine = definitionFor(streamType, version).machine;
      const finals = new Set(
        Object.entries(machine.states as Record<string, { type: string; tags: readonly string[] }>)
          .filter(([, node]) => isOver(node))
          .map(([name]) => name),
      );
      rows.push({
        streamType,
        version,
        current: version === current,
        streams: mine.reduce((n, c) => n + c.count, 0),
        live: mine.filter((c) => !finals.has(c.state)).reduce((n, c) => n + c.count, 0),
      });
    }
  }
  return rows;
}

function migrationTo(streamType: string, toVersion: number, fromVersion: number): MachineMigration | null {
  return migrationFor(streamType, fromVersion, toVersion);
}

/** Counts per state of the streams below `toVersion`, with the mapping or the reason they cannot move. */
export async function planMigration(
  store: EventStore,
  streamType: string,
  toVersion: number,
): Promise<MigrationPlan> {
  if (!isStreamType(streamType))
    throw new ZhengzhiError(ErrorCode.invalidInput, `unknown stream type ${streamType}`);
  if (!installedVersions(streamType).includes(toVersion))
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `${streamType} machine version ${toVersion} is not installed (installed: ${installedVersions(streamType).join(', ')})`,
    );
  const counts = (
    await countStreamsByMachineState((sql, p) => store.database.dataSource.query(sql, p), '%')
  ).filter((c) => c.streamType === streamType);
  const lines: MigrationPlanLine[] = [];
  let alreadyOnTarget = 0;
  let declared: MachineMigration | null = null;
  for (const c of counts.sort(
    (a, b) => a.machineVersion - b.machineVersion || a.state.localeCompare(b.state),
  )) {
    if (c.machineVersion >= toVersion) {
      alreadyOnTarget += c.count;
      continue;
    }
    const migration = migrationTo(streamType, toVersion, c.machineVersion);
    declared ??= migration;
    const mapsTo = migration?.states[c.state] ?? null;
    lines.push({
      fromVersion: c.machineVersion,
      state: c.state,
      count: c.count,
      mapsTo,
      reason:
        mapsTo !== null
          ? null
          : migration
            ? (migration.unmapped[c.state] ?? `state ${c.state} has no mapping to version ${toVersion}`)
            : `no migration from version ${c.machineVersion} to ${toVersion} is declared`,
    });
  }
  const sum = (keep: (l: MigrationPlanLine) => boolean): number =>
    lines.filter(keep).reduce((n, l) => n + l.count, 0);
  return {
    streamType,
    toVersion,
    migration: declared?.name ?? migrationFor(streamType, toVersion - 1, toVersion)?.name ?? null,
    context: declared?.context ?? migrationFor(streamType, toVersion - 1, toVersion)?.context ?? null,
    lines,
    migratable: sum((l) => l.mapsTo !== null),
    unmappable: sum((l) => l.mapsTo === null),
    alreadyOnTarget,
  };
}

/**
 * Reports the plan, then (unless a dry run) migrates every mappable stream by appending a MIGRATED event
 * under the declared mapping: batches of streams are locked, mapped and appended in one transaction
 * each, with the same compare-and-set as any append (a stream changed meanwhile is retried in the next
 * batch pass). Hooks do not run: a migration changes the machine version, not what the item says.
 */
export async function migrateStreams(
  store: EventStore,
  clock: Clock,
  actor: Actor,
  options: { streamType: string; toVersion: number; dryRun?: boolean; batchSize?: number },
): Promise<MigrationReport> {
  const plan = await planMigration(store, options.streamType, options.toVersion);
  const report: MigrationReport = { ...plan, dryRun: options.dryRun ?? false, migrated: 0, skipped: 0 };
  if (report.dryRun) return report;
  const batchSize = options.batchSize ?? 500;
  const fromVersions = [...new Set(plan.lines.filter((l) => l.mapsTo !== null).map((l) => l.fromVersion))];
  for (const fromVersion of fromVersions) {
    const migration = migrationTo(options.streamType, options.toVersion, fromVersion)!;
    const states = Object.keys(migration.states);
    for (let after = ''; ;) {
      const batch = await store.transaction(async (tx) => {
        const streams = await tx.lockStreamsOnVersion(
          options.streamType,
          fromVersion,
          states,
          after,
          batchSize,
        );
        const now = clock.now().toISOString();
        for (const stream of streams) {
          const mapped = migration.map(stream.snapshot);
          if (!mapped.ok) {
            report.skipped++;
            continue;
          }
          await tx.appendMigration(
            stream,
            {
              type: MIGRATED,
              payload: {
                fromVersion,
                toVersion: options.toVersion,
                migration: migration.name,
                fromState: stream.state,
                toState: mapped.state.value,
                at: now,
              },
              actorId: actor.userId,
              unitId: actor.unitId,
              occurredAt: now,
              machineVersion: options.toVersion,
            },
            mapped.state,
            now,
          );
          report.migrated++;
        }
        return streams;
      });
      if (batch.length < batchSize) break;
      after = batch[batch.length - 1]!.streamId;
    }
  }
  return report;
}
