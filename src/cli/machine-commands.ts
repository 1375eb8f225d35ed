import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { machineVersions, migrateStreams, type MigrationReport } from '../engine/migration';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import { EventStore } from '../persistence/event-store';
import { systemClock, type Clock } from '../shared/clock';
import { ErrorCode, ZhengzhiError } from '../shared/errors';

/** What the machine commands need from outside; tests pass their own database, clock and output. */
export interface MachineCommandEnvironment {
  openDatabase?: () => Promise<Database>;
  clock?: Clock;
  out?: (line: string) => void;
}

/** The plan and outcome of a migration as printed lines. */
export function describeMigration(r: MigrationReport): string[] {
  return [
    `${r.dryRun ? 'dry run: ' : ''}${r.streamType} streams to version ${r.toVersion}${r.migration ? ` (mapping ${r.migration}; context ${r.context})` : ''}`,
    ...r.lines.map(
      (l) =>
        `  v${l.fromVersion} ${l.state.padEnd(20)} ${String(l.count).padStart(8)}  ${l.mapsTo !== null ? `→ ${l.mapsTo}` : `cannot be migrated: ${l.reason}`}`,
    ),
    `  ${r.migratable} to migrate, ${r.unmappable} cannot be migrated, ${r.alreadyOnTarget} already on version ${r.toVersion}`,
    ...(r.dryRun ? [] : [`migrated ${r.migrated} stream(s)${r.skipped ? `, ${r.skipped} skipped` : ''}`]),
  ];
}

/** `machines list` and `machines migrate`: installed machine versions and live migration of streams. */
export function registerMachineCommands(program: Command, environment: MachineCommandEnvironment = {}): void {
  const out = environment.out ?? ((line: string) => console.log(line));
  const open = environment.openDatabase ?? (() => openDatabaseFromEnvironment());
  const clock = environment.clock ?? systemClock;
  async function withStore<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
    const database = await open();
    try {
      return await work(new EventStore(database));
    } finally {
      await database.close();
    }
  }
  const machines = program.command('machines').description('installed machine versions; live migration');
  machines
    .command('list')
    .description('installed machine versions and how many streams (live = not in a final state) run on each')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withStore(async (store) => {
        const rows = await machineVersions(store);
        if (o.json) return out(JSON.stringify(rows, null, 2));
        for (const r of rows)
          out(
            `${r.streamType.padEnd(11)} v${r.version}${r.current ? ' (new streams)' : '              '} ${String(r.streams).padStart(8)} streams, ${String(r.live).padStart(8)} live`,
          );
      }),
    );
  machines
    .command('migrate')
    .description(
      'report live streams per state and which cannot be mapped, then append MIGRATED under the declared mapping',
    )
    .requiredOption('--stream-type <type>', 'item, campaign or escalation')
    .requiredOption('--to <version>', 'the target machine version')
    .option('--dry-run', 'only report the plan')
    .option('--as <userId>', 'the operator recorded on the MIGRATED events', `cli:${userInfo().username}`)
    .option('--json', 'print JSON')
    .action((o: { streamType: string; to: string; dryRun?: boolean; as: string; json?: boolean }) => {
      if (!/^\d+$/.test(o.to))
        throw new ZhengzhiError(ErrorCode.invalidInput, `--to must be a whole number, not ${o.to}`);
      return withStore(async (store) => {
        const report = await migrateStreams(
          store,
          clock,
          { userId: o.as, unitId: 'cli' },
          { streamType: o.streamType, toVersion: Number(o.to), dryRun: o.dryRun },
        );
        if (o.json) out(JSON.stringify(report, null, 2));
        else for (const line of describeMigration(report)) out(line);
      });
    });
}
