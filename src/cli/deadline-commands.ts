import type { Command } from 'commander';
import { openDatabaseFromEnvironment } from '../persistence/database';
import { changeDeadline, type DeadlineChange, type DeadlineChangeReport } from '../runtime/deadline-change';
import type { ChangeDiff } from '../runtime/change-diff';
import { createRuntime } from '../runtime/runtime';
import { openDeploymentClock } from '../runtime/sandbox';

function print(report: DeadlineChangeReport, json: boolean): void {
  if (json) return console.log(JSON.stringify(report, null, 2));
  console.log(`${report.dryRun ? 'dry run (nothing written)' : 'applied'} at ${report.at}`);
  printChangeDiff(report);
}

/** The lines of a change's diff (deadline changes, rule-set publications): timers, overdue marks, escalations. */
export function printChangeDiff(report: ChangeDiff): void {
  for (const t of report.timers.moved)
    console.log(`  timer ${t.kind} ${t.streamId}: ${t.from ?? '—'} → ${t.to ?? '— (fired or cancelled)'}`);
  for (const f of report.timers.fired) console.log(`  fires now: ${JSON.stringify(f)}`);
  for (const id of report.overdue.became) console.log(`  becomes overdue: ${id}`);
  for (const id of report.overdue.stopped) console.log(`  stops being overdue: ${id}`);
  for (const e of report.escalations)
    console.log(
      `  escalation: ${e.measure} → ${JSON.stringify(e.target)} on ${e.itemId ?? 'the unit'} by rule ${e.ruleId}`,
    );
}

async function run(change: DeadlineChange, options: { dryRun?: boolean; by: string; json?: boolean }) {
  const database = await openDatabaseFromEnvironment();
  try {
    // On a drill database (演练) the change happens at the sandbox clock.
    const { clock } = await openDeploymentClock(database, { sandbox: false });
    const runtime = createRuntime(database, { clock, schedulerName: `cli-deadlines-${process.pid}` });
    const { report } = await changeDeadline(
      runtime,
      change,
      { userId: options.by, unitId: 'cli' },
      {
        dryRun: options.dryRun === true,
      },
    );
    print(report, options.json === true);
  } finally {
    await database.close();
  }
}

/**
 * `zhengzhi deadlines change-item|set-phase [--dry-run]` (issue 10 point 4): move a deadline and see — first,
 * with --dry-run — which timers move, which items become or stop being overdue and which escalations issue.
 */
export function registerDeadlineCommands(program: Command): void {
  const deadlines = program
    .command('deadlines')
    .description(
      'change deadlines mid-campaign; --dry-run shows timers, overdue marks and escalations first',
    );
  deadlines
    .command('change-item <itemId>')
    .description("move an item's rectification deadline earlier or later (CHANGE_DEADLINE, with a reason)")
    .requiredOption('--to <instant>', 'the new deadline (ISO 8601)')
    .requiredOption('--reason <text>', 'why (recorded in the event)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--by <userId>', 'the supervisor making the change', 'cli')
    .option('--json', 'print the report as JSON')
    .action(
      (
        itemId: string,
        options: { to: string; reason: string; dryRun?: boolean; by: string; json?: boolean },
      ) => run({ kind: 'itemDeadline', itemId, deadline: options.to, reason: options.reason }, options),
    );
  deadlines
    .command('set-phase')
    .description("set or move a campaign's phase deadline (SET_PHASE_DEADLINE)")
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--phase <phase>', 'mobilize, identify, rectify, summarize or consolidate')
    .requiredOption('--to <instant>', 'the new deadline (ISO 8601)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--by <userId>', 'the supervisor making the change', 'cli')
    .option('--json', 'print the report as JSON')
    .action(
      (options: {
        campaign: string;
        phase: string;
        to: string;
        dryRun?: boolean;
        by: string;
        json?: boolean;
      }) =>
        run(
          { kind: 'phaseDeadline', campaignId: options.campaign, phase: options.phase, deadline: options.to },
          options,
        ),
    );
}
