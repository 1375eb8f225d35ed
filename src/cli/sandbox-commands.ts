import type { Command } from 'commander';
import { createRuntime } from '../runtime/runtime';
import { advanceSandboxClock, openDeploymentClock } from '../runtime/sandbox';
import { openDatabaseFromEnvironment } from '../persistence/database';

/**
 * `zhengzhi sandbox init|clock`: drills (演练, issue 10 point 3) on a database of their own. `init` marks an
 * empty database as a sandbox; `clock` shows its instant or moves it forward, firing what falls due on the
 * way in order (the same code as `POST /sandbox/clock`).
 */
export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('drills (演练): a database with its own clock that a supervisor moves forward');
  sandbox
    .command('init')
    .description(
      'mark an empty database as a sandbox (then `zhengzhi serve --sandbox`); a database with data is refused',
    )
    .option('--clock <instant>', 'where the sandbox clock starts (ISO 8601; default: now)')
    .action(async (options: { clock?: string }) => {
      const database = await openDatabaseFromEnvironment();
      try {
        const deployment = await openDeploymentClock(database, { sandbox: true, clock: options.clock });
        if (!deployment.created && deployment.moveTo)
          throw new Error(
            `the database is already a sandbox, its clock at ${deployment.sandbox!.now().toISOString()}; move it with \`zhengzhi sandbox clock --to\``,
          );
        console.log(
          `${deployment.created ? 'sandbox database created' : 'already a sandbox database'}; clock at ${deployment.sandbox!.now().toISOString()}`,
        );
      } finally {
        await database.close();
      }
    });
  sandbox
    .command('clock')
    .description(
      'print the sandbox clock, or move it forward with --to: deadlines, report dues, daily sweeps and reminders fire in order',
    )
    .option('--to <instant>', 'move the clock forward to this instant (ISO 8601)')
    .option('--json', 'print the move as JSON')
    .action(async (options: { to?: string; json?: boolean }) => {
      const database = await openDatabaseFromEnvironment();
      try {
        const { sandbox: clock } = await openDeploymentClock(database, { sandbox: false });
        if (!clock)
          throw new Error(
            'this is a production database: it has no sandbox clock (create one with `sandbox init`)',
          );
        if (options.to === undefined) return console.log(await clock.refresh());
        if (Number.isNaN(Date.parse(options.to)))
          throw new Error(`--to must be an ISO 8601 instant, not ${options.to}`);
        const runtime = createRuntime(database, { clock, schedulerName: `cli-sandbox-${process.pid}` });
        const move = await advanceSandboxClock(runtime, clock, options.to);
        if (options.json) return console.log(JSON.stringify(move, null, 2));
        for (const step of move.steps)
          for (const job of step.jobs)
            console.log(`${step.at} ${job.kind} ${job.streamId}: ${job.status} — ${job.outcome}`);
        console.log(
          `sandbox clock ${move.from} → ${move.to}: ${move.firedJobs} job(s), ${move.notifications} notification(s)`,
        );
      } finally {
        await database.close();
      }
    });
}
