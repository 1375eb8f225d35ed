import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { machineVersions, migrateStreams, type MigrationReport } from '../engine/migration';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import { EventStore } from '../persistence/event-store';
import { systemClock, type Clock } from '../shared/clock';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import type { Lang } from '../vocabulary/labels';
import { currentLang } from './lang';
import { say } from './messages';

/** What the machine commands need from outside; tests pass their own database, clock and output. */
export interface MachineCommandEnvironment {
  openDatabase?: () => Promise<Database>;
  clock?: Clock;
  out?: (line: string) => void;
}

/** The plan and outcome of a migration as printed lines. */
export function describeMigration(r: MigrationReport, lang: Lang = 'en'): string[] {
  return [
    say(lang, 'migrationHead', {
      dryRun: r.dryRun,
      streamType: r.streamType,
      toVersion: r.toVersion,
      mapping: r.migration ?? null,
      context: String(r.context),
    }),
    ...r.lines.map((l) =>
      say(lang, 'migrationLine', {
        fromVersion: l.fromVersion,
        state: l.state,
        count: l.count,
        mapsTo: l.mapsTo,
        reason: String(l.reason ?? ''),
      }),
    ),
    say(lang, 'migrationTotals', {
      migratable: r.migratable,
      unmappable: r.unmappable,
      onTarget: r.alreadyOnTarget,
      toVersion: r.toVersion,
    }),
    ...(r.dryRun ? [] : [say(lang, 'migrationDone', { migrated: r.migrated, skipped: r.skipped })]),
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
        const lang = currentLang();
        for (const r of rows) out(say(lang, 'machineVersionLine', r));
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
        throw new ZhengzhiError(
          ErrorCode.invalidInput,
          say(currentLang(), 'notASequence', { option: '--to', value: o.to }),
        );
      return withStore(async (store) => {
        const report = await migrateStreams(
          store,
          clock,
          { userId: o.as, unitId: 'cli' },
          { streamType: o.streamType, toVersion: Number(o.to), dryRun: o.dryRun },
        );
        if (o.json) out(JSON.stringify(report, null, 2));
        else for (const line of describeMigration(report, currentLang())) out(line);
      });
    });
}
